"""The portal's page types, each found in the built output and brought into the state to check.

Shared by the accessibility and security tests.  A page type named here must
exist: when its feature has not produced the page, the check fails saying so.
Page groups not named here (filter pages, static pages, anything added later)
are still found by ``gongkai.verify.pages`` and checked as "other pages".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import pytest
from gongkai.i18n import lang_path
from gongkai.schema import LANGS
from gongkai.verify.browser import open_without_scripts
from gongkai.verify.pages import components, representatives

# A link in <main> to one document (not to a list): what a search result is.
RESULT_LINK_JS = """() => Array.from(document.querySelectorAll('main a[href]')).some(a =>
  /\\/(news|policy|agreements|directory)\\/[^/]+\\.html$/.test(a.pathname) && !a.pathname.endsWith('/index.html') &&
  a.getClientRects().length > 0)"""
SEARCH_TERMS = {"zh": "人口", "en": "population"}


def apply_first_filter(page) -> None:
    """Choose the first real option of the first filter in the page's filter form, as a visitor would."""
    select = page.locator("main form select").first
    assert select.count(), f"{page.url}: no filter <select> in a form in <main>: the directory index has no filters"
    values = select.locator("option").evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    assert values, f"{page.url}: the first filter has no options"
    select.select_option(values[0])
    page.wait_for_function(f"() => new URLSearchParams(location.search).get({select.get_attribute('name')!r}) "
                           f"=== {values[0]!r} || document.querySelector('main form select').value === {values[0]!r}")


def wait_for_results(page) -> None:
    page.wait_for_function(RESULT_LINK_JS, timeout=10_000)


class MissingPage(AssertionError):
    """A named page type has no page in the output: a failure that says which feature is missing."""


@dataclass(frozen=True)
class PageType:
    """How to find a page type in the output (a path or a group) and what to do before checking it."""

    name: str
    path: str = ""  # default-language site path, may carry a query
    group: str = ""  # a gongkai.verify.pages group: every covering page is checked
    prepare: Callable | None = None
    javascript: bool = True

    def paths(self, site: Path, lang: str) -> list[str]:
        """The output paths to load (with query), failing clearly when the feature wrote none."""
        if self.path:
            file, _, query = self.path.partition("?")
            localized = lang_path(file, lang)
            if not (site / localized).is_file():
                raise MissingPage(f"page type '{self.name}' is missing: no '{localized}' in the output "
                                  "(its feature has not been delivered or did not write it)")
            query = query.replace("{q}", quote(SEARCH_TERMS[lang]))
            return [localized + (f"?{query}" if query else "")]
        chosen = representatives_of(site).get((self.group, lang))
        if not chosen:
            raise MissingPage(f"page type '{self.name}' is missing: no page in '{lang_path(self.group, lang)}' "
                              "in the output (its feature has not been delivered or did not write it)")
        return [p.path for p in chosen]


PAGE_TYPES = (
    PageType("home", path="index.html"),
    PageType("news list", path="news/index.html"),
    PageType("news article", group="news/*"),
    PageType("policy list", path="policy/index.html"),
    PageType("policy", group="policy/*"),
    PageType("agreement list", path="agreements/index.html"),
    PageType("agreement", group="agreements/*"),
    PageType("agreement without JavaScript", group="agreements/*", javascript=False),
    PageType("directory with a filter applied", path="directory/index.html", prepare=apply_first_filter),
    PageType("service point", group="directory/*"),
    PageType("search with results", path="search.html?q={q}", prepare=wait_for_results),
    PageType("404", path="404.html"),
)
PAGE_TYPE_PARAMS = [pytest.param(t, lang, id=f"{t.name}-{lang}") for t in PAGE_TYPES for lang in LANGS]
NAMED_GROUPS = {t.group for t in PAGE_TYPES if t.group} | {t.path.partition("?")[0] for t in PAGE_TYPES if t.path}

_cache: dict[tuple, object] = {}


def _cached(key: tuple, make):
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def representatives_of(site: Path) -> dict:
    return _cached(("groups", site), lambda: representatives(site))


def other_pages(site: Path, langs=LANGS) -> list[str]:
    """Pages of the groups no page type above names (filter pages, static pages…) that together
    show every component those groups have, per language."""
    return [p.path for lang in langs
            for p in _cached(("other", site, lang), lambda: components(site, lang, NAMED_GROUPS))]


def component_pages(site: Path, langs=LANGS) -> list[str]:
    """The fewest pages that show every component of the site, per language."""
    return [p.path for lang in langs for p in _cached(("all", site, lang), lambda: components(site, lang))]


def component_states(site: Path, langs=LANGS) -> tuple[list[tuple[PageType | None, str]], list[str]]:
    """What component checks load: the page types that need preparing (a filter applied, search
    results shown) and the component pages, in *langs*; and a message for each named page type the
    output lacks (the other checks still run)."""
    states, missing = [], []
    for page_type in PAGE_TYPES:
        for lang in langs:
            try:
                paths = page_type.paths(site, lang)
            except MissingPage as exc:
                missing.append(str(exc))
                continue
            if page_type.prepare:
                states += [(page_type, path) for path in paths]
    states += [(None, path) for path in component_pages(site, langs)]
    return states, missing


def visit(page, base_url: str, page_type: PageType | None, path: str) -> None:
    """Show *path* in *page* in the state *page_type* asks for (filter applied, results shown, no JS)."""
    url = f"{base_url}/{path}"
    if page_type is not None and not page_type.javascript:
        open_without_scripts(page, url)
        return
    page.goto(url)
    if page_type is not None and page_type.prepare:
        page_type.prepare(page)
