"""Integrity of the built output: every internal link resolves (both languages, downloads and
exports included), the HTML passes the Nu HTML Checker, and feeds and sitemap are well-formed
XML whose URLs are absolute and lead to files of the site, in development and published builds.
"""
from __future__ import annotations

import re
import runpy
import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT, build
from gongkai.verify import nu
from gongkai.verify.linkcheck import Site, check_site

# Nu checker messages not treated as failures, each with the reason: (start of the message,
# text the reported markup must contain ('' for anywhere), why).  Every other error and warning fails.
NU_SKIPS = (
    ("The “inputmode” attribute is not supported in all browsers", "",
     "a hint for on-screen keyboards, in the HTML standard; browsers without it show their usual keyboard, "
     "and the agreement form checks amounts and numbers itself"),
    ("Section lacks heading", 'class="agreement-preview"',
     "the checker looks for a heading among the section's own children only; the agreement preview is named "
     "by aria-labelledby after the h2 of the document it wraps"),
)


def _skipped(message) -> bool:
    return any(message.message.startswith(start) and where in message.extract for start, where, _ in NU_SKIPS)


def _settings(name: str) -> dict:
    """A settings file's values; publishconf.py imports pelicanconf.py from the project folder."""
    sys.path.insert(0, str(ROOT))
    try:
        return runpy.run_path(str(ROOT / name))
    finally:
        sys.path.remove(str(ROOT))


DEV_BASE = _settings("pelicanconf.py")["PORTAL"]["base_url"]
PUBLISHED_BASE = _settings("publishconf.py")["SITEURL"]


def _grouped(broken) -> str:
    """One line per broken URL, naming a few of the pages it is on."""
    pages = defaultdict(list)
    for link in broken:
        pages[(link.attribute, link.url, link.reason)].append(link.page)
    return "\n".join(f"{attribute}=\"{url}\": {reason} — on {len(on)} page(s): {', '.join(on[:3])}"
                     for (attribute, url, reason), on in sorted(pages.items()))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "output"
    result = build(ROOT / "content", out, conf=ROOT / "publishconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_internal_link_resolves(site):
    broken = check_site(site, bases=(DEV_BASE,))
    assert not broken, f"{len(broken)} broken internal link(s):\n{_grouped(broken)}"


def test_every_internal_link_of_the_published_site_resolves(published):
    broken = check_site(published, bases=(PUBLISHED_BASE,))
    assert not broken, f"{len(broken)} broken internal link(s):\n{_grouped(broken)}"


def test_link_check_finds_what_is_broken(tmp_path):
    """The checks above can fail: a missing file, a missing fragment, a script URL."""
    (tmp_path / "a.html").write_text('<p id="here"><a href="b.html">b</a> <a href="#gone">x</a> '
                                     '<a href="a.html#here">ok</a> <img src="/img/none.png" alt="">'
                                     '<a href="javascript:void(0)">js</a> <a href="mailto:a@b.c">m</a>',
                                     encoding="utf-8")
    found = {(b.url, b.reason.split(" ")[0]) for b in check_site(tmp_path)}
    assert found == {("b.html", "no"), ("#gone", "no"), ("/img/none.png", "no"), ("javascript:void(0)", "'javascript:'")}


def _xml_problems(output: Path, base: str) -> list[str]:
    """Every feed and the sitemap parse; each URL in them is absolute under *base* and names a file."""
    site = Site(output, (base,))
    problems = []
    files = sorted(output.rglob("*.xml"))
    if not any(f.name == "sitemap.xml" for f in files) or not any(f.name.endswith(".atom.xml") for f in files):
        problems.append(f"expected sitemap.xml and Atom feeds in the output, found {[f.name for f in files]}")
    for file in files:
        name = file.relative_to(output).as_posix()
        try:
            tree = ET.parse(file)
        except ET.ParseError as exc:
            problems.append(f"{name}: not well-formed XML: {exc}")
            continue
        urls = [e.text.strip() for e in tree.iter() if e.tag.endswith("}loc") and e.text]
        urls += [e.get("href") for e in tree.iter() if e.tag.endswith("}link") and e.get("href")]
        for url in urls:
            if not url.startswith(base + "/"):
                problems.append(f"{name}: '{url}' is not an absolute URL under {base}/")
                continue
            path, _, reason = site.target("", url)
            if reason:
                problems.append(f"{name}: '{url}': {reason}")
    return problems


def test_feeds_and_sitemap_of_the_published_site_use_its_absolute_urls(published):
    problems = _xml_problems(published, PUBLISHED_BASE)
    assert not problems, "\n".join(problems)


def test_feeds_and_sitemap_in_development_use_the_configured_base_url(site):
    problems = _xml_problems(site, DEV_BASE)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def nu_report(site, tmp_path_factory):
    """The checker's messages for the whole output and for one known-bad page, from one Java process."""
    canary = tmp_path_factory.mktemp("nu-canary")
    (canary / "bad.html").write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                                     '<body><p><div>block in p</div><img src="x.png"></body></html>',
                                     encoding="utf-8")
    try:
        messages = nu.check_folders(site, canary)
    except nu.JavaMissing as exc:
        pytest.fail(str(exc))
    return messages


def test_html_passes_the_nu_html_checker(nu_report):
    """Every error and warning on a built page fails, bar NU_SKIPS."""
    failing = [m for m in nu_report if m.file != "bad.html" and m.kind in ("error", "warning", "non-document-error")
               and not _skipped(m)]
    assert not failing, f"{len(failing)} Nu HTML Checker message(s):\n" + "\n".join(map(str, failing))


def test_nu_checker_reports_invalid_html(nu_report):
    """The check above can fail: the checker's messages for a known-bad page are read back."""
    assert any(m.file == "bad.html" and m.kind == "error" and re.search(r"\balt\b", m.message)
               for m in nu_report), [m for m in nu_report if m.file == "bad.html"]
