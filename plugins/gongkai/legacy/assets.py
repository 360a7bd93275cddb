"""Stage 5: find each image and attachment inside SRC and give it a place under the content folder.

A reference is looked up where a saved site keeps it: beside the page
(relative links), under any folder between the page and SRC that may be the
old site root (``/uploads/…``), under a folder named after the host
(``http://img.example.com/…`` in a wget mirror), and in a browser's
``<page>_files`` folder.  Anything that resolves outside SRC is refused, never
read.  Targets keep the original file name: ``images/legacy/<site>/<name>``
and ``files/legacy/<site>/<name>``; a second, different file with the same name
goes one folder deeper, named by a hash of its source.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .model import Attachment, Document, Figure, PageFile

SITE_RE = re.compile(r"[^a-z0-9.-]+")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Unresolved:
    """Why a reference has no file: ``refused`` when it points outside SRC or is not a plain path."""

    reason: str
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Planned:
    """One asset to copy: from a file inside SRC (or nothing, when missing) to a content path."""

    target: str  # relative to the content folder, POSIX
    origin: Path | None


def site_name(legacy_url: str | None, page: PageFile) -> str:
    """The folder that groups one old site's assets: its host, else the SRC folder's name."""
    host = urlsplit(legacy_url or "").hostname
    return SITE_RE.sub("-", (host or page.root.name).lower()).strip("-.") or "site"


def locate(ref: str, page: PageFile) -> Path | Unresolved:
    """The file inside SRC that *ref* (as written in *page*) points to."""
    parts = urlsplit(ref)
    if parts.scheme not in ("", "http", "https"):
        return Unresolved(f"refused '{ref}': only plain paths and http(s) addresses are followed", refused=True)
    path = unquote(parts.path)
    if not path or path.endswith("/"):
        return Unresolved(f"'{ref}' does not name a file")
    here = page.path.parent
    roots = [here, *here.parents][:len(here.relative_to(page.root).parts) + 1]
    candidates = []
    if parts.scheme:
        candidates.append(page.root / parts.netloc / path.lstrip("/"))
    if parts.scheme or path.startswith("/"):
        candidates += [root / path.lstrip("/") for root in roots]
    else:
        candidates.append(here / path)
    candidates.append(here / f"{page.path.stem}_files" / PurePosixPath(path).name)
    escaped = False
    for candidate in candidates:
        # Lexically first (cheap: .. cannot climb out), then through symlinks for a file that exists.
        plain = Path(os.path.normpath(candidate))
        if not plain.is_relative_to(page.root):
            escaped = True
        elif _is_file(plain):
            real = plain.resolve()
            if real.is_relative_to(page.root):
                return real
            escaped = True
    if escaped:
        return Unresolved(f"refused '{ref}': the path leads outside SRC", refused=True)
    return Unresolved(f"'{ref}' was not found inside SRC")


def _is_file(path: Path) -> bool:
    """False also when the name cannot exist here (too long, NUL byte): then there is no such file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _name(ref: str) -> str:
    name = CONTROL_RE.sub("", PurePosixPath(unquote(urlsplit(ref).path)).name).strip()
    return name if name not in ("", ".", "..") else hashlib.sha1(ref.encode()).hexdigest()[:12]


class Planner:
    """Assigns targets for a whole run, so two different files never share one."""

    def __init__(self):
        self.claims: dict[str, object] = {}  # target -> source file (or the reference, when missing)
        self.copies: dict[str, Planned] = {}

    def _target(self, folder: str, site: str, ref: str, origin: Path | None) -> str:
        key = origin or ref
        name = _name(ref)
        target = f"{folder}/legacy/{site}/{name}"
        if self.claims.setdefault(target, key) != key:
            digest = hashlib.sha1(str(key).encode()).hexdigest()[:8]
            target = f"{folder}/legacy/{site}/{digest}/{name}"
            self.claims.setdefault(target, key)
        if origin is not None:
            self.copies[target] = Planned(target, origin)
        return target

    def plan(self, doc: Document, page: PageFile) -> Document:
        """*doc* with asset targets set; refused references dropped, missing ones warned about."""
        site = site_name(doc.legacy_url, page)
        warnings: list[str] = []
        body = []
        for item in doc.body:
            if isinstance(item, Figure):
                item = self._place(item, item.src, "images", site, page, warnings)
                if item is None:
                    continue
            body.append(item)
        attachments = [a for a in (self._place(a, a.href, "files", site, page, warnings) for a in doc.attachments)
                       if a is not None]
        return replace(doc, body=tuple(body), attachments=tuple(attachments),
                       warnings=doc.warnings + tuple(warnings))

    def _place(self, item: Figure | Attachment, ref: str, folder: str, site: str, page: PageFile,
               warnings: list[str]) -> Figure | Attachment | None:
        found = locate(ref, page)
        if isinstance(found, Unresolved):
            warnings.append(found.reason + ("; left out" if found.refused else ""))
            if found.refused:
                return None
            target = self._target(folder, site, ref, None)
            warnings[-1] += f"; the page points to {target}: copy the file there"
        else:
            target = self._target(folder, site, ref, found)
        return replace(item, target=target)
