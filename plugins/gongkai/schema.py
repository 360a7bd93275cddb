"""The content model's building blocks: fields, vocabularies and schemas.

Each content type (``gongkai.types.*``) states its contract once, as a
:class:`Schema` value.  The validator, the templates (labels, metadata tables),
the legacy importer (front-matter writer), the scaffolder and the search
indexer all read that same object, so a field list is never repeated.

Validation never raises: it converts raw YAML strings into typed values and
appends a :class:`~gongkai.problems.Problem` for every mistake it sees.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from .problems import ProblemLog, did_you_mean

LANGS = ("zh", "en")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATETIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang if lang in LANGS else "zh")


@dataclass(frozen=True)
class Vocabulary:
    """A controlled list of ids with zh/en labels (statuses, point kinds, services…)."""

    name: str
    terms: dict[str, Label]

    def __contains__(self, value) -> bool:
        return value in self.terms

    def label(self, value: str, lang: str = "zh") -> str:
        term = self.terms.get(value)
        return term[lang] if term else str(value)

    def __iter__(self):
        return iter(self.terms)


@dataclass(frozen=True)
class Field:
    """One front-matter key.

    kind: str | text | slug | id | lang | date | datetime | bool | int | money |
          float | enum | localized | list | object | ref
    """

    name: str
    kind: str
    label: Label
    required: bool = False
    help: Label | None = None
    vocabulary: Vocabulary | None = None  # kind == enum (or list of enum)
    item: "Field | None" = None  # kind == list
    schema: "Schema | None" = None  # kind == object
    ref: str | None = None  # kind == ref: "image", "file" or a content type name
    default: object = None
    check: Callable[[object], str | None] | None = None  # extra rule: message or None
    public: bool = True  # shown in metadata tables / exported
    indexed: bool = False  # fed to the search index as a metadata field


@dataclass(frozen=True)
class Schema:
    name: str
    label: Label
    fields: tuple[Field, ...]

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        return self.by_name[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def validate(self, data, where: "Where", path: tuple = ()) -> dict:
        """Typed values of *data*; every problem goes to ``where.log``."""
        if not isinstance(data, dict):
            where.problem(path, f"expected a mapping of fields, found {_kind_of(data)}")
            return {}
        out: dict = {}
        for key in data:
            if key not in self.by_name:
                where.problem(
                    path + (key,),
                    f"unknown field for {self.name}{did_you_mean(key, self.names)}; "
                    f"allowed: {', '.join(self.names)}",
                    code="unknown_field",
                )
        for f in self.fields:
            raw = data.get(f.name)
            if raw is None or raw == "" or raw == [] or raw == {}:
                if f.required:
                    where.problem(path + (f.name,), "required field is missing", code="missing")
                out[f.name] = f.default() if callable(f.default) else f.default
                continue
            value = convert(f, raw, where, path + (f.name,))
            if value is not _BAD and f.check is not None:
                message = f.check(value)
                if message:
                    where.problem(path + (f.name,), message, input=raw)
                    value = _BAD
            out[f.name] = None if value is _BAD else value
        return out


class Where:
    """Locates problems: one file, its YAML line map and the build's log."""

    def __init__(self, file: str, located, log: ProblemLog):
        self.file = file
        self.located = located
        self.log = log

    def problem(self, path, message, code="invalid", input=None):
        line = self.located.line(path) if self.located else 1
        self.log.add(self.file, line, field_path(path), message, code, input)


def field_path(path) -> str:
    """('images', 2, 'src') -> 'images[2].src' (MkDocs-style keys)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_BAD = object()


def _kind_of(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def _scalar(f, raw, where, path):
    if isinstance(raw, (dict, list)):
        where.problem(path, f"expected a single value, found {_kind_of(raw)}", input=raw)
        return _BAD
    return str(raw).strip()


def _date(raw):
    m = DATE_RE.match(raw)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _datetime(raw):
    m = DATETIME_RE.match(raw)
    if not m:
        return None
    try:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
    except ValueError:
        return None


def convert(f: Field, raw, where: Where, path: tuple):
    """Turn one raw YAML value into the field's type, or report and return _BAD."""
    kind = f.kind
    if kind == "list":
        items = raw if isinstance(raw, list) else [raw]
        out = [convert(f.item, item, where, path + (i,)) for i, item in enumerate(items)]
        return [v for v in out if v is not _BAD]
    if kind == "object":
        return f.schema.validate(raw, where, path)
    if kind == "localized":
        if isinstance(raw, str):
            where.problem(path, "expected zh and en values ({zh: …, en: …}), found one string", input=raw)
            return _BAD
        if not isinstance(raw, dict):
            where.problem(path, f"expected {{zh: …, en: …}}, found {_kind_of(raw)}", input=raw)
            return _BAD
        for key in raw:
            if key not in LANGS:
                where.problem(path + (key,), f"unknown language '{key}'; expected zh or en")
        missing = [lang for lang in LANGS if not str(raw.get(lang) or "").strip()]
        for lang in missing:
            where.problem(path + (lang,), f"the {lang} value is missing", code="missing")
        return None if missing else Label(str(raw["zh"]).strip(), str(raw["en"]).strip())
    text = _scalar(f, raw, where, path)
    if text is _BAD:
        return _BAD

    def bad(message):
        where.problem(path, message, input=text)
        return _BAD

    if kind in ("str", "ref"):
        return text if "\n" not in text else bad("expected one line, found several")
    if kind == "text":
        return text
    if kind == "slug":
        return text if SLUG_RE.match(text) else bad(
            f"'{text}' is not an ASCII slug (lower-case letters, digits and single hyphens)")
    if kind == "id":
        return text if ID_RE.match(text) else bad(
            f"'{text}' is not an id (lower-case ASCII letter, then letters, digits or _)")
    if kind == "lang":
        return text if text in LANGS else bad(f"expected one of: zh, en; found '{text}'")
    if kind == "date":
        value = _date(text)
        return value if value else bad(f"'{text}' is not a real date in the form YYYY-MM-DD")
    if kind == "datetime":
        value = _datetime(text)
        return value if value else bad(f"'{text}' is not a real date in the form YYYY-MM-DD or YYYY-MM-DD HH:MM")
    if kind == "bool":
        low = text.lower()
        if low in ("true", "yes"):
            return True
        if low in ("false", "no"):
            return False
        return bad(f"expected true or false, found '{text}'")
    if kind == "int":
        return int(text) if re.fullmatch(r"-?\d+", text) else bad(f"expected a whole number, found '{text}'")
    if kind == "money":
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return bad(f"expected an amount such as 500 or 1200.50, found '{text}'")
        if value < 0 or value != value.quantize(Decimal("0.01")):
            return bad(f"expected a non-negative amount with at most 2 decimals, found '{text}'")
        return value
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return bad(f"expected a number, found '{text}'")
    if kind == "enum":
        if text in f.vocabulary:
            return text
        return bad(f"expected one of: {', '.join(f.vocabulary)}; found '{text}'"
                   f"{did_you_mean(text, f.vocabulary)}")
    raise AssertionError(f"unknown field kind {kind!r} in schema field {f.name!r}")


def L(zh: str, en: str) -> Label:
    """Short constructor used by the type modules."""
    return Label(zh, en)
