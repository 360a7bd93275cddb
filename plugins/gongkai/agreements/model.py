"""An agreement template as one document model read by every output.

The body's sanitised HTML is parsed once into blocks (headings, paragraphs,
list items) made of parts (text, blanks, signature lines); the HTML read view,
the fill-in form, the build-time DOCX and the browser's DOCX template are all
rendered from that model, so their numbering, blanks and signature block agree.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import lxml.html

from ..schema import L, Label
from ..types.agreement import PLACEHOLDER_RE, SCHEMA

FULL_WIDTH_SPACE = "\u3000"
EMPTY_BOX = "\u2610"

# Blank width in full-width characters when a field gives no ``width``.
DEFAULT_WIDTH = {"text": 8, "name": 4, "date": 7, "money": 5, "number": 3, "choice": 6, "checkbox": 1}

CN_DIGITS = "零一二三四五六七八九"

# A heading that already carries its number: 一、 / （一） / 1. / 第一条.
NUMBERED_RE = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]"
                         r"|\d+\s*[.．、]"
                         r"|第[一二三四五六七八九十百\d]+[条章节部分])")
CJK_RE = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
SPACE_RE = re.compile(r"[ \t]+")
LINE_BREAK_RE = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BOLD, ITALIC = {"strong", "b"}, {"em", "i"}
INLINE = {"a", "abbr", "b", "br", "code", "del", "em", "i", "ins", "s", "small", "span", "strong", "sub",
          "sup", "u", "img"}

# The signature block: labels are data, like the schema's, for the HTML view and the DOCX alike.
SEAL = L("（公章）", "(official seal)")
SIGNATURE = L("（签名）", "(signature)")
REPRESENTATIVE = L("法定代表人（签名）：", "Legal representative (signature): ")
DATE = L("日期：", "Date: ")
COLON = L("：", ": ")
COPIES = L("（本协议一式{n}份）", "(Made in {n} copies)")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (for n < 100: section numbers and copies)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def section_marker(n: int, lang: str) -> str:
    return f"{cn_number(n)}、" if lang == "zh" else f"{n}. "


def item_marker(n: int, ordered: bool, depth: int, lang: str) -> str:
    """1． then （1） for nested lists (1. and (1) in English); a dot for unordered items."""
    if not ordered:
        return "·" if lang == "zh" else "• "
    if lang == "zh":
        return f"{n}．" if depth == 0 else f"（{n}）"
    return f"{n}. " if depth == 0 else f"({n}) "


@dataclass(frozen=True)
class BlankField:
    """One declared blank, as the form and every renderer see it."""

    id: str
    label: Label
    kind: str
    required: bool
    default: str
    help: Label | None
    choices: tuple[Label, ...]
    width: int

    @classmethod
    def from_values(cls, values: dict) -> "BlankField":
        kind = values.get("kind") or "text"
        return cls(id=values["id"], label=values["label"], kind=kind, required=bool(values.get("required")),
                   default=str(values.get("default") or ""), help=values.get("help"),
                   choices=tuple(values.get("choices") or ()),
                   width=values.get("width") or DEFAULT_WIDTH[kind])

    @property
    def blank(self) -> str:
        """What an unfilled blank shows: an empty box, or full-width spaces to underline."""
        return EMPTY_BOX if self.kind == "checkbox" else FULL_WIDTH_SPACE * self.width

    @property
    def underlined(self) -> bool:
        return self.kind != "checkbox"

    @property
    def default_checked(self) -> bool:
        return self.default.strip().lower() in ("true", "yes", "1", "checked")

    def default_choice(self) -> int | None:
        """Index of the choice the default names (in either language), if any."""
        for i, choice in enumerate(self.choices):
            if self.default in (choice.zh, choice.en):
                return i
        return None


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class Blank:
    field: BlankField
    kind: str = "blank"


@dataclass(frozen=True)
class Line:
    """An underlined space filled in by hand (signatures, dates), not by the form."""

    width: int
    kind: str = "line"

    @property
    def blank(self) -> str:
        return FULL_WIDTH_SPACE * self.width


@dataclass(frozen=True)
class Break:
    kind: str = "break"


@dataclass(frozen=True)
class Block:
    """kind: heading (level 1 = section) | paragraph | item (depth 0 = top list)."""

    kind: str
    parts: tuple
    level: int = 0
    marker: str = ""


@dataclass(frozen=True)
class Agreement:
    slug: str
    lang: str
    title: str
    date: dt.datetime
    party_a: str
    party_b: str
    copies: int
    fields: tuple[BlankField, ...]
    blocks: tuple[Block, ...]

    @property
    def signature_rows(self) -> tuple[tuple[tuple, tuple], ...]:
        """Rows of (party A cell, party B cell), each a tuple of parts."""
        lang = self.lang

        def party(name: str, label: Label):
            return (Text(label[lang] + COLON[lang]), Text(name) if name else Line(8))

        date = (Text(DATE[lang]), Line(3), Text("年"), Line(2), Text("月"), Line(2), Text("日")) if lang == "zh" \
            else (Text(DATE[lang]), Line(8))
        return (
            (party(self.party_a, SCHEMA.field("party_a").label), party(self.party_b, SCHEMA.field("party_b").label)),
            ((Text(SEAL[lang]),), (Text(SIGNATURE[lang]),)),
            ((Text(REPRESENTATIVE[lang]), Line(5)), ()),
            (date, date),
        )

    @property
    def copies_count(self) -> str:
        """三 in Chinese (一式三份), 3 in English."""
        return cn_number(self.copies) if self.lang == "zh" else str(self.copies)

    @property
    def copies_note(self) -> str:
        return COPIES[self.lang].format(n=self.copies_count)


def build(article, fields: list[dict]) -> Agreement:
    """The model of one agreement page (Pelican article) with its declared fields."""
    values = article.doc.values
    blank_fields = tuple(BlankField.from_values(f) for f in fields if f.get("id") and f.get("label"))
    return Agreement(
        slug=article.slug, lang=article.lang, title=values.get("title") or article.title, date=article.date,
        party_a=values.get("party_a") or "", party_b=values.get("party_b") or "",
        copies=values.get("copies") or SCHEMA.field("copies").default,
        fields=blank_fields, blocks=parse_body(article.content, {f.id: f for f in blank_fields}, article.lang),
    )


def parse_body(html: str, fields: dict[str, BlankField], lang: str) -> tuple[Block, ...]:
    """Blocks of a sanitised HTML body; ``[[id]]`` becomes a Blank of that field.

    A placeholder naming no declared field stays as text: the build's checks
    report it and stop the build before anything is written.
    """
    if not html.strip():
        return ()
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks: list[Block] = []
    _block(root, blocks, fields, lang, depth=0)
    return _number_sections(blocks, lang)


def _is_block(el) -> bool:
    return isinstance(el.tag, str) and el.tag not in INLINE


def _block(el, blocks, fields, lang, depth):
    """Append the blocks of one element; its tail belongs to the caller."""
    if el.tag in HEADINGS:
        blocks.append(Block("heading", _finish(_inline(el, fields)), level=HEADINGS[el.tag]))
    elif el.tag in ("ol", "ul"):
        start = int(el.get("start")) if (el.get("start") or "").isdigit() else 1
        for n, li in enumerate((c for c in el if c.tag == "li"), start=start):
            parts, nested = _list_item(li, fields)
            marker = item_marker(n, el.tag == "ol", depth, lang)
            blocks.append(Block("item", _finish(parts), level=depth, marker=marker))
            for sub in nested:
                _block(sub, blocks, fields, lang, depth + 1)
    elif any(_is_block(c) for c in el):
        run = _text_parts(el.text, fields)
        for child in el:
            if _is_block(child):
                _paragraph(blocks, run)
                _block(child, blocks, fields, lang, depth)
                run = _text_parts(child.tail, fields)
            else:
                run += _inline_one(child, fields, False, False) + _text_parts(child.tail, fields)
        _paragraph(blocks, run)
    else:
        _paragraph(blocks, _inline(el, fields))


def _paragraph(blocks, parts):
    parts = _finish(parts)
    if parts:
        blocks.append(Block("paragraph", parts))


def _list_item(li, fields):
    """Inline parts of a list item (a loose item's paragraphs joined by line breaks) and its nested lists."""
    parts = _text_parts(li.text, fields)
    nested = []
    for child in li:
        if child.tag in ("ol", "ul"):
            nested.append(child)
        elif child.tag == "p":
            if parts:
                parts.append(Break())
            parts.extend(_inline(child, fields))
        else:
            parts.extend(_inline_one(child, fields, False, False))
        parts.extend(_text_parts(child.tail, fields))
    return parts, nested


def _inline(el, fields, bold=False, italic=False):
    parts = _text_parts(el.text, fields, bold, italic)
    for child in el:
        parts.extend(_inline_one(child, fields, bold, italic))
        parts.extend(_text_parts(child.tail, fields, bold, italic))
    return parts


def _inline_one(el, fields, bold, italic):
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        return [Break()]
    if tag == "img":
        return _text_parts(el.get("alt"), fields, bold, italic)
    if not tag:  # comment or processing instruction
        return []
    return _inline(el, fields, bold or tag in BOLD, italic or tag in ITALIC)


def _text_parts(text, fields, bold=False, italic=False) -> list:
    if not text:
        return []
    parts: list = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(text):
        field = fields.get(m.group(1))
        if field is None:
            continue
        if m.start() > pos:
            parts.append(Text(text[pos:m.start()], bold, italic))
        parts.append(Blank(field))
        pos = m.end()
    if pos < len(text):
        parts.append(Text(text[pos:], bold, italic))
    return parts


def _finish(parts) -> tuple:
    """Join source lines (no space where a line break falls between CJK text or next to a blank in CJK
    text), collapse runs of spaces, merge neighbouring text of one style and trim the block's ends."""
    out: list = []
    for i, part in enumerate(parts):
        if not isinstance(part, Text):
            out.append(part)
            continue
        before = _edge(parts[i - 1], last=True) if i else ""
        after = _edge(parts[i + 1], last=False) if i + 1 < len(parts) else ""
        text = SPACE_RE.sub(" ", _unwrap(part.text, before, after))
        if out and isinstance(out[-1], Text) and (out[-1].bold, out[-1].italic) == (part.bold, part.italic):
            out[-1] = Text(out[-1].text + text, part.bold, part.italic)
        else:
            out.append(Text(text, part.bold, part.italic))
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip(), out[0].bold, out[0].italic)
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip(), out[-1].bold, out[-1].italic)
    return tuple(p for p in out if not (isinstance(p, Text) and not p.text))


