"""The importer's records: one options object in, one :class:`Document` per page out.

Stages exchange small frozen records and never change what they were given
(trafilatura copies its tree and options for the same reason: a shared value
that one stage edits surprises every later stage).  A page that is not imported
carries a :class:`Rejection` with the reason instead of a bare ``None``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

STATUSES = ("imported", "skipped", "duplicate", "failed")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Everything a run depends on; checked once, here, so stages can trust it."""

    sources: tuple[Path, ...]
    out: Path
    report: Path | None = None  # where the command line writes the JSON report
    dry_run: bool = False
    base_url: str | None = None
    force: bool = False
    progress: bool = False
    jobs: int = 1

    def __post_init__(self):
        if not self.sources:
            raise ValueError("expected at least one SRC file or folder, found none")
        object.__setattr__(self, "sources", tuple(Path(s) for s in self.sources))
        object.__setattr__(self, "out", Path(self.out))
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"--base-url must be an http(s) address such as http://www.rkwh.org/, "
                                 f"found '{self.base_url}'")
            object.__setattr__(self, "base_url", self.base_url.rstrip("/") + "/")
        if self.jobs < 1:
            raise ValueError(f"jobs must be 1 or more, found {self.jobs}")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a page is not imported: ``status`` is skipped or failed."""

    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class PageFile:
    """One input page: where it is, the SRC root it was found under, and how to show it."""

    path: Path  # absolute path of the file
    root: Path  # resolved SRC folder (the file's folder when SRC is a file)
    rel: str  # path relative to root, POSIX
    shown: str  # SRC as given joined with rel


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Figure:
    """A content image; ``target`` is its path under the content folder once planned."""

    src: str
    caption: str | None = None
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    href: str
    title: str
    target: str | None = None


@dataclass(frozen=True)
class Document:
    """What the importer made of one page (trafilatura's ``Document``).

    ``path`` is the page as reported; ``source`` is the article's 来源.
    """

    path: str
    status: str
    reason: str = ""
    kind: str | None = None  # news | policy
    title: str | None = None
    date: dt.date | None = None
    time: str | None = None  # HH:MM
    source: str | None = None
    authors: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    doc_number: str | None = None
    issuers: tuple[str, ...] = ()
    index_no: str | None = None
    written: dt.date | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    body: tuple[Paragraph | Figure, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    legacy_url: str | None = None
    saved_copy: bool = False  # the page carries a browser "saved from url" mark
    encoding: str | None = None
    traditional: bool = False
    slug: str | None = None
    output: str | None = None
    duplicate_of: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, found '{self.status}'")

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(item.text for item in self.body if isinstance(item, Paragraph))

    @property
    def images(self) -> tuple[Figure, ...]:
        return tuple(item for item in self.body if isinstance(item, Figure))

    def warn(self, *messages: str) -> "Document":
        return replace(self, warnings=self.warnings + tuple(messages))

    @classmethod
    def rejected(cls, page: PageFile, rejection: Rejection, warnings: tuple[str, ...] = ()) -> "Document":
        return cls(path=page.shown, status=rejection.status, reason=rejection.reason, warnings=warnings)
