"""Static pages: about, contact, accessibility statement, privacy."""
from ..schema import Field, L, Schema
from .base import LANG, SLUG, SUMMARY, TITLE, ContentType, type_field

SCHEMA = Schema("page", L("页面", "Page"), (
    type_field("page"), TITLE, SLUG, LANG, SUMMARY,
    Field("date", "datetime", L("更新时间", "Updated")),
))

TYPE = ContentType("page", SCHEMA, folder="pages", url_dir="pages", template="page",
                   plural=L("页面", "Pages"), listed=False)
