"""Static checks of built HTML: the Content-Security-Policy a page states and what would break it.

A page must state its policy in a ``<meta http-equiv>`` before anything it
loads, and must need nothing a strict policy forbids: no inline script (JSON
data blocks are data, not script), no inline event handler, no ``style``
attribute or element, no ``javascript:`` URL.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster")
SCRIPT_URL_RE = re.compile(r"^\s*(javascript|vbscript)\s*:", re.IGNORECASE)
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'")
NONE = "'none'"


def parse_policy(text: str) -> dict[str, set[str]]:
    """'default-src 'self'; img-src 'self' data:' → {'default-src': {"'self'"}, 'img-src': {...}}."""
    policy = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = set(words[1:])
    return policy


def _is_csp(node) -> bool:
    return node.tag == "meta" and (node.attributes.get("http-equiv") or "").lower() == "content-security-policy"


def stated_policy(html: str) -> tuple[str | None, list[str]]:
    """The page's meta CSP (None if it has none) and what is wrong with where it stands."""
    head = LexborHTMLParser(html).head
    children = [n for n in head.iter(include_text=False)] if head is not None else []
    first = next((i for i, n in enumerate(children) if _is_csp(n)), None)
    if first is None:
        return None, ["no Content-Security-Policy <meta> in <head>"]
    count = sum(map(_is_csp, children))
    problems = [f"{count} Content-Security-Policy <meta> tags"] if count > 1 else []
    problems += [f"<{n.tag}> comes before the Content-Security-Policy <meta>, which then does not cover it"
                 for n in children[:first] if n.tag in ("script", "link", "style", "base")]
    return children[first].attributes.get("content") or "", problems


def _effective(policy: dict[str, set[str]], directive: str) -> set[str] | None:
    """The sources a policy allows for a directive; fetch directives fall back to default-src; None: no limit."""
    if directive in policy:
        return policy[directive]
    if directive.endswith("-src"):
        return policy.get("default-src")
    return None


def looser_than(page: dict[str, set[str]], site: dict[str, set[str]]) -> list[str]:
    """What *page* allows that *site* does not (a page may only tighten the site's policy)."""
    out = []
    for directive in sorted(set(site) | set(page)):
        limit, allowed = _effective(site, directive), _effective(page, directive)
        if limit is None:
            continue
        if allowed is None:
            out.append(f"{directive} is not restricted")
        elif allowed - limit - {NONE}:
            out.append(f"{directive} also allows {' '.join(sorted(allowed - limit - {NONE}))}")
    for directive, sources in sorted(page.items()):
        out += [f"{directive} allows {unsafe}" for unsafe in UNSAFE_SOURCES if unsafe in sources]
    return out


def inline_code(html: str) -> list[str]:
    """Every inline script, event handler, style attribute or element and script URL in the page."""
    tree = LexborHTMLParser(html)
    found = []
    for node in tree.css("*"):
        attrs = node.attributes
        if node.tag == "script" and "src" not in attrs and (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            found.append(f"inline <script>: {(node.text() or '')[:60]!r}")
        if node.tag == "style":
            found.append("<style> element")
        for name, value in attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{node.tag} {name}=…> event handler")
            elif name.lower() == "style":
                found.append(f"<{node.tag} style=\"{value}\">")
            elif name.lower() in URL_ATTRIBUTES and value and SCRIPT_URL_RE.match(value):
                found.append(f"<{node.tag} {name}=\"{value[:60]}\">")
    return found


# Elements and attributes a browser fetches by itself while showing a page.
FETCHED = (("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"), ("script", "src"),
           ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("track", "src"),
           ("object", "data"), ("embed", "src"), ("input", "src"))
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}


def foreign_resources(html: str, own_bases: tuple[str, ...] = ()) -> list[str]:
    """URLs on another host that the page makes the browser load (links the visitor follows are not loads)."""
    tree = LexborHTMLParser(html)
    urls = []
    for tag, attribute in FETCHED:
        for node in tree.css(f"{tag}[{attribute}]"):
            value = node.attributes.get(attribute) or ""
            urls += [c.split()[0] for c in value.split(",") if c.strip()] if attribute == "srcset" else [value]
    for node in tree.css("link[href]"):
        if FETCHED_LINK_RELS & set((node.attributes.get("rel") or "").lower().split()):
            urls.append(node.attributes.get("href") or "")
    own = tuple(base.rstrip("/") + "/" for base in own_bases)
    return [url for url in urls if re.match(r"^\s*(https?:)?//", url) and not url.strip().startswith(own)]
