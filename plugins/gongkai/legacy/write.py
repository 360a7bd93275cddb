"""Stage 6: a Document as Markdown with YAML front matter, written through the content schema.

Front-matter keys come from the type's ``SCHEMA.fields`` in that order, so the
file passes the same validator as hand-written content; values the type has no
field for are reported, not written.  The body holds paragraphs and image
blocks only, as plain text with every Markdown- and HTML-active character
escaped: an imported page can never inject markup.  Nothing is written outside
the output folder, and a file whose bytes would not change is not touched.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import yaml

from ..types import news, policy
from .model import Document, Figure, Paragraph

TYPES = {"news": news.TYPE, "policy": policy.TYPE}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: same text, ten times faster
INLINE_RE = re.compile(r"([\\`*_\[\]{}])")
ENTITY_LIKE_RE = re.compile(r"&(?=#?\w+;)")
LEADING_RE = re.compile(r"^(?:([#>+\-])|(\d{1,9})([.)])(?=\s|$))")
# Text the build's raw-HTML check would read as script: break it with an entity.
SCRIPTISH_RE = re.compile(r"(?i)\b((?:java|vb|live)script)\s*:|(\son[a-z]+\s*)=")


def escape(text: str) -> str:
    """Plain text that renders as itself in Python-Markdown and CommonMark."""
    text = ENTITY_LIKE_RE.sub("&amp;", text)
    text = INLINE_RE.sub(r"\\\1", text).replace("<", "&lt;")
    text = SCRIPTISH_RE.sub(lambda m: f"{m[1]}&#58;" if m[1] else f"{m[2]}&#61;", text)
    if text.startswith("~"):
        text = "&#126;" + text[1:]
    return LEADING_RE.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text, count=1)


def slug_for(doc: Document, salt: str | None = None) -> str:
    """Stable ASCII slug: the date and a short hash of the title (and *salt*, to tell apart namesakes)."""
    key = re.sub(r"\s+", "", doc.title or "") + (f"\n{salt}" if salt else "")
    return f"{doc.date:%Y-%m-%d}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"


def output_path(doc: Document) -> str:
    return f"{TYPES[doc.kind].folder}/{doc.slug}.md"


def _values(doc: Document) -> dict:
    date = f"{doc.date:%Y-%m-%d}" + (f" {doc.time}" if doc.time else "")
    return {
        "type": doc.kind, "title": doc.title, "slug": doc.slug, "lang": "zh", "date": date,
        "index_no": doc.index_no, "issuer": list(doc.issuers), "doc_number": doc.doc_number,
        "written": f"{doc.written:%Y-%m-%d}" if doc.written else None, "topic": doc.topic,
        "source": doc.source, "authors": list(doc.authors), "photographers": list(doc.photographers),
        "tags": list(doc.tags),
        "images": [_compact({"src": f.target, "caption": f.caption}) for f in doc.images],
        "attachments": [{"href": a.target, "title": a.title} for a in doc.attachments],
        "legacy_url": doc.legacy_url,
    }


def _compact(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {})}


def front_matter(doc: Document) -> tuple[dict, tuple[str, ...]]:
    """(the type's fields in schema order, warnings for values the type cannot hold)."""
    values = _compact(_values(doc))
    schema = TYPES[doc.kind].schema
    dropped = [f"{key} {_shown(values[key])}" for key in values if key not in schema.by_name]
    warnings = (f"not written, {doc.kind} has no such field: {'; '.join(dropped)}",) if dropped else ()
    return {f.name: values[f.name] for f in schema.fields if f.name in values}, warnings


def _shown(value) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _figure(item: Figure) -> str:
    caption = escape(item.caption) if item.caption else ""
    block = f"![{caption}]({{static}}/{quote(item.target)})"
    return f"{block}\n*{caption}*" if caption else block


def markdown(doc: Document) -> tuple[str, tuple[str, ...]]:
    """(the file's text, warnings)."""
    fields, dropped = front_matter(doc)
    head = yaml.dump(fields, Dumper=DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=4096)
    blocks = [escape(item.text) if isinstance(item, Paragraph) else _figure(item) for item in doc.body]
    return f"---\n{head}---\n\n" + "\n\n".join(blocks) + "\n", dropped


class OutsideOutput(ValueError):
    """A computed output path would leave the output folder."""


def inside(out: Path, rel: str) -> Path:
    """``out/rel``, refusing any path that resolves outside *out* (``..``, symlinks)."""
    root = out.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or target == root:
        raise OutsideOutput(f"refused to write '{rel}': it resolves outside the output folder {out}")
    return target


def put(out: Path, rel: str, data: bytes, force: bool) -> str:
    """Write *data* at ``out/rel`` unless identical: 'written', 'unchanged' or 'kept' (differs, no --force)."""
    target = inside(out, rel)
    if target.exists():
        if target.read_bytes() == data:
            return "unchanged"
        if not force:
            return "kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return "written"
