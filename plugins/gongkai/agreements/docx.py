"""Agreement templates as DOCX files that open correctly in Word and WPS.

Layout follows GB/T 9704 (党政机关公文格式): A4, margins top 37 mm, bottom
35 mm, left 28 mm, right 26 mm; title in 方正小标宋简体 2号 (22 pt), body in
仿宋_GB2312 3号 (16 pt).  Fonts, sizes and line pitch live in named styles of
the theme's style template (``theme/docx/agreement.docx``), whose East Asian
fonts are set through ``w:rFonts/@w:eastAsia`` and whose font table names a
fallback for machines without the official fonts (宋体, 仿宋, 楷体).  The
styles are checked before anything is written: python-docx would silently fall
back to the default style for a missing one.

Blanks are underlined runs of full-width spaces, as wide as the field's
``width`` or its kind's default; a checkbox is an empty box.

The same renderer writes the browser's fill-in template: ``fill`` puts each
field's ``[[id]]`` in its run instead of spaces, and the page's script swaps in
the (XML-escaped) values and zips the parts again.

No PDF is generated.  Neither python-docx nor any other kept dependency lays
out CJK text into PDF (reportlab and WeasyPrint are not dependencies, and
WeasyPrint needs Pango system libraries), and `make html` installs no CJK font,
so a PDF made on a bare build machine would show empty boxes.  Staff get the
same A4 page from the browser: the print stylesheet prints only the document,
and the print dialog can save it as PDF.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Callable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .model import Agreement, Blank, BlankField, Break, Line, Text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}  # GB/T 9704
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Every style the renderer uses, by name and type; the template must define them all.
STYLES = {
    "Normal": WD_STYLE_TYPE.PARAGRAPH,
    "Title": WD_STYLE_TYPE.PARAGRAPH,
    "Heading 1": WD_STYLE_TYPE.PARAGRAPH,
    "Heading 2": WD_STYLE_TYPE.PARAGRAPH,
    "Body Text": WD_STYLE_TYPE.PARAGRAPH,
    "Signature Line": WD_STYLE_TYPE.PARAGRAPH,
    "Copies Note": WD_STYLE_TYPE.PARAGRAPH,
    "Blank": WD_STYLE_TYPE.CHARACTER,
}
LIST_INDENT = Pt(32)  # two characters of 3号 per nesting level

Fill = Callable[[BlankField], str]


def blank_fill(field: BlankField) -> str:
    return field.blank


def placeholder_fill(field: BlankField) -> str:
    return f"[[{field.id}]]"


@dataclass(frozen=True)
class StyleTemplate:
    """The style template's bytes, read once per build."""

    path: str
    data: bytes

    @classmethod
    def load(cls, path: str) -> "StyleTemplate":
        with open(path, "rb") as fh:
            return cls(path, fh.read())

    def problems(self) -> list[str]:
        """What the renderer needs and the template lacks (empty when usable)."""
        styles = Document(io.BytesIO(self.data)).styles
        found = {s.name: s.type for s in styles}
        out = []
        for name, kind in STYLES.items():
            if name not in found:
                out.append(f"the DOCX style template has no style '{name}' ({kind.name.lower()} style expected); "
                           f"it has: {', '.join(sorted(found))}")
            elif found[name] != kind:
                out.append(f"style '{name}' in the DOCX style template is a {found[name].name.lower()} style, "
                           f"expected a {kind.name.lower()} style")
        return out


def render(agreement: Agreement, template: StyleTemplate, fill: Fill = blank_fill) -> bytes:
    """The agreement as DOCX bytes; the same input gives the same bytes."""
    document = Document(io.BytesIO(template.data))
    section = document.sections[0]
    section.page_width, section.page_height = A4
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    document.add_paragraph(agreement.title, style="Title")
    for block in agreement.blocks:
        if block.kind == "heading":
            paragraph = document.add_paragraph(style="Heading 1" if block.level == 1 else "Heading 2")
        else:
            paragraph = document.add_paragraph(style="Body Text")
            if block.kind == "item" and block.level:
                paragraph.paragraph_format.left_indent = LIST_INDENT * block.level
        if block.marker:
            paragraph.add_run(block.marker)
        _add_parts(paragraph, block.parts, fill)
    _signature_table(document, agreement, fill)
    document.add_paragraph(agreement.copies_note, style="Copies Note")
    _core_properties(document, agreement)
    out = io.BytesIO()
    document.save(out)
    return _normalise_zip(out.getvalue())


def _add_parts(paragraph, parts, fill: Fill):
    for part in parts:
        if isinstance(part, Text):
            run = paragraph.add_run(part.text)
            if part.bold:
                run.bold = True
            if part.italic:
                run.italic = True
        elif isinstance(part, Blank):
            run = paragraph.add_run(fill(part.field), style="Blank" if part.field.underlined else None)
            run.element.t_lst[0].set(qn("xml:space"), "preserve")  # the browser puts typed text here
        elif isinstance(part, Line):
            paragraph.add_run(part.blank, style="Blank")
        elif isinstance(part, Break):
            paragraph.add_run().add_break()


def _signature_table(document, agreement: Agreement, fill: Fill):
    """甲方/乙方 side by side: party, seal or signature, representative, date."""
    document.add_paragraph(style="Normal")
    rows = agreement.signature_rows
    table = document.add_table(rows=len(rows), cols=2)
    for row, cells in zip(table.rows, rows):
        for cell, parts in zip(row.cells, cells):
            paragraph = cell.paragraphs[0]
            paragraph.style = "Signature Line"
            _add_parts(paragraph, parts, fill)


def _core_properties(document, agreement: Agreement):
    props = document.core_properties
    props.title = agreement.title
    props.language = "zh-CN" if agreement.lang == "zh" else agreement.lang
    stamp = dt.datetime(agreement.date.year, agreement.date.month, agreement.date.day, tzinfo=dt.timezone.utc)
    props.created = props.modified = stamp
    props.revision = 1


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member dates so a rebuild gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def parts(data: bytes) -> list[tuple[str, str]]:
    """(member name, XML text) of a DOCX package, in package order, for the browser to re-zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info.filename, z.read(info.filename).decode("utf-8")) for info in z.infolist()]
