"""The validated record behind every page: ``article.doc`` in templates.

Pelican's ``Content`` turns any metadata key into an attribute; we keep our
schema's values apart in one typed record so templates read exactly the fields
the schema declares (a typo in a template fails loudly instead of rendering
nothing) and Pelican's own keys (``status``…) never collide with ours.
"""
from __future__ import annotations

import datetime as dt

from .schema import Field, Label, Schema


class Doc:
    """One content file: its type, typed values, body and the problems found in it."""

    def __init__(self, ctype, values: dict, source: str, body_line: int = 1):
        self.ctype = ctype
        self.values = values
        self.source = source
        self.body_line = body_line
        self.placeholders: list[str] = []  # [[id]] blanks named in the body (agreements); the body itself is not kept
        self.located = None
        self.digest = ""
        self.problems: list = []

    @property
    def schema(self) -> Schema:
        return self.ctype.schema

    def __getstate__(self):
        """Pickled by type name: schemas hold functions, and Pelican's reader cache pickles docs."""
        state = dict(self.__dict__)
        state["ctype"] = self.ctype.name if self.ctype else None
        return state

    def __setstate__(self, state):
        from .types import BY_NAME

        state["ctype"] = BY_NAME.get(state["ctype"])
        self.__dict__.update(state)

    def __getattr__(self, name):
        values = self.__dict__.get("values")
        if values is None or name not in values:
            raise AttributeError(f"{self.__dict__.get('ctype') and self.type} has no field {name!r}")
        return values[name]

    def __getitem__(self, name):
        return self.values[name]

    @property
    def type(self) -> str:
        return self.ctype.name if self.ctype else "unknown"

    def label(self, name: str, lang: str) -> str:
        return self.schema.field(name).label[lang]

    def display(self, name: str, lang: str) -> str:
        """A field's value as text for readers (labels of vocabularies, joined lists)."""
        return display(self.schema.field(name), self.values.get(name), lang)


def display(f: Field, value, lang: str) -> str:
    if value is None or value == [] or value == "":
        return ""
    if f.kind == "list":
        sep = "、" if lang == "zh" else ", "
        return sep.join(display(f.item, v, lang) for v in value)
    if f.kind == "enum":
        return f.vocabulary.label(value, lang)
    if isinstance(value, Label):
        return value[lang]
    if isinstance(value, dt.datetime):
        return format_date(value, lang, with_time=(value.hour, value.minute) != (0, 0))
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return str(value)


def format_date(value, lang: str, with_time: bool = False) -> str:
    if lang == "zh":
        text = f"{value.year}年{value.month}月{value.day}日"
    else:
        text = value.strftime("%-d %B %Y")
    if with_time:
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text
