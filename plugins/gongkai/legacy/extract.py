"""Stage 3: find the article container by structure and text density, and split it into blocks.

``find_container`` scores every text-bearing block (Readability's idea, tuned
for Chinese): sentence punctuation and non-link text make a block count, text
inside comment boxes, sidebars and footers (by class/id words) counts less, the
score goes to the element that holds the block and half to that element's
parent, and the best holder, discounted by its link density, is the container.
Site-specific selectors are never required.

``blocks`` walks the container in document order and yields text blocks (one per
``<p>``/``<div>``, or per ``<br><br>`` run) and image blocks; ``split_body``
then sorts them into paragraphs, figures with captions, attachments, bylines
and the document-number line, dropping boilerplate.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from lxml import etree

from .clean import BLOCK_TAGS
from .metadata import Byline, byline_block, inline_byline, parse_date, trailing_byline
from .model import Attachment, Figure, Paragraph, Rejection
from .normalise import WS_RE, collapse, doc_number

PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote", "pre",
                            "figcaption", "caption", "address"})
PUNCT_RE = re.compile(r"[，。；！？、,;]")
SENTENCE_RE = re.compile(r"[，。；！？]")
POSITIVE_RE = re.compile(r"content|article|zoom|text|detail|body|main|news|cont|editor|artibody|\bzw|\bnr\b|"
                         r"wenzhang|zhengwen|neirong", re.I)
NEGATIVE_RE = re.compile(r"nav|menu|foot|sidebar|\bside|list|comment|reply|pinglun|liuyan|guestbook|message|"
                         r"related|xgxw|copyright|banner|crumb|position|dqwz|\bhot|rank|link|share|tool|login|"
                         r"search|logo|\bad\b|advert|recommend|pager|paging|pagination|fenye", re.I)
ALIGN_RE = re.compile(r"text-align\s*:\s*(center|right|left)", re.I)
INDENT_RE = re.compile(r"^[\u3000\u00a0]|^\s{2,}")
ATTACHMENT_EXTS = (".doc", ".docx", ".xls", ".xlsx", ".pdf")
ATTACHMENT_LABEL_RE = re.compile(r"附件|附表|下载|\d{1,2}\s*[.、．)）:：]|[\s:：,，;；、.。()（）【】\[\]]")
# Page tools (【打印】【关闭】【字体：大 中 小】) and the end mark (完): a block of nothing else is boilerplate.
TOOL_WORDS_RE = re.compile(r"打印本页|打印|关闭窗口|关闭|返回顶部|返回|加入收藏|收藏本页|收藏|字体|字号|默认|[大中小完]|"
                           r"[【】\[\]（）()|｜:：/\s]")
NAVIGATION_RE = re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|分享到|扫一扫|本文链接|\[an error occurred)")
EDITOR_RE = re.compile(r"^[（(【\[]?\s*(?:责任编辑|编辑|责编|审核|校对|审校|签发)\s*[:：/]")
INFO_LINE_RE = re.compile(r"来源|作者|发布|更新|点击|浏览|阅读|字号|编辑")
PAGINATION_RE = re.compile(r"下一页|上一页|尾页|共\s*\d+\s*(?:条|页|篇)|第\s*\d+\s*/\s*\d+\s*页")
POSITIVE_WEIGHT = 1.25
NEGATIVE_WEIGHT = 0.3
CANDIDATES = 6  # best raw scores that are weighed by link density and class names
MIN_UNIT = 10  # non-link characters a block needs to count as text
MIN_PROSE = 30  # sentence text an article container needs
MAX_CAPTION = 80
MAX_LINK_DENSITY = 0.5
LIST_LINKS = 10  # headline-like links that make a page without article text a list page


@dataclass(frozen=True, slots=True)
class Block:
    """One run of text (whitespace as in the page, ``<br>`` as a newline) or one image."""

    text: str
    align: str | None
    tag: str
    links: tuple[tuple[str, str], ...] = ()  # (href, link text)
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Body:
    """The container's blocks sorted by role; paragraph texts are still raw."""

    items: tuple[Paragraph | Figure, ...]
    attachments: tuple[Attachment, ...]
    byline: Byline
    doc_numbers: tuple[str, ...]


def _own_text(el) -> tuple[str, int]:
    """Text that *el* holds itself (not inside child blocks, ``<br>`` as a newline) and its link characters."""
    parts = [el.text or ""]
    link = 0
    for child in el:
        if child.tag in BLOCK_TAGS:
            parts.append(child.tail or "")
            continue
        if child.tag == "br":
            inline = "\n"
        elif not len(child):  # the common case: <a>, <span>, <font> holding plain text
            inline = child.text or ""
        else:
            inline = "".join("\n" if isinstance(node, etree._Element) else node
                             for node in child.xpath(".//text()|.//br"))
        parts += (inline, child.tail or "")
        link += sum(_chars(a) for a in child.iter("a"))
    return "".join(parts), link


