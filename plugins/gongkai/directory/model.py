"""The directory model: every ``content/directory/*.yaml`` read, validated and cross-checked.

Reading never raises: each file is checked against ``FILE_SCHEMA`` (which
reports kinds, services, hours, phones and coordinates field by field) and the
checks that need every file at once (point and region ids are unique) are
added here.  The result is a plain :class:`Directory` that the generator, the
exports and ``make check`` share.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property

from ..document import display
from ..problems import ProblemLog
from ..reader import display_path
from ..schema import LANGS, L, Label, Where, field_path
from ..types.service_point import DAYS, FILE_SCHEMA, KINDS, POINT_SCHEMA, SERVICES, parse_hours
from ..yamlsource import YamlSyntaxError, load

FOLDER = "directory"  # under content/, and the first URL segment of every page
RESERVED_IDS = ("index", "data-dictionary")  # page names a point id would overwrite

DAY_NAMES = {
    "Mo": L("周一", "Monday"), "Tu": L("周二", "Tuesday"), "We": L("周三", "Wednesday"),
    "Th": L("周四", "Thursday"), "Fr": L("周五", "Friday"), "Sa": L("周六", "Saturday"), "Su": L("周日", "Sunday"),
}
EVERY_DAY = L("每天", "Every day")
DAY_PAIR = L("{first}、{last}", "{first} and {last}")
DAY_RANGE = L("{first}至{last}", "{first} to {last}")
SPAN_SEP = L("、", ", ")
CLOSED_ON = L("{days}休息", "Closed on {days}")


class Point:
    """One service point: its validated values, its region and where it was written."""

    def __init__(self, values: dict, region: "Region", source: str, line: int):
        self.values = values
        self.region = region
        self.source = source
        self.line = line

    def __getattr__(self, name):
        values = self.__dict__.get("values")
        if values is None or name not in values:
            raise AttributeError(f"service point has no field {name!r}")
        return values[name]

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.id}.html"

    def label(self, name: str, lang: str) -> str:
        return POINT_SCHEMA.field(name).label[lang]

    def display(self, name: str, lang: str) -> str:
        """A field's value as readers see it (labels for codes, joined lists, dates in words)."""
        return display(POINT_SCHEMA.field(name), self.values.get(name), lang)

    def display_items(self, name: str, lang: str) -> list[str]:
        """Each value of a list field as readers see it."""
        f = POINT_SCHEMA.field(name)
        return [display(f.item, value, lang) for value in self.values.get(name) or []]

    @cached_property
    def schedule(self) -> dict[str, list[tuple[str, str]]]:
        """Day code → sorted, merged (open, close) spans; a day with none is closed."""
        days: dict[str, list[tuple[str, str]]] = {day: [] for day in DAYS}
        for rule_days, spans in parse_hours(self.hours):
            for day in rule_days:
                days[day].extend(spans)
        return {day: _merge(spans) for day, spans in days.items()}

    def schedule_json(self) -> str:
        """The schedule for the browser's "open now" (a data attribute, not a script)."""
        return json.dumps({day: spans for day, spans in self.schedule.items() if spans}, separators=(",", ":"))

    def hours_words(self, lang: str) -> list[str]:
        """Opening hours as sentences: one per run of days with the same hours, then the closed days."""
        schedule = self.schedule
        runs: list[list[str]] = []
        for day in DAYS:
            if runs and schedule[day] == schedule[runs[-1][0]]:
                runs[-1].append(day)
            else:
                runs.append([day])
        lines = []
        for run in runs:
            spans = schedule[run[0]]
            if spans:
                times = SPAN_SEP[lang].join(f"{a}–{b}" for a, b in spans)
                lines.append(f"{_days_words(run, lang)} {times}")
        closed = [run for run in runs if not schedule[run[0]]]
        if closed:
            days = SPAN_SEP[lang].join(_days_words(run, lang) for run in closed)
            lines.append(CLOSED_ON[lang].format(days=days))
        return lines

    def search_text(self) -> str:
        """The schema's indexed fields (name, address) in both languages, lower-cased, for the text filter."""
        labels = [self.values.get(f.name) for f in POINT_SCHEMA.fields if f.indexed and f.kind == "localized"]
        return " ".join(label[lang] for label in labels if label for lang in LANGS).lower()


def _merge(spans):
    out: list[tuple[str, str]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _days_words(run: list[str], lang: str) -> str:
    if len(run) == len(DAYS):
        return EVERY_DAY[lang]
    if len(run) == 1:
        return DAY_NAMES[run[0]][lang]
    pattern = DAY_PAIR if len(run) == 2 else DAY_RANGE
    return pattern[lang].format(first=DAY_NAMES[run[0]][lang], last=DAY_NAMES[run[-1]][lang])


@dataclass
class Region:
    id: str
    name: Label
    source: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{FOLDER}/region/{self.id}.html"


@dataclass(frozen=True)
class Facet:
    """One pre-built filter page: every point of one region, kind or service."""

    dimension: str  # region | kind | service
    value: str
    label: Label
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.dimension}/{self.value}.html"


