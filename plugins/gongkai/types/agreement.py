"""Agreement templates (协议书范本): declared blanks and a body with [[field_id]]."""
from __future__ import annotations

import re

from ..schema import Field, L, Schema, Vocabulary
from .base import LANG, SLUG, SUMMARY, TAGS, TITLE, ContentType, type_field

FIELD_KINDS = Vocabulary("field kind", {
    "text": L("文字", "Text"),
    "name": L("姓名", "Name"),
    "date": L("日期", "Date"),
    "money": L("金额（元）", "Amount (yuan)"),
    "number": L("数字", "Number"),
    "choice": L("选项", "Choice"),
    "checkbox": L("勾选", "Checkbox"),
})

PLACEHOLDER_RE = re.compile(r"\[\[\s*([A-Za-z0-9_]+)\s*\]\]")

BLANK_SCHEMA = Schema("agreement field", L("填写项", "Blank"), (
    Field("id", "id", L("标识", "Id"), required=True),
    Field("label", "localized", L("名称", "Label"), required=True),
    Field("kind", "enum", L("类型", "Kind"), vocabulary=FIELD_KINDS, default="text"),
    Field("required", "bool", L("必填", "Required"), default=False),
    Field("default", "str", L("默认值", "Default")),
    Field("help", "localized", L("填写说明", "Help")),
    Field("choices", "list", L("可选项", "Choices"), default=list,
          item=Field("choice", "localized", L("选项", "Choice"))),
    Field("width", "int", L("空格宽度（字）", "Blank width (characters)"),
          check=lambda v: None if 1 <= v <= 40 else "expected a width from 1 to 40 characters"),
))

SCHEMA = Schema("agreement", L("协议范本", "Agreement template"), (
    type_field("agreement"), TITLE, SLUG, LANG,
    Field("date", "datetime", L("更新日期", "Updated"), required=True),
    Field("party_a", "str", L("甲方", "Party A")),
    Field("party_b", "str", L("乙方", "Party B")),
    Field("copies", "int", L("份数", "Copies"), default=3,
          check=lambda v: None if 1 <= v <= 10 else "expected from 1 to 10 copies"),
    Field("fields", "list", L("填写项", "Blanks"), default=list,
          item=Field("field", "object", L("填写项", "Blank"), schema=BLANK_SCHEMA)),
    SUMMARY, TAGS,
))

TYPE = ContentType("agreement", SCHEMA, folder="agreements", url_dir="agreements", template="agreement",
                   plural=L("协议范本", "Agreement templates"))


def placeholder_ids(body: str) -> list[str]:
    """Field ids named in a body, in order of first use."""
    seen: dict[str, None] = {}
    for m in PLACEHOLDER_RE.finditer(body):
        seen.setdefault(m.group(1), None)
    return list(seen)