def _chars(el) -> int:
    """Characters of text in *el*, whitespace not counted."""
    return len(WS_RE.sub("", "".join(el.itertext())))


def _link_density(el) -> float:
    total = _chars(el)
    return sum(_chars(a) for a in el.iter("a")) / total if total else 1.0


def _names(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def _damping(body) -> dict:
    """Per element, how much its text counts: comments, sidebars and footers (by class/id) count less,
    and so does everything inside them."""
    damping = {body: NEGATIVE_WEIGHT if NEGATIVE_RE.search(_names(body)) else 1.0}
    for el in body.iterdescendants():
        own = NEGATIVE_WEIGHT if NEGATIVE_RE.search(_names(el)) else 1.0
        damping[el] = damping[el.getparent()] * own
    return damping


def find_container(tree) -> etree._Element | Rejection:
    """The element holding the article text, or a Rejection saying why there is none.

    A block with one run of text counts as a paragraph of its parent; a block whose
    text is split by ``<br>`` holds its paragraphs itself.
    """
    body = tree.find("body")
    if body is None:
        return Rejection("skipped", "no article text found: the page has no <body>")
    damping = _damping(body)
    scores: dict = defaultdict(float)
    prose: dict = defaultdict(int)
    for el in body.iter(*BLOCK_TAGS):
        text, link = _own_text(el)
        chars = len(WS_RE.sub("", text)) - link
        if chars < MIN_UNIT or link > chars:
            continue
        runs = max(1, sum(len(WS_RE.sub("", run)) >= MIN_UNIT for run in text.split("\n")))
        punct = len(PUNCT_RE.findall(text))
        score = (runs + min(punct, 20 * runs) + min(chars / 50, 5 * runs)) * damping[el]
        parent = el.getparent()
        holder = parent if (el.tag in PARAGRAPH_TAGS or runs == 1) and parent is not None else el
        scores[holder] += score
        if SENTENCE_RE.search(text):
            prose[holder] += chars
        if holder.getparent() is not None:
            scores[holder.getparent()] += score / 2
    ranked = sorted(scores, key=scores.get, reverse=True)[:CANDIDATES]
    best = max(ranked, key=lambda el: scores[el] * (1 - _link_density(el)) * (
        POSITIVE_WEIGHT if POSITIVE_RE.search(_names(el)) else 1.0), default=None)
    article_text = sum(n for el, n in prose.items() if best is not None and _within(el, best))
    if best is None or article_text < MIN_PROSE:
        return _no_article(body, article_text)
    density = _link_density(best)
    if density > MAX_LINK_DENSITY:
        return Rejection("skipped", f"list/index page: link density {density:.2f} in the main block")
    return best


def _within(el, ancestor) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _no_article(body, prose_chars: int) -> Rejection:
    headlines = sum(1 for a in body.iter("a") if len(collapse("".join(a.itertext()))) >= 8)
    paged = PAGINATION_RE.search("".join(body.itertext())) is not None
    if headlines >= LIST_LINKS or (paged and headlines >= 3):
        return Rejection("skipped", f"list/index page: {headlines} headline links"
                                    f"{', page numbers' if paged else ''} and no article text")
    return Rejection("skipped", f"no article text found ({prose_chars} characters of sentences, "
                                f"{MIN_PROSE} needed)")


def _align(el) -> str | None:
    if el.tag == "center":
        return "center"
    value = (el.get("align") or "").lower()
    if value in ("center", "middle"):
        return "center"
    if value in ("right", "left"):
        return value
    m = ALIGN_RE.search(el.get("style", ""))
    return m.group(1).lower() if m else None


class _Walker:
    """Turns a container into blocks; one instance per walk."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.breaks = 0
        self.align: str | None = None
        self.tag = "p"

    def flush(self):
        text = "".join(self.parts)
        if text.strip():
            self.blocks.append(Block(text, self.align, self.tag, tuple(self.links)))
        self.parts, self.links, self.breaks = [], [], 0

    def add(self, text: str | None):
        if not text:
            return
        if text.strip():
            # <br><br> ends a paragraph; so does one <br> before an indented line or in a
            # right-aligned block (signature lines: issuing body<br>date).
            if self.breaks >= 2 or (self.breaks == 1 and (INDENT_RE.match(text) or self.align == "right")):
                self.flush()
            self.breaks = 0
        self.parts.append(text)

    def block(self, el, align: str | None):
        self.flush()
        saved = self.align, self.tag
        self.align, self.tag = _align(el) or align, el.tag
        self.add(el.text)
        for child in el:
            self.visit(child, self.align)
        self.flush()
        self.align, self.tag = saved

    def visit(self, el, align: str | None):
        if el.tag in BLOCK_TAGS:
            self.block(el, align)
        elif el.tag == "br":
            self.parts.append("\n")
            self.breaks += 1
        elif el.tag == "img":
            self.image(el, align)
        else:
            self.add(el.text)
            for child in el:
                self.visit(child, _align(el) or align)
            if el.tag == "a" and el.get("href"):
                self.links.append((el.get("href").strip(), collapse("".join(el.itertext()))))
        self.add(el.tail)

    def image(self, el, align: str | None):
        src = (el.get("src") or "").strip()
        if not src or _tiny(el):
            return
        self.flush()
        self.blocks.append(Block("", align, "img", image=src))


def _tiny(img) -> bool:
    """Spacers and icons: declared 30px or smaller."""
    for name in ("width", "height"):
        value = (img.get(name) or "").strip().rstrip("px")
        if value.isdigit() and int(value) <= 30:
            return True
    return False


def blocks(container) -> tuple[Block, ...]:
    walker = _Walker()
    walker.block(container, None)
    return tuple(walker.blocks)


def attachment_box(container) -> tuple[Block, ...]:
    """Attachment-only blocks right under the container (an 附件 box after the text)."""
    found: list[Block] = []
    for sibling in list(container.itersiblings())[:2]:
        for block in blocks(sibling):
            if not _attachment_only(block):
                return tuple(found)
            found.append(block)
    return tuple(found)


def is_attachment(href: str) -> bool:
    return urlsplit(href).path.lower().endswith(ATTACHMENT_EXTS)


def _attachment_only(block: Block) -> bool:
    """Only a 附件 label, numbering and links to files."""
    files = [text for href, text in block.links if is_attachment(href)]
    if not files:
        return False
    rest = block.text
    for text in files:
        rest = rest.replace(text, "", 1)
    return not ATTACHMENT_LABEL_RE.sub("", rest).strip()


def _caption(block: Block, text: str) -> bool:
    """A short centred block (or <figcaption>) right after an image is its caption."""
    return block.tag == "figcaption" or (block.align == "center" and len(text) <= MAX_CAPTION
                                          and byline_block(block.text) is None and doc_number(text) is None)


def _boilerplate(text: str) -> bool:
    return len(text) <= 60 and (not TOOL_WORDS_RE.sub("", text) or NAVIGATION_RE.match(text) is not None)


def _info_line(text: str) -> bool:
    return len(text) <= 120 and INFO_LINE_RE.search(text) is not None and parse_date(text) is not None


def split_body(found: tuple[Block, ...], title: str | None) -> Body:
    """Sort blocks into paragraphs, figures, attachments, bylines and document numbers."""
    items: list[Paragraph | Figure] = []
    attachments: list[Attachment] = []
    byline = Byline()
    numbers: list[str] = []
    captionable: int | None = None  # index in items of an image still waiting for its caption
    for block in found:
        if block.image:
            items.append(Figure(block.image))
            captionable = len(items) - 1
            continue
        text = collapse(block.text)
        if captionable is not None and _caption(block, text):
            items[captionable] = replace(items[captionable], caption=text)
            captionable = None
            continue
        captionable = None
        attachments += [Attachment(href, name or href) for href, name in block.links if is_attachment(href)]
        if _attachment_only(block) or _boilerplate(text) or EDITOR_RE.match(text):
            continue
        if doc_number(text):
            numbers.append(text)
            continue
        found_byline = byline_block(block.text)
        if found_byline:
            byline += found_byline
            continue
        if not any(isinstance(i, Paragraph) for i in items) and (text == title or _info_line(text)):
            continue  # the headline or info line repeated inside the container
        items.append(Paragraph(block.text))
    items, inline = _move_byline(items, 0, inline_byline)
    items, trailing = _move_byline(items, -1, trailing_byline)
    byline = inline + byline + trailing
    return Body(tuple(items), tuple(attachments), byline, tuple(numbers))


def _move_byline(items: list, which: int, find) -> tuple[list, Byline]:
    """Take the byline *find* sees in the first (0) or last (-1) paragraph out of the text."""
    numbered = [n for n, item in enumerate(items) if isinstance(item, Paragraph)]
    if not numbered:
        return items, Byline()
    index = numbered[which]
    found = find(items[index].text)
    if not found:
        return items, Byline()
    text, byline = found
    items = list(items)
    if text.strip():
        items[index] = Paragraph(text)
    else:
        del items[index]
    return items, byline
