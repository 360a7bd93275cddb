"""Markdown with YAML front matter, validated against the content type's schema.

pelican-yaml-metadata parses front matter but knows nothing of our schemas and
loses line numbers, and Pelican readers can only fail a file by raising (which
logs and skips it, one error at a time).  This reader records every problem in
the build's log and still returns the file, so the build can report all
problems at once before anything is written.
"""
from __future__ import annotations

import hashlib
import os

from markdown import Markdown
from markupsafe import escape
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime

from . import sanitize
from .document import Doc
from .problems import ProblemLog
from .schema import Where
from .types import type_for_path
from .types.agreement import placeholder_ids
from .yamlsource import YamlSyntaxError, load, split_front_matter


def display_path(path: str) -> str:
    """The path an editor would type: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return (path if rel.startswith("..") else rel).replace(os.sep, "/")


class PortalMarkdownReader(MarkdownReader):
    enabled = True
    file_extensions = ["md"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = dict(self.settings["MARKDOWN"])
        # Front matter is ours: Markdown's "meta" extension would eat a body
        # that starts with "Word: text".
        config["extensions"] = [e for e in config.get("extensions", []) if e != "markdown.extensions.meta"]
        self._md = Markdown(**config)

    def read(self, source_path):
        """(html, metadata); problems travel with the Doc so a cached read reports them again."""
        rel = os.path.relpath(source_path, self.settings["PATH"]).replace(os.sep, "/")
        ctype = type_for_path(rel)
        with open(source_path, "rb") as fh:
            raw = fh.read()
        doc = Doc(ctype, {}, display_path(source_path))
        doc.digest = hashlib.sha256(raw).hexdigest()
        log = ProblemLog(doc.problems)
        try:
            text = raw.decode("utf-8")
            yaml_text, yaml_line, body, body_line = split_front_matter(text)
            located = load(yaml_text or "", first_line=yaml_line)
        except UnicodeDecodeError as exc:
            log.add(doc.source, 1, "", f"file is not UTF-8 ({exc.reason} at byte {exc.start})", code="encoding")
            return "", self.placeholder_metadata(rel, doc)
        except YamlSyntaxError as exc:
            log.add(doc.source, exc.line, "", exc.message, code="yaml_syntax")
            return "", self.placeholder_metadata(rel, doc)
        doc.located, doc.body_line = located, body_line
        doc.placeholders = placeholder_ids(body)
        for line, path in located.duplicates:
            log.add(doc.source, line, ".".join(map(str, path)), "field given twice", code="duplicate_field")
        if yaml_text is None:
            log.add(doc.source, 1, "", "missing YAML front matter (a '---' fenced block at the top)",
                    code="missing")
        if ctype is None:
            log.add(doc.source, 1, "", f"content files belong in one of the type folders, not '{rel}'")
            return "", self.placeholder_metadata(rel, doc)
        doc.values = ctype.schema.validate(located.data, Where(doc.source, located, log))
        for line_offset, snippet in sanitize.dangerous_lines(body):
            log.add(doc.source, body_line + line_offset, "body",
                    f"raw HTML '{snippet}' can run script and is not allowed in content", code="unsafe_html")
        html = sanitize.clean(self._md.convert(body)) if body.strip() else ""
        self._md.reset()
        return html, self.pelican_metadata(doc)

    @staticmethod
    def placeholder_metadata(rel: str, doc: Doc) -> dict:
        """Enough for Pelican to carry an unreadable file until the build stops."""
        return {"title": rel, "slug": os.path.splitext(os.path.basename(rel))[0],
                "date": SafeDatetime(1970, 1, 1), "type": doc.type, "template": "page",
                "url_dir": doc.ctype.url_dir if doc.ctype else "unknown", "doc": doc}

    @staticmethod
    def pelican_metadata(doc: Doc) -> dict:
        """The few keys Pelican itself needs; everything else stays in ``doc``."""
        values = doc.values
        meta = {
            # Pelican treats title and summary as HTML (feeds, striptags); ours are plain text.
            "title": escape(values.get("title") or doc.source),
            "slug": values.get("slug") or os.path.splitext(os.path.basename(doc.source))[0],
            "lang": values.get("lang") or "zh",
            "type": doc.ctype.name,
            "url_dir": doc.ctype.url_dir,
            "template": doc.ctype.template,
            "doc": doc,
        }
        date = values.get("date")
        if date is not None:
            meta["date"] = SafeDatetime(date.year, date.month, date.day, date.hour, date.minute)
        elif doc.ctype.name != "page":
            meta["date"] = SafeDatetime(1970, 1, 1)
        if values.get("summary"):
            meta["summary"] = escape(values["summary"])
        return meta
