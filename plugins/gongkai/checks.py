"""Checks across files, run once every file has been read (before any write).

References must resolve (successors, images, attachments, translations),
slugs must be unique per type and language, and a policy's status must agree
with its successor.  Each finding is logged against the file and field.
"""
from __future__ import annotations

import os
from collections import defaultdict

from .schema import field_path
from .types import policy


def content_files(settings, folders_key) -> list[str]:
    """Absolute paths of the Markdown files under the folders a setting names, sorted."""
    out = []
    for folder in settings[folders_key]:
        top = os.path.join(settings["PATH"], folder)
        for base, dirs, files in os.walk(top):
            dirs.sort()
            out.extend(os.path.abspath(os.path.join(base, f)) for f in sorted(files) if f.endswith(".md"))
    return out


def check_nothing_dropped(settings, docs, log) -> None:
    """Every Markdown file became a page: a file Pelican could not process is an error, not a gap."""
    read = {os.path.abspath(doc.source) for doc in docs}
    for key in ("ARTICLE_PATHS", "PAGE_PATHS"):
        for path in content_files(settings, key):
            if path not in read:
                log.add(os.path.relpath(path), 1, "", "this file could not be processed (see the error above)",
                        code="unreadable")


def _where(doc, path):
    return doc.located.line(path) if getattr(doc, "located", None) else 1


def _problem(log, doc, path, message, code="invalid"):
    log.add(doc.source, _where(doc, path), field_path(path), message, code)


def check_documents(docs, content_path: str, default_lang: str, log) -> None:
    by_key = defaultdict(list)
    for doc in docs:
        if doc.values.get("slug"):
            by_key[(doc.type, doc.values.get("lang") or default_lang, doc.values["slug"])].append(doc)
    for (ctype, lang, slug), group in by_key.items():
        if len(group) > 1:
            for doc in group:
                others = ", ".join(sorted(o.source for o in group if o is not doc))
                _problem(log, doc, ("slug",), f"slug '{slug}' is already used by {others} "
                                              f"({ctype}, {lang}); slugs must be unique per language",
                         code="duplicate_slug")
        if lang != default_lang and (ctype, default_lang, slug) not in by_key:
            _problem(log, group[0], ("slug",),
                     f"translation has no {default_lang} original with slug '{slug}' in {ctype}",
                     code="dangling_reference")
    policy_slugs = {slug for (ctype, _, slug) in by_key if ctype == "policy"}
    for doc in docs:
        values = doc.values
        for i, image in enumerate(values.get("images") or []):
            _check_file(log, doc, ("images", i, "src"), image.get("src"), content_path, "images/")
        for i, att in enumerate(values.get("attachments") or []):
            _check_file(log, doc, ("attachments", i, "href"), att.get("href"), content_path, "files/")
        if doc.type == "policy":
            refs = [(("superseded_by",), values.get("superseded_by"))]
            refs += [(("supersedes", i), s) for i, s in enumerate(values.get("supersedes") or [])]
            for path, ref in refs:
                if ref and ref not in policy_slugs:
                    _problem(log, doc, path, f"no policy document has slug '{ref}'", "dangling_reference")
                if ref and ref == values.get("slug"):
                    _problem(log, doc, path, "a document cannot refer to itself")
            for name, message in policy.status_problems(values):
                _problem(log, doc, (name,), message)
        if doc.type == "agreement":
            _check_agreement(log, doc, by_key, default_lang)


def _check_file(log, doc, path, ref, content_path, folder):
    if not ref:
        return
    norm = os.path.normpath(ref).replace(os.sep, "/")
    if os.path.isabs(ref) or norm.startswith("..") or not norm.startswith(folder):
        _problem(log, doc, path, f"'{ref}' must be a path inside content/{folder}", "dangling_reference")
    elif not os.path.isfile(os.path.join(content_path, norm)):
        _problem(log, doc, path, f"file 'content/{norm}' does not exist", "dangling_reference")


def agreement_fields(doc, by_key, default_lang):
    """A template's blanks: its own, or (for a translation) its original's."""
    if doc.values.get("fields"):
        return doc.values["fields"]
    original = by_key.get(("agreement", default_lang, doc.values.get("slug")))
    return original[0].values.get("fields") or [] if original else []


def _check_agreement(log, doc, by_key, default_lang):
    declared = [f["id"] for f in agreement_fields(doc, by_key, default_lang) if f.get("id")]
    used = doc.placeholders
    for i, fid in enumerate(declared):
        if fid in declared[:i]:
            _problem(log, doc, ("fields", i, "id"), f"field id '{fid}' is declared twice")
    for fid in used:
        if fid not in declared:
            log.add(doc.source, doc.body_line, "body",
                    f"placeholder [[{fid}]] names no declared field; declared: {', '.join(declared) or 'none'}",
                    "undeclared_field")
    for i, fid in enumerate(declared):
        if fid not in used and doc.values.get("fields"):
            _problem(log, doc, ("fields", i, "id"), f"field '{fid}' is declared but the body never uses [[{fid}]]",
                     "unused_field")