# The heading of each filter, read from the schemas.
DIMENSIONS = {
    "region": FILE_SCHEMA.field("region").label,
    "kind": POINT_SCHEMA.field("kind").label,
    "service": POINT_SCHEMA.field("services").item.label,
}


class Directory:
    """All regions in file order, each with its points in file order."""

    def __init__(self, regions: list[Region]):
        self.regions = regions

    @property
    def points(self) -> list[Point]:
        return [point for region in self.regions for point in region.points]

    def facets(self, dimension: str) -> list[Facet]:
        """The filter pages of one dimension, in vocabulary order; values no point has are left out."""
        points = self.points
        if dimension == "region":
            return [Facet("region", r.id, r.name, tuple(r.points)) for r in self.regions if r.points]
        if dimension == "kind":
            groups = {kind: tuple(p for p in points if p.kind == kind) for kind in KINDS}
            labels = KINDS.terms
        else:
            groups = {service: tuple(p for p in points if service in p.services) for service in SERVICES}
            labels = SERVICES.terms
        return [Facet(dimension, value, labels[value], group) for value, group in groups.items() if group]

    def all_facets(self) -> list[Facet]:
        return [facet for dimension in DIMENSIONS for facet in self.facets(dimension)]

    def by_region(self, points) -> list[tuple[Region, list[Point]]]:
        """*points* grouped under their regions, in directory order."""
        wanted = {id(p) for p in points}
        groups = [(region, [p for p in region.points if id(p) in wanted]) for region in self.regions]
        return [(region, group) for region, group in groups if group]

    def page_paths(self) -> list[str]:
        """Every page the directory writes, in the default language's form."""
        return ([f"{FOLDER}/index.html", f"{FOLDER}/data-dictionary.html"]
                + [facet.path for facet in self.all_facets()] + [point.path for point in self.points])


def load_directory(content_path: str, log: ProblemLog) -> Directory:
    """Read ``<content>/directory/*.yaml`` (sorted); every problem goes to *log*."""
    folder = os.path.join(content_path, FOLDER)
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    regions: list[Region] = []
    region_ids: dict[str, Region] = {}
    point_ids: dict[str, Point] = {}
    for name in names:
        if name.startswith("."):
            continue
        path = os.path.join(folder, name)
        shown = display_path(path)
        if not (name.endswith(".yaml") and os.path.isfile(path)):
            log.add(shown, 1, "", f"only .yaml files belong in content/{FOLDER}/; rename or move '{name}'",
                    code="unknown_file")
            continue
        located = _read(path, shown, log)
        if located is None:
            continue
        where = Where(shown, located, log)
        values = FILE_SCHEMA.validate(located.data, where)
        region_values = values.get("region") or {}
        region = Region(region_values.get("id") or "", region_values.get("name") or Label("", ""), shown)
        if region.id in region_ids:
            where.problem(("region", "id"), f"region id '{region.id}' is already used by "
                                            f"{region_ids[region.id].source}; each file describes one region",
                          code="duplicate_id")
        elif region.id:
            region_ids[region.id] = region
        for i, point_values in enumerate(values.get("points") or []):
            point = Point(point_values, region, shown, located.line(("points", i)))
            _check_point_id(point, point_ids, where, ("points", i, "id"))
            region.points.append(point)
        regions.append(region)
    return Directory(regions)


def _read(path: str, shown: str, log: ProblemLog):
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        log.add(shown, 1, "", f"file is not UTF-8 ({exc.reason} at byte {exc.start})", code="encoding")
        return None
    try:
        located = load(text.removeprefix("\ufeff"))
    except YamlSyntaxError as exc:
        log.add(shown, exc.line, "", exc.message, code="yaml_syntax")
        return None
    for line, key_path in located.duplicates:
        log.add(shown, line, field_path(key_path), "field given twice", code="duplicate_field")
    return located


def _check_point_id(point: Point, seen: dict[str, Point], where: Where, path: tuple) -> None:
    point_id = point.values.get("id")
    if not point_id:
        return
    if point_id in RESERVED_IDS:
        where.problem(path, f"'{point_id}' is the name of a directory page; choose another id", code="reserved_id")
    elif point_id in seen:
        first = seen[point_id]
        where.problem(path, f"point id '{point_id}' is already used by {first.source}:{first.line}; "
                            "ids must be unique across all directory files", code="duplicate_id")
    else:
        seen[point_id] = point
