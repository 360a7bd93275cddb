"""What is searched: one :class:`SearchDoc` per published page, with fields read from the schemas.

The searchable metadata of each content type is whatever its schema marks
``indexed=True``; nothing here lists fields by hand.  Markdown content comes
from ``build_state.contents`` (every language), service points from the
directory model the directory generator put in the shared context.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from html import unescape

from ..document import display
from ..incremental import Memo
from ..i18n import lang_path
from ..schema import L, Schema
from ..types import BY_NAME
from ..types.agreement import PLACEHOLDER_RE
from ..types.service_point import POINT_SCHEMA

POINT_TYPE = "service_point"
POINT_PLURAL = L("服务网点", "Service points")
TYPE_ORDER = (*BY_NAME, POINT_TYPE)  # also the order of the type filter
TITLE_FIELDS = ("title", "name")  # the schema field shown as a result's heading
EXCERPT_CHARS = 600  # plain text kept per document for the result excerpt
# Sanitised HTML (see gongkai.sanitize): tags, attribute values may hold ">", comments.
TAG_RE = re.compile(r"""<!--.*?-->|</?([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
SKIPPED_RE = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
SPACES_RE = re.compile("[ \t\u00a0]+")
BLOCK_TAGS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
                       "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split())


@dataclass(frozen=True)
class SearchDoc:
    """One page as the index sees it.

    ``fields`` holds (schema field name, plain text) pairs: the heading first,
    then the indexed metadata, then ``body``.  ``region`` is the service
    points' region filter (empty for other types).
    """

    url: str
    type: str
    title: str
    date: dt.date | None
    region: str
    fields: tuple[tuple[str, str], ...]
    meta: str  # one line under the result's heading
    excerpt: str

    @functools.cached_property
    def key(self) -> str:
        """Changes exactly when anything the indexes hold about the document changes."""
        parts = [self.url, self.type, self.title, self.date.isoformat() if self.date else "", self.region,
                 self.meta, self.excerpt, *(f"{name}\0{text}" for name, text in self.fields)]
        return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def indexed_fields(schema: Schema) -> list[str]:
    """The schema's searchable metadata, in schema order, without the heading field."""
    return [f.name for f in schema.fields if f.indexed and f.name not in TITLE_FIELDS]


def all_field_names() -> list[str]:
    """Every field name any document can carry, in a fixed order (the index schema)."""
    names = ["title"]
    for schema in [t.schema for t in BY_NAME.values()] + [POINT_SCHEMA]:
        names += [n for n in indexed_fields(schema) if n not in names]
    return names + [n for n in ("region", "body") if n not in names]


def _tag_text(match: re.Match) -> str:
    return "\n" if match.group(1) and match.group(1).lower() in BLOCK_TAGS else ""


def html_text(html: str) -> str:
    """Plain text of sanitised HTML; block elements become line breaks, inline ones join their text."""
    text = TAG_RE.sub(_tag_text, SKIPPED_RE.sub("", html or ""))
    lines = (line.strip() for line in SPACES_RE.sub(" ", unescape(text)).split("\n"))
    return "\n".join(line for line in lines if line)


def _excerpt(text: str) -> str:
    return re.sub(r"\s+", " ", text)[:EXCERPT_CHARS]


def _metadata(schema: Schema, values: dict, lang: str) -> list[tuple[str, str]]:
    pairs = [(name, display(schema.field(name), values.get(name), lang)) for name in indexed_fields(schema)]
    return [(name, text) for name, text in pairs if text]


def from_content(item) -> SearchDoc | None:
    """A Pelican article or page, or None if it is not a published portal document."""
    doc = getattr(item, "doc", None)
    if doc is None or getattr(item, "status", "published") != "published":
        return None
    lang = item.lang
    body = html_text(item.content)
    if doc.type == "agreement":
        body = PLACEHOLDER_RE.sub(" ", body)
    metadata = _metadata(doc.schema, doc.values, lang)
    date = getattr(item, "date", None)
    return SearchDoc(
        url=item.url, type=doc.type, title=html_text(item.title), date=date.date() if date else None, region="",
        fields=(("title", html_text(item.title)), *metadata, ("body", body)),
        meta=" · ".join(text for name, text in metadata if name != "tags"), excerpt=_excerpt(body))


def from_point(point, lang: str, default_lang: str) -> SearchDoc:
    """A service point: its name is the heading, its labelled codes and district the body."""
    values = point.values
    title = values["name"][lang]
    metadata = _metadata(POINT_SCHEMA, values, lang)
    region = point.region.name[lang]
    described = [display(f, values.get(f.name), lang) for f in POINT_SCHEMA.fields
                 if f.public and not f.indexed and f.kind in ("localized", "enum", "list")]
    body = "\n".join(text for text in described if text)
    return SearchDoc(
        url=lang_path(point.path, lang, default_lang), type=POINT_TYPE, title=title, date=values.get("updated"),
        region=region, fields=(("title", title), *metadata, ("region", region), ("body", body)),
        meta=" · ".join([region] + [text for _, text in metadata]), excerpt=_excerpt(body))


def _keyed(item) -> SearchDoc | None:
    """:func:`from_content` with its ``key`` computed, so that the build's :class:`Memo` keeps that too."""
    doc = from_content(item)
    if doc is not None:
        getattr(doc, "key")
    return doc


def collect(contents, directory, lang: str, default_lang: str, reuse: Memo | None = None) -> list[SearchDoc]:
    """Every searchable page in *lang*, one per URL, in a stable order."""
    docs: dict[str, SearchDoc] = {}
    for item in contents:
        if getattr(item, "lang", None) == lang and getattr(item, "doc", None) is not None:
            make = functools.partial(_keyed, item)
            found = reuse.get((item.source_path, lang, item.doc.digest), make) if reuse else make()
            if found is not None:
                docs[found.url] = found
    for point in (directory.points if directory is not None else []):
        found = from_point(point, lang, default_lang)
        docs[found.url] = found
    return sorted(docs.values(), key=lambda d: d.url)


def type_labels() -> dict[str, tuple]:
    """Type name → (singular label for a result, plural label for the filter), from the schemas."""
    labels = {name: (ctype.schema.label, ctype.plural) for name, ctype in BY_NAME.items()}
    labels[POINT_TYPE] = (POINT_SCHEMA.label, POINT_PLURAL)
    return labels
