"""Internal link check over a whole output folder, every broken link reported at once.

Every URL an HTML page refers to (``href``, ``src``, ``srcset``, ``action``,
``poster``, ``data``, meta refresh) and every ``url()`` in the site's CSS must
name a file of the output; a ``#fragment`` into an HTML page must name an
``id`` of that page.  URLs under the site's own absolute base count as
internal; other hosts are not fetched (the portal makes no third-party
request, and links out are the editors' business).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

URL_ATTRIBUTES = ("href", "src", "action", "poster", "data", "formaction")
# Not files of the site: mail, phone and map apps, inline data.
SKIPPED_SCHEMES = ("mailto", "tel", "sms", "geo", "data", "blob")
CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
REFRESH_URL_RE = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str
    attribute: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.attribute}=\"{self.url}\": {self.reason}"


def references(html: str) -> list[tuple[str, str]]:
    """(attribute, url) for every URL the page refers to."""
    tree = LexborHTMLParser(html)
    out = []
    for node in tree.css("*"):
        attrs = node.attributes
        for name in URL_ATTRIBUTES:
            value = attrs.get(name)
            if value is not None and not (name == "data" and node.tag != "object"):
                out.append((f"{node.tag}[{name}]", value.strip()))
        for name in ("srcset", "imagesrcset"):
            for candidate in (attrs.get(name) or "").split(","):
                if candidate.strip():
                    out.append((f"{node.tag}[{name}]", candidate.split()[0]))
        if node.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            found = REFRESH_URL_RE.search(attrs.get("content") or "")
            if found:
                out.append(("meta[refresh]", found.group(1).strip()))
    return out


class Site:
    """An output folder: which files exist and which ids each HTML page has."""

    def __init__(self, output: Path, bases: tuple[str, ...] = ()):
        self.output = output
        self.bases = tuple(b.rstrip("/") for b in bases if b)
        self._ids: dict[str, frozenset[str]] = {}

    def ids(self, path: str) -> frozenset[str]:
        """The fragment targets of an HTML page (``id``, and ``name`` of anchors), read once."""
        if path not in self._ids:
            tree = LexborHTMLParser((self.output / path).read_text(encoding="utf-8"))
            found = {n.attributes.get("id") for n in tree.css("[id]")}
            found |= {n.attributes.get("name") for n in tree.css("a[name]")}
            self._ids[path] = frozenset(found - {None})
        return self._ids[path]

    def target(self, page: str, url: str) -> tuple[str | None, str, str | None]:
        """(file in the output or None, fragment, reason when broken); (None, '', None) for an external URL."""
        for base in self.bases:
            if url == base or url.startswith(base + "/"):
                url = url[len(base):] or "/"
                break
        parts = urlsplit(urljoin("/" + page, url))
        if parts.scheme and parts.scheme not in ("http", "https"):
            if parts.scheme in SKIPPED_SCHEMES:
                return None, "", None
            return None, "", f"'{parts.scheme}:' URL"
        if parts.netloc:
            return None, "", None
        path = unquote(parts.path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        file = self.output / path
        if file.is_dir() and (file / "index.html").is_file():
            path += "/index.html"
        elif not file.is_file():
            return None, parts.fragment, f"no file '{path}' in the output"
        return path, unquote(parts.fragment), None

    def check_page(self, page: str, html: str) -> list[BrokenLink]:
        broken = []
        for attribute, url in references(html):
            if url in ("", "#"):
                broken.append(BrokenLink(page, attribute, url, "empty link"))
                continue
            path, fragment, reason = self.target(page, url)
            if reason:
                broken.append(BrokenLink(page, attribute, url, reason))
            elif path and fragment and path.endswith(".html") and fragment not in self.ids(path):
                broken.append(BrokenLink(page, attribute, url, f"no id '{fragment}' in '{path}'"))
        return broken

    def check_css(self, sheet: str, css: str) -> list[BrokenLink]:
        broken = []
        for _, url in CSS_URL_RE.findall(css):
            _, _, reason = self.target(sheet, url.strip())
            if reason:
                broken.append(BrokenLink(sheet, "url()", url, reason))
        return broken


def check_site(output: Path, bases: tuple[str, ...] = ()) -> list[BrokenLink]:
    """Every broken internal reference of every HTML page and stylesheet in *output*, sorted."""
    site = Site(output, bases)
    broken = []
    for file in sorted(output.rglob("*.html")):
        broken += site.check_page(file.relative_to(output).as_posix(), file.read_text(encoding="utf-8"))
    for file in sorted(output.rglob("*.css")):
        broken += site.check_css(file.relative_to(output).as_posix(), file.read_text(encoding="utf-8"))
    return sorted(broken)
