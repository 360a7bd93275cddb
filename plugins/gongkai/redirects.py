"""Old addresses of imported pages, redirected to their new ones.

Every imported document keeps ``legacy_url``.  From the documents this module
derives (legacy path, new URL) pairs, an nginx ``map`` for servers that can
redirect, and a small static HTML page for hosts that cannot (meta refresh, a
canonical link and a visible link; no script, so the portal's
Content-Security-Policy holds).
"""
from __future__ import annotations

import logging
import os
from html import escape
from urllib.parse import quote, unquote, urlsplit

from pelican import signals
from pelican.generators import Generator

from . import build_state

logger = logging.getLogger(__name__)

# Characters left as they are in a request path; everything else is percent-encoded,
# so a map key never holds a quote, a space, ``$`` or ``;``.
PATH_SAFE = "/%:@!&'()*+,=-._~"
SCHEMES = ("", "http", "https")


def legacy_path(legacy_url: str) -> str:
    """The request path (and query) a browser sends for *legacy_url*, starting with '/'."""
    parts = urlsplit(legacy_url.strip())
    path = quote(parts.path, safe=PATH_SAFE)
    path = path if path.startswith("/") else "/" + path
    return f"{path}?{quote(parts.query, safe=PATH_SAFE + '?')}" if parts.query else path


def new_url(doc, prefix: str = "/") -> str:
    """The imported page's address: *prefix* plus the type's URL for its slug and language."""
    values = doc.values
    return prefix + doc.ctype.url(values["slug"], values.get("lang") or "zh")


def redirect_pairs(documents, prefix: str = "/") -> list[tuple[str, str]]:
    """(legacy path, new URL) for each document with a ``legacy_url``, sorted by path.

    *documents* are validated content records (``gongkai.document.Doc``: ``values``
    and ``ctype``).  When two documents claim one old path, the first in sorted
    order wins; a path that already is the new address is left out.
    """
    pairs: dict[str, str] = {}
    found = sorted((legacy_path(doc.values["legacy_url"]), new_url(doc, prefix))
                   for doc in documents if doc.values.get("legacy_url") and doc.values.get("slug"))
    for old, new in found:
        if old != new:
            pairs.setdefault(old, new)
    return sorted(pairs.items())


def nginx_map(pairs: list[tuple[str, str]], variable: str = "$gongkai_redirect") -> str:
    """An nginx ``map`` from ``$request_uri`` to the new address.

    Use it in the ``server`` block as ``if ($gongkai_redirect) { return 301 $gongkai_redirect; }``.
    """
    lines = ["# Old addresses of the legacy site and the pages they were imported as.",
             f"map $request_uri {variable} {{", '    default "";']
    for old, new in pairs:
        lines.append(f'    "{_nginx_string(old)}" "{_nginx_string(new)}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _nginx_string(value: str) -> str:
    if any(ch in value for ch in '"\\$;{}') or any(ch.isspace() for ch in value):
        raise ValueError(f"'{value}' cannot be written into an nginx map; percent-encode it first")
    return value


def redirect_page(new_url: str) -> str:
    """A static page that sends the browser to *new_url*, with a link for when it does not."""
    if urlsplit(new_url).scheme.lower() not in SCHEMES:
        raise ValueError(f"a redirect target must be a path or an http(s) address, found '{new_url}'")
    href = escape(new_url, quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{href}">\n'
        '<meta name="robots" content="noindex">\n'
        "<title>页面已迁移 Page moved</title>\n</head>\n<body>\n"
        f'<p>本页面已迁移到新地址：<a href="{href}">{href}</a></p>\n'
        f'<p lang="en">This page has moved to <a href="{href}">{href}</a>.</p>\n'
        "</body>\n</html>\n"
    )


class RedirectsGenerator(Generator):
    """Writes, for imported pages, a static redirect page at each old path, an nginx map and ``_redirects``."""

    def generate_context(self):
        """Nothing to read: the documents are known once every generator has read its files."""

    def generate_output(self, writer):
        pairs = redirect_pairs(build_state.docs, prefix=(self.settings.get("SITEURL") or "") + "/")
        output = os.path.realpath(self.output_path)
        written = []
        for old, new in pairs:
            rel = unquote(old.split("?", 1)[0]).lstrip("/")
            target = os.path.realpath(os.path.join(output, rel + ("index.html" if rel.endswith("/") or not rel
                                                                    else "")))
            if not target.startswith(output + os.sep):
                logger.warning("legacy address %s points outside the site; no redirect page written", old)
                continue
            if os.path.exists(target):
                logger.warning("legacy address %s is a page of the portal itself; no redirect page written", old)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(redirect_page(new))
            written.append((old, new))
        with open(os.path.join(output, "redirects.nginx.map"), "w", encoding="utf-8") as fh:
            fh.write(nginx_map(pairs))
        with open(os.path.join(output, "_redirects"), "w", encoding="utf-8") as fh:
            fh.writelines(f"{old} {new} 301\n" for old, new in pairs)


def get_generators(pelican):
    return [RedirectsGenerator]


def register():
    signals.get_generators.connect(get_generators)
