"""HTML allow-list for Markdown bodies and imported pages.

nh3 (the Rust ammonia sanitiser) replaces bleach, which is deprecated; it is a
small, maintained wheel and strips anything not allowed rather than escaping it.
"""
from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "span": {"class"},
    "div": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Raw HTML that an editor must be told about, not just silently lose.
DANGEROUS_RE = re.compile(
    r"<\s*(script|iframe|object|embed|style|form|base|meta)\b|\son[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)


def clean(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True)


def dangerous_lines(markdown: str) -> list[tuple[int, str]]:
    """(line offset, snippet) of each raw-HTML construct that could run script."""
    out = []
    for i, line in enumerate(markdown.split("\n")):
        m = DANGEROUS_RE.search(line)
        if m:
            out.append((i, m.group(0).strip()))
    return out
