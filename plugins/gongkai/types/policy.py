"""Policy documents (政策文件) with the 信息公开 metadata and a validity status."""
from ..schema import Field, L, Schema, Vocabulary
from .base import (ATTACHMENTS, AUTHORS, IMAGES, LANG, LEGACY_URL, SLUG, SOURCE, SUMMARY, TAGS,
                   TITLE, ContentType, type_field)

STATUS = Vocabulary("policy status", {
    "in_force": L("现行有效", "In force"),
    "amended": L("已修订", "Amended"),
    "repealed": L("已废止", "Repealed"),
    "expired": L("已失效", "Expired"),
})

# 主题分类 after the State Council's public-information topic scheme.
TOPICS = Vocabulary("topic", {
    "population": L("人口与计划生育、妇女儿童工作", "Population, family planning, women and children"),
    "health": L("卫生、体育", "Health and sport"),
    "civil_affairs": L("民政、扶贫、救灾", "Civil affairs and poverty relief"),
    "labour": L("劳动、人事、监察", "Labour and personnel"),
    "general": L("综合政务", "General government affairs"),
})

SCHEMA = Schema("policy", L("政策文件", "Policy document"), (
    type_field("policy"), TITLE, SLUG, LANG,
    Field("index_no", "str", L("索引号", "Index number")),
    Field("issuer", "list", L("发文机关", "Issued by"), item=Field("issuer", "str", L("发文机关", "Issuer")),
          default=list, indexed=True),
    Field("doc_number", "str", L("文号", "Document number"), indexed=True),
    Field("written", "date", L("成文日期", "Date written")),
    Field("date", "datetime", L("发布日期", "Published"), required=True),
    Field("topic", "enum", L("主题分类", "Topic"), vocabulary=TOPICS),
    Field("status", "enum", L("有效性", "Validity"), vocabulary=STATUS, default="in_force"),
    Field("valid_until", "date", L("有效期至", "Valid until")),
    Field("supersedes", "list", L("替代文件", "Replaces"), default=list,
          item=Field("slug", "ref", L("文件", "Document"), ref="policy")),
    Field("superseded_by", "ref", L("修订或废止文件", "Amended or repealed by"), ref="policy"),
    SOURCE, AUTHORS, TAGS, SUMMARY, IMAGES, ATTACHMENTS, LEGACY_URL,
))

# The 信息公开 table, in the order government portals show it.
INFO_TABLE = ("index_no", "issuer", "doc_number", "written", "date", "topic", "status")

TYPE = ContentType("policy", SCHEMA, folder="policy", url_dir="policy", template="policy",
                   plural=L("政策文件", "Policies"))


def status_problems(values: dict) -> list[tuple[str, str]]:
    """Rules linking status and successor: (field, message) pairs."""
    out = []
    status, successor = values.get("status"), values.get("superseded_by")
    if successor and status == "in_force":
        out.append(("status", "a document with superseded_by cannot be in_force; "
                              "use amended or repealed"))
    if status in ("amended",) and not successor:
        out.append(("superseded_by", f"status '{status}' needs the slug of the amending document"))
    if status == "expired" and not values.get("valid_until"):
        out.append(("valid_until", "status 'expired' needs the date the document stopped being valid"))
    return out