def _edge(part, last: bool) -> str:
    """The character next to a text part: a blank counts as a full-width character."""
    if isinstance(part, Text):
        return part.text[-1:] if last else part.text[:1]
    return FULL_WIDTH_SPACE if isinstance(part, (Blank, Line)) else ""


def _unwrap(text: str, before: str, after: str) -> str:
    def join(m):
        left = text[m.start() - 1] if m.start() else before
        right = text[m.end()] if m.end() < len(text) else after
        return "" if CJK_RE.match(left or " ") and CJK_RE.match(right or " ") else " "
    return LINE_BREAK_RE.sub(join, text)


def _number_sections(blocks: list[Block], lang: str) -> tuple[Block, ...]:
    """Number the top-level headings 一、二、 (1. 2. in English) unless the body numbers them itself."""
    headings = [b for b in blocks if b.kind == "heading"]
    if not headings:
        return tuple(blocks)
    top = min(b.level for b in headings)
    sections = [b for b in headings if b.level == top]
    numbered = any(NUMBERED_RE.match(_plain(b)) for b in sections)
    out, n = [], 0
    for b in blocks:
        if b.kind == "heading":
            level = b.level - top + 1
            marker = ""
            if level == 1 and not numbered:
                n += 1
                marker = section_marker(n, lang)
            b = Block("heading", b.parts, level=level, marker=marker)
        out.append(b)
    return tuple(out)


def _plain(block: Block) -> str:
    return "".join(p.text for p in block.parts if isinstance(p, Text))
