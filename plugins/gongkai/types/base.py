"""What every content type shares: the common fields and the type record."""
from __future__ import annotations

from dataclasses import dataclass

from ..schema import Field, L, Label, Schema

TITLE = Field("title", "str", L("标题", "Title"), required=True, indexed=True)
SLUG = Field("slug", "slug", L("网址标识", "Slug"), required=True,
             help=L("ASCII，译文与原文相同", "ASCII; a translation shares its original's slug"))
LANG = Field("lang", "lang", L("语言", "Language"), default="zh")
SUMMARY = Field("summary", "text", L("摘要", "Summary"))
TAGS = Field("tags", "list", L("关键词", "Keywords"), item=Field("tag", "str", L("关键词", "Keyword")),
             default=list, indexed=True)
LEGACY_URL = Field("legacy_url", "str", L("原网址", "Former address"), public=False)
IMAGES = Field(
    "images", "list", L("图片", "Images"), default=list,
    item=Field("image", "object", L("图片", "Image"), schema=Schema("image", L("图片", "Image"), (
        Field("src", "ref", L("文件", "File"), required=True, ref="image"),
        Field("caption", "str", L("图片说明", "Caption")),
        Field("alt", "str", L("替代文本", "Alternative text")),
    ))),
)
ATTACHMENTS = Field(
    "attachments", "list", L("附件", "Attachments"), default=list,
    item=Field("attachment", "object", L("附件", "Attachment"), schema=Schema("attachment", L("附件", "Attachment"), (
        Field("href", "ref", L("文件", "File"), required=True, ref="file"),
        Field("title", "str", L("附件名称", "Title"), required=True),
    ))),
)
SOURCE = Field("source", "str", L("来源", "Source"), indexed=True)
AUTHORS = Field("authors", "list", L("作者", "Authors"), item=Field("author", "str", L("作者", "Author")),
                default=list)


def type_field(name: str) -> Field:
    """``type:`` may be written (the importer does); it must match the folder."""
    return Field("type", "str", L("类型", "Type"), default=name,
                 check=lambda v: None if v == name else f"this folder holds {name} files, found type '{v}'")


@dataclass(frozen=True)
class ContentType:
    """A Markdown content type: its schema and where it lives and renders."""

    name: str
    schema: Schema
    folder: str  # under content/
    url_dir: str  # first URL segment, also the list page's folder
    template: str
    plural: Label
    listed: bool = True  # has a paginated list page and a feed

    def url(self, slug: str, lang: str, default_lang: str = "zh") -> str:
        prefix = "" if lang == default_lang else f"{lang}/"
        return f"{prefix}{self.url_dir}/{slug}.html"
