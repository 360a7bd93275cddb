"""Page weight: what each page type costs to download (HTML + CSS + JS, no images).

Builds the sample portal (or reads an existing output folder), takes the
heaviest page of each page group in each language (gongkai.verify.pages) and
adds up the page and the stylesheets and scripts it links, raw and gzipped (as
a server compressing text would send them).  The target for an article page is
60 KB; figures are printed, never asserted.

    .venv/bin/python bench/page_weight.py [--output DIR]
"""
from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from gongkai.verify.pages import groups, site_pages  # noqa: E402

ARTICLE_GROUPS = ("news/*", "policy/*", "agreements/*")
ARTICLE_TARGET = 60 * 1024


def linked_assets(output: Path, page_path: str, html: str) -> list[Path]:
    """The local stylesheets and scripts a page loads."""
    tree = LexborHTMLParser(html)
    urls = [n.attributes.get("href") for n in tree.css("link[href]")
            if "stylesheet" in (n.attributes.get("rel") or "").split()]
    urls += [n.attributes.get("src") for n in tree.css("script[src]")]
    files = []
    for url in urls:
        parts = urlsplit(urljoin("/" + page_path, url or ""))
        if not parts.netloc:
            file = output / unquote(parts.path).lstrip("/")
            if file.is_file():
                files.append(file)
    return files


def weigh(output: Path) -> list[tuple[str, str, str, int, int, int, int]]:
    """(group, language, page, html, css, js, gzipped total) for the heaviest page of each group."""
    rows = []
    for (group, lang), members in sorted(groups(site_pages(output)).items()):
        heaviest = max(members, key=lambda p: (len(p.html.encode()), p.path))
        assets = linked_assets(output, heaviest.path, heaviest.html)
        html = heaviest.html.encode()
        css = [a.read_bytes() for a in assets if a.suffix == ".css"]
        js = [a.read_bytes() for a in assets if a.suffix == ".js"]
        packed = sum(len(gzip.compress(b, 6)) for b in [html, *css, *js])
        rows.append((group, lang, heaviest.path, len(html), sum(map(len, css)), sum(map(len, js)), packed))
    return rows


def report(rows) -> str:
    lines = [f"{'page group':24} {'lang':4} {'HTML':>8} {'CSS':>8} {'JS':>8} {'total':>8} {'gzip':>8}  heaviest page",
             "-" * 100]
    for group, lang, path, html, css, js, packed in rows:
        total = html + css + js
        note = ""
        if group in ARTICLE_GROUPS:
            note = f"  [article target ≤ {ARTICLE_TARGET // 1024} KB: {'ok' if total <= ARTICLE_TARGET else 'OVER'}]"
        lines.append(f"{group:24} {lang:4} {html / 1024:7.1f}K {css / 1024:7.1f}K {js / 1024:7.1f}K "
                     f"{total / 1024:7.1f}K {packed / 1024:7.1f}K  {path}{note}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, help="a built output folder (default: build content/ now)")
    args = parser.parse_args(argv)
    if args.output:
        print(report(weigh(args.output)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        result = subprocess.run([sys.executable, "-m", "pelican", "content", "-o", str(output),
                                 "-s", "pelicanconf.py"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return result.returncode
        print("Page weight of the sample portal (HTML + CSS + JS, no images; gzip at level 6):")
        print(report(weigh(output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
