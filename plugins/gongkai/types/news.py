"""News reports (新闻): dated articles with source, bylines and photo figures."""
from ..schema import Field, L, Schema
from .base import (ATTACHMENTS, AUTHORS, IMAGES, LANG, LEGACY_URL, SLUG, SOURCE, SUMMARY, TAGS,
                   TITLE, ContentType, type_field)

SCHEMA = Schema("news", L("新闻", "News"), (
    type_field("news"), TITLE, SLUG, LANG,
    Field("date", "datetime", L("发布时间", "Published"), required=True),
    SOURCE, AUTHORS,
    Field("photographers", "list", L("摄影", "Photographers"), item=Field("name", "str", L("摄影", "Photographer")),
          default=list),
    Field("region", "str", L("地区", "Region"), indexed=True),
    TAGS, SUMMARY, IMAGES, ATTACHMENTS, LEGACY_URL,
))

TYPE = ContentType("news", SCHEMA, folder="news", url_dir="news", template="news",
                   plural=L("新闻动态", "News"))
