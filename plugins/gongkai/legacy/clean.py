"""Stage 2: text to a parsed tree, and a sanitised copy of it.

``clean`` removes what can never be article content or is unsafe: scripts,
styles, frames, embedded objects, form controls, hidden elements, event-handler
attributes and script URLs, plus server-side-include error strings.  Comments
are dropped by the parser.  The tree it is given is left untouched.
"""
from __future__ import annotations

import copy
import re

from lxml import etree

DROP_TAGS = frozenset({
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
    "input", "select", "option", "textarea", "button", "marquee", "map", "area", "svg", "canvas",
    "audio", "video", "template", "link", "base",
})
UNSAFE_URL_RE = re.compile(r"^\s*(?:javascript|vbscript|data|livescript)\s*:", re.I)
URL_ATTRS = ("href", "src", "action", "background", "lowsrc", "dynsrc", "longdesc", "formaction")
HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
SSI_ERROR_RE = re.compile(r"\[an error occurred while processing (?:this|the) directive\]", re.I)
XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# C0 controls other than tab and line breaks: browsers drop them, lxml refuses them.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Numeric references to 128-159 mean Windows-1252 in every browser (&#150; is an en dash).
C1_REF_RE = re.compile(r"&#(?:(1[2-5]\d)|[xX]([89][0-9a-fA-F]));")

# Elements that start a new line of text; everything else flows inline.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})

HIDDEN_XPATH = etree.XPath("//*[@hidden or @style]")
# The HTML parser lower-cases attribute names, so onClick arrives as onclick.
ATTRS_XPATH = etree.XPath("//@*[starts-with(name(), 'on') or %s]"
                          % " or ".join(f"name() = '{a}'" for a in URL_ATTRS))
SSI_XPATH = etree.XPath("//text()[contains(., 'processing th')]")
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
EMPTY_PAGE = "<html><body></body></html>"


def _c1(match: re.Match) -> str:
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    char = bytes((code,)).decode("cp1252", "ignore")
    return char or match.group(0)


def parse(text: str) -> etree._Element:
    """An lxml HTML tree; character references are decoded by the parser."""
    text = C1_REF_RE.sub(_c1, CONTROL_RE.sub("", XML_DECL_RE.sub("", text, count=1)))
    root = etree.fromstring(text, _PARSER)
    return root if root is not None else etree.fromstring(EMPTY_PAGE, _PARSER)


def drop(el) -> None:
    """Remove *el* and its subtree, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def clean(tree: etree._Element) -> etree._Element:
    """A sanitised deep copy of *tree*."""
    root = copy.deepcopy(tree)
    for attr in ATTRS_XPATH(root):
        name = attr.attrname
        if name.startswith("on") or UNSAFE_URL_RE.match(attr):
            attr.getparent().attrib.pop(attr.attrname)
    for text in SSI_XPATH(root):
        owner = text.getparent()
        if text.is_tail:
            owner.tail = SSI_ERROR_RE.sub("", owner.tail)
        else:
            owner.text = SSI_ERROR_RE.sub("", owner.text)
    hidden = [el for el in HIDDEN_XPATH(root)
              if el.get("hidden") is not None or HIDDEN_RE.search(el.get("style") or "")]
    for el in [*root.iter(*DROP_TAGS), *hidden]:
        if el.getparent() is not None:
            drop(el)
    return root
