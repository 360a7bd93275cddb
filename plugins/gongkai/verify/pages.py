"""Find the built pages and pick the few that show every kind of page and component.

Browser checks (axe, keyboard, contrast) are too slow to run on every page of
a large site, and running them on one hand-picked page per type misses the
component that only some pages have (a repealed policy's banner, a point with
no phone).  Pages are grouped by where they live (``news/*``, ``directory/
region/*``, ``search.html``…) per language, and in each group pages are picked
greedily until every element/class/role that occurs in the group is on a picked
page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from ..schema import LANGS

DEFAULT_LANG = LANGS[0]
# Attributes whose value changes what a component is, not just its data.
FEATURE_ATTRIBUTES = ("role", "type", "aria-current", "aria-live", "aria-expanded", "hidden", "lang")


@dataclass(frozen=True)
class SitePage:
    """One HTML file of the output, with its language and group."""

    path: str  # POSIX, relative to the output folder: 'en/news/x.html'
    lang: str
    group: str  # 'index.html', 'news/index.html', 'news/*', 'directory/region/*', 'search.html'
    output: Path = field(compare=False, repr=False)

    @cached_property
    def html(self) -> str:
        return (self.output / self.path).read_text(encoding="utf-8")

    @cached_property
    def features(self) -> frozenset[str]:
        """What the page is built from: ``tag``, ``tag.class`` and ``tag[attr=value]`` in its body."""
        body = LexborHTMLParser(self.html).body
        out = set()
        for node in body.traverse() if body is not None else ():
            tag = node.tag
            out.add(tag)
            attrs = node.attributes
            out.update(f"{tag}.{c}" for c in (attrs.get("class") or "").split())
            out.update(f"{tag}[{a}={attrs[a]}]" for a in FEATURE_ATTRIBUTES if a in attrs)
        return frozenset(out)


def group_of(site_path: str) -> str:
    """The group of a language-less site path: list pages with their pagination, items by folder."""
    parts = site_path.split("/")
    folder, name = parts[:-1], parts[-1]
    if len(folder) >= 2 and folder[-1] == "page" and name[:-5].isdigit():
        folder = folder[:-1]
        name = "index.html"
    if not folder:
        return name
    return "/".join(folder) + ("/index.html" if name == "index.html" else "/*")


def site_pages(output: Path) -> list[SitePage]:
    """Every HTML page of the output (theme files excluded), sorted by path."""
    pages = []
    for file in sorted(output.rglob("*.html")):
        path = file.relative_to(output).as_posix()
        if path.startswith("theme/"):
            continue
        first, _, rest = path.partition("/")
        lang = first if first in LANGS and first != DEFAULT_LANG and rest else DEFAULT_LANG
        site_path = rest if lang != DEFAULT_LANG else path
        pages.append(SitePage(path, lang, group_of(site_path), output))
    return pages


def groups(pages: list[SitePage]) -> dict[tuple[str, str], list[SitePage]]:
    """Pages by (group, language)."""
    out: dict[tuple[str, str], list[SitePage]] = {}
    for page in pages:
        out.setdefault((page.group, page.lang), []).append(page)
    return out


def covering(pages: list[SitePage]) -> list[SitePage]:
    """Few pages that together contain every feature of *pages* (greedy set cover, largest first)."""
    missing = frozenset().union(*(p.features for p in pages)) if pages else frozenset()
    ranked = sorted(pages, key=lambda p: (-len(p.features), p.path))
    chosen = []
    while missing:
        best = max(ranked, key=lambda p: len(p.features & missing))
        chosen.append(best)
        missing -= best.features
    return chosen


def representatives(output: Path) -> dict[tuple[str, str], list[SitePage]]:
    """For each (group, language), the covering pages: what a per-page-type check should load."""
    return {key: covering(members) for key, members in sorted(groups(site_pages(output)).items())}


def components(output: Path, lang: str, exclude_groups=()) -> list[SitePage]:
    """The fewest pages of one language that show every component of the site, whatever their group:
    for checks about components (focus, colours, line length) rather than about page types."""
    return covering([p for p in site_pages(output) if p.lang == lang and p.group not in exclude_groups])
