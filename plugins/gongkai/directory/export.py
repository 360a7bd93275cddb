"""Open data: the directory as CSV, JSON and GeoJSON per language, and each point as JSON-LD.

The columns are derived from the schemas — the region's fields from
``FILE_SCHEMA``, then every public field of ``POINT_SCHEMA`` (nested objects
flattened, coded values followed by their labels) — so the exports and the
data-dictionary page never list fields by hand.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Callable

from ..i18n import HTML_LANG, lang_path
from ..schema import Field, L, Label, Vocabulary
from ..types.service_point import FILE_SCHEMA, KINDS, POINT_SCHEMA
from .model import DAY_NAMES, FOLDER, Directory, Point

# What a column holds, by schema field kind (shown in the data dictionary).
TYPES = {
    "slug": L("标识：小写英文字母、数字和连字符", "Identifier: lower-case letters, digits and hyphens"),
    "localized": L("文本（本文件的语言）", "Text (in the language of the file)"),
    "str": L("文本", "Text"),
    "float": L("小数", "Decimal number"),
    "date": L("日期，格式 YYYY-MM-DD", "Date, YYYY-MM-DD"),
    "bool": L("true 或 false", "true or false"),
    "enum": L("代码，取值见下表", "Code, one of the values listed below"),
    "list": L("代码，多个以分号（;）分隔；JSON 中为数组", "Codes separated by ';' (a list in JSON)"),
}
LABEL_TYPE = L("文本：前一列代码的名称", "Text: the names of the codes in the previous column")
URL_TYPE = L("网址", "Web address")
DICTIONARY_PATH = f"{FOLDER}/data-dictionary.html"


@dataclass(frozen=True)
class Column:
    """One column of the exports: its name, labels for the dictionary and how to read it from a point."""

    name: str
    label: Label
    type: Label
    help: Label | None
    vocabulary: Vocabulary | None
    value: Callable[[Point, str, str], object]  # (point, lang, base URL) → JSON value

    def text(self, point: Point, lang: str, base: str) -> str:
        """The CSV cell."""
        return _cell(self.value(point, lang, base))


def _json_value(value, lang: str):
    if isinstance(value, Label):
        return value[lang]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_column(f: Field, name: str, label: Label, read: Callable[[Point], object]) -> list[Column]:
    """A field's column, followed by a column of labels when its values are codes."""
    vocabulary = f.vocabulary or (f.item.vocabulary if f.item else None)
    columns = [Column(name, label, TYPES[f.kind], f.help, vocabulary,
                      lambda point, lang, base: _json_value(read(point), lang))]
    if vocabulary is not None:
        def labels(point, lang, base):
            value = read(point)
            codes = value if isinstance(value, list) else [value]
            names = [vocabulary.label(code, lang) for code in codes if code]
            return names if isinstance(value, list) else (names[0] if names else None)
        columns.append(Column(f"{name}_label", L(f"{label.zh}名称", f"{label.en} (names)"), LABEL_TYPE,
                              None, None, labels))
    return columns


def _columns() -> tuple[Column, ...]:
    region = FILE_SCHEMA.field("region")
    columns: list[Column] = []
    for f in region.schema.fields:
        columns += _field_column(f, f"region_{f.name}", L(region.label.zh + f.label.zh,
                                                          f"{region.label.en} {f.label.en.lower()}"),
                                 lambda point, f=f: getattr(point.region, f.name))
    for f in POINT_SCHEMA.fields:
        if not f.public:
            continue
        if f.kind == "object":
            for sub in f.schema.fields:
                columns += _field_column(sub, sub.name, sub.label,
                                         lambda point, f=f, sub=sub: (point.values.get(f.name) or {}).get(sub.name))
        else:
            columns += _field_column(f, f.name, f.label, lambda point, f=f: point.values.get(f.name))
    columns.append(Column("url", L("网页", "Web page"), URL_TYPE, None, None,
                          lambda point, lang, base: f"{base}/{lang_path(point.path, lang)}"))
    return tuple(columns)


COLUMNS = _columns()


def records(directory: Directory, lang: str, base: str) -> list[dict]:
    return [{c.name: c.value(point, lang, base) for c in COLUMNS} for point in directory.points]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a byte-order mark: Excel and WPS then read the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row[c.name]) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_json(rows: list[dict], lang: str, base: str) -> bytes:
    data = {
        "title": FILE_SCHEMA.field("points").label[lang],
        "language": HTML_LANG[lang],
        "dictionary": f"{base}/{lang_path(DICTIONARY_PATH, lang)}",
        "count": len(rows),
        "points": rows,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def to_geojson(rows: list[dict]) -> bytes:
    """A FeatureCollection (RFC 7946: positions are [longitude, latitude]); a point without geo has no geometry."""
    features = []
    for row in rows:
        lat, lon = row["lat"], row["lon"]
        features.append({
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None,
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        })
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      indent=1).encode("utf-8")


@dataclass(frozen=True)
class Export:
    format: str
    name: str
    media_type: str
    render: Callable[[list[dict], str, str], bytes]

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.name}"


EXPORTS = (
    Export("CSV", "points.csv", "text/csv", lambda rows, lang, base: to_csv(rows)),
    Export("JSON", "points.json", "application/json", to_json),
    Export("GeoJSON", "points.geojson", "application/geo+json", lambda rows, lang, base: to_geojson(rows)),
)


@dataclass(frozen=True)
class Download:
    """A written export as the pages link it."""

    format: str
    path: str  # site path in its language
    media_type: str
    size: int

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} B"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


def json_ld(point: Point, lang: str, url: str) -> dict:
    """schema.org GovernmentOffice for one point, in one language."""
    region_name = point.region.name[lang]
    address = {"@type": "PostalAddress", "streetAddress": point.address[lang], "addressRegion": region_name,
               "addressCountry": "CN"}
    if point.district:
        address["addressLocality"] = point.district[lang]
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "@id": url,
        "url": url,
        "name": point.name[lang],
        "description": KINDS.label(point.kind, lang),
        "address": address,
        "telephone": point.phone,
        "openingHoursSpecification": [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": f"https://schema.org/{DAY_NAMES[day].en}",
             "opens": opens, "closes": closes}
            for day, spans in point.schedule.items() for opens, closes in spans
        ],
        "areaServed": {"@type": "AdministrativeArea", "name": region_name},
    }
    if point.geo:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": point.geo["lat"], "longitude": point.geo["lon"]}
    return data


def script_json(data) -> str:
    """JSON safe inside a ``<script>`` element: no ``</``, ``<!--`` or ``&`` can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
