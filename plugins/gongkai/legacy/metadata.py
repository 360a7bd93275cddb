"""Stage 4: the article's metadata, as a chain of small ``extract_x(page) -> value`` functions.

Each function looks in the places a government CMS puts that field, most
reliable first: the 信息公开 label/value table, the info line between the
headline and the article body, ``<meta>`` tags, and last the file path.  A
function returns ``None`` (or an empty tuple) when the page does not say; the
caller decides whether that rejects the page.

Bylines are parsed here too: ``parse_byline`` understands 文/ 图/ 摄影/ 记者
本网记者 通讯员 and parenthesised name lists, where runs of two or more spaces
(ASCII, NBSP, U+3000) or 、 separate names and one space is padding.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Mapping

from lxml import etree

from .clean import BLOCK_TAGS
from .normalise import WS_RE, collapse, doc_number, join_padded, to_simplified

# -- dates -----------------------------------------------------------------------------------------

DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?!\d))?")
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
CN_DATE_RE = re.compile(r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月"
                        r"(?P<d>[一二三四五六七八九十]{1,3})日")
PATH_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])")
LABELLED_DATE_RE = re.compile(r"(?:发布时间|发布日期|发文日期|公开日期|更新时间|日期|时间)\s*[:：]\s*(?=\d)")


def _cn_number(text: str) -> int:
    """十二 -> 12, 二十五 -> 25, 五 -> 5."""
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def parse_date(text: str) -> tuple[dt.date, str | None] | None:
    """The first real date in *text* and its HH:MM time, if written with one."""
    for m in DATE_RE.finditer(text):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        time = None
        if m["H"] is not None and int(m["H"]) < 24 and int(m["M"]) < 60:
            time = f"{int(m['H']):02d}:{m['M']}"
        return day, time
    for m in CN_DATE_RE.finditer(text):
        try:
            year = int("".join(str(CN_DIGITS[c]) for c in m["y"]))
            return dt.date(year, _cn_number(m["m"]), _cn_number(m["d"])), None
        except (ValueError, KeyError):
            continue
    return None


def is_date_line(text: str) -> bool:
    """A block that is only a date, like a signature's 2012年3月1日 or 二〇一一年九月五日."""
    text = collapse(text)
    return any(regex.fullmatch(text) for regex in (DATE_RE, CN_DATE_RE)) and parse_date(text) is not None


# -- bylines and names -----------------------------------------------------------------------------

ROLE_RE = re.compile(
    r"(本网记者|本报记者|本台记者|特约记者|见习记者|实习记者|实习生|通讯员|记者|"
    r"责任编辑|编辑|作者\s*[:：]|图文/|文图/|摄影/|摄影|图/|文/|摄/)")
PHOTO_ROLES = ("图文/", "文图/", "摄影/", "摄影", "图/", "摄/")
EDITOR_ROLES = ("责任编辑", "编辑")
PHOTO_SUFFIX_RE = re.compile(r"(\S{2,4})\s*摄(?=\s|$)")
NAME_SEP_RE = re.compile(r"\s{2,}|[、，,;；]")
NAME_RE = re.compile(r"[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]{1,6}[·•][\u3400-\u9fff]{1,10}")
PLACEHOLDERS = frozenset({"佚名", "未知", "不详", "本站", "本网", "管理员", "网站管理员", "编辑部", "admin", "匿名"})
BRACKETED_RE = re.compile(r"^\s*[（(【\[]\s*(.+?)\s*[)）】\]]\s*$", re.S)


@dataclass(frozen=True, slots=True)
class Byline:
    authors: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()

    def __add__(self, other: "Byline") -> "Byline":
        return Byline(_unique(self.authors + other.authors), _unique(self.photographers + other.photographers))


def _unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def split_names(text: str) -> list[str] | None:
    """Names in a byline segment; None when a piece is not a person's name."""
    names = []
    for chunk in NAME_SEP_RE.split(text.replace("\u00a0", " ").replace("\u3000", " ")):
        pieces = chunk.strip(" :：/").split()
        if not pieces:
            continue
        # 王 英 is one padded name; 孙为 周雪雯 (every piece 2+ characters) are two.
        if len(pieces) > 1 and all(len(p) >= 2 for p in pieces):
            candidates = pieces
        else:
            candidates = [join_padded(chunk.strip(" :：/"))]
        for name in candidates:
            if name.lower() in PLACEHOLDERS:
                continue
            if not NAME_RE.fullmatch(name):
                return None
            names.append(to_simplified(name))
    return names


def parse_byline(text: str, *, need_role: bool) -> Byline | None:
    """Authors and photographers in a byline such as ``文/孙 为  周雪雯 摄影/老运``.

    Returns None when *text* is not a byline (a piece is not a name, or a role
    word is required and missing).
    """
    text = PHOTO_SUFFIX_RE.sub(r"摄影/\1", text.replace("／", "/"))
    parts = ROLE_RE.split(text)
    # A required role must come first: (据新华社记者报道) is not a byline.
    if need_role and (len(parts) == 1 or parts[0].strip()):
        return None
    authors: list[str] = []
    photographers: list[str] = []
    for role, segment in [("", parts[0]), *zip(parts[1::2], parts[2::2])]:
        names = split_names(segment)
        if names is None:
            return None
        if role.startswith(EDITOR_ROLES):
            continue
        if role in PHOTO_ROLES:
            photographers += names
            if role in ("图文/", "文图/"):
                authors += names
        else:
            authors += names
    if not authors and not photographers:
        return None
    return Byline(_unique(authors), _unique(photographers))


def byline_block(text: str) -> Byline | None:
    """A block that is nothing but a byline: ``（文/何　宁　　图/梁　斌）`` or ``(金壽峰  張 婷)``."""
    if len(collapse(text)) > 80:
        return None
    m = BRACKETED_RE.match(text)
    if m:
        return parse_byline(m.group(1), need_role=False)
    return parse_byline(text.strip(), need_role=True)


TRAILING_BYLINE_RE = re.compile(r"[（(]([^（）()]{2,80})[)）]\s*$")
INLINE_BYLINE_RE = re.compile(r"[（(]([^（）()]{2,40})[)）]")


def trailing_byline(text: str) -> tuple[str, Byline] | None:
    """(text without it, byline) for ``…协会。(文/孙 为  周雪雯 摄影/老运)``.

    Needs a role word or two or more names, so ``…乡镇(街道)`` stays text.
    """
    m = TRAILING_BYLINE_RE.search(text)
    if not m:
        return None
    byline = parse_byline(m.group(1), need_role=True) or parse_byline(m.group(1), need_role=False)
    if byline is None or (not ROLE_RE.search(m.group(1)) and len(byline.authors) < 2):
        return None
    return text[:m.start()].rstrip(), byline


def inline_byline(text: str) -> tuple[str, Byline] | None:
    """(text without it, byline) for a byline after the dateline: ``…6月28日讯 (本网记者 陈晓青)近年来…``."""
    for m in INLINE_BYLINE_RE.finditer(text[:120]):
        byline = parse_byline(m.group(1), need_role=True)
        if byline:
            return text[:m.start()].rstrip() + text[m.end():], byline
    return None


# -- the page as the metadata functions see it -----------------------------------------------------

LABELS = {
    "索引号": "index_no", "信息索引号": "index_no",
    "信息分类": "category", "主题分类": "category", "所属主题": "category", "分类": "category",
    "发布机构": "issuer", "发文机关": "issuer", "发文单位": "issuer", "发布单位": "issuer", "发文机构": "issuer",
    "发文日期": "date", "发布日期": "date", "发布时间": "date", "公开日期": "date",
    "更新时间": "updated", "日期": "any_date", "时间": "any_date",
    "成文日期": "written", "生成日期": "written",
    "名称": "title", "标题": "title", "文件名称": "title",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number", "发文号": "doc_number",
    "主题词": "tags", "关键词": "tags", "关键字": "tags",
    "来源": "source", "文章来源": "source", "信息来源": "source", "稿件来源": "source", "本文来源": "source",
    "作者": "author",
}
LABEL_TAGS = frozenset({"td", "th", "dt", "span", "b", "strong", "label", "em", "font", "li", "p", "div", "i"})
# A known label and its colon; table labels are padded (索 引 号：, 名　　称：); 资金来源 is no label.
LABEL_AT_RE = re.compile(r"(?<![\u3400-\u9fff])(?P<label>%s)\s*[:：]" % "|".join(
    r"\s{0,3}".join(label) for label in sorted(LABELS, key=len, reverse=True)))
# Where an inline value ends: a wide gap, a 【tool】 or | separator, or the next "word：".
VALUE_END_RE = re.compile(r"\s{2,}|[【\[|｜]|\s+(?=[^\s\d:：][^\s:：]{0,5}[:：])")
TITLE_SPLIT_RE = re.compile(r"\s+[-–—|｜]\s+|\s*[_｜|]\s*|\s*——\s*|\s*--\s*")
TITLE_HINT_RE = re.compile(r"title|headline|biaoti|\btit|\bbt\b|heading", re.I)
PROSE_RE = re.compile(r"[，。；！？]")
HEADING_WEIGHT = {"h1": 2.0, "h2": 1.5, "h3": 1.0, "h4": 0.5}
NEAR = 40  # elements between a headline and the container it heads


@dataclass(frozen=True, slots=True)
class Headline:
    text: str
    element: etree._Element | None


@dataclass(frozen=True)
class Page:
    """What the metadata chain reads: the cleaned tree, the article container and what surrounds it."""

    tree: etree._Element
    container: etree._Element
    title_tag: str
    labels: Mapping[str, str]
    headline: Headline | None
    info: str  # the info line: text after the headline, before the article text
    rel: str  # page path relative to SRC

    @functools.cached_property
    def outer(self) -> str:
        """All text outside the container (where labelled dates may sit); read only when needed."""
        pieces = []
        inside = set(self.container.iter())
        for el in self.tree.iter():
            if el.text and el not in inside:
                pieces.append(el.text)
            if el.tail and (el is self.container or el not in inside):
                pieces.append(el.tail)
        return "\n".join(pieces)


def _text(el) -> str:
    return collapse("".join(el.itertext()))


def _label_key(text: str) -> str | None:
    return LABELS.get(WS_RE.sub("", text).rstrip(":："))


def _value_after(el) -> str:
    """The value that follows a label element: the next cell, the dd, or the following inline text."""
    if el.tag in ("td", "th", "dt"):
        sibling = el.getnext()
        return _text(sibling) if sibling is not None else ""
    parts = [el.tail or ""]
    for sibling in el.itersiblings():
        if _label_key(_text(sibling)):
            break
        parts.append("".join(sibling.itertext()) + (sibling.tail or ""))
    value = collapse("".join(parts))
    parent = el.getparent()
    if not value and parent is not None and parent.tag in ("td", "th") and _text(parent) == _text(el):
        return _value_after(parent)
    return value


def read_labels(tree, inside: set) -> dict[str, str]:
    """``label：value`` pairs outside the article body (信息公开 tables, info lines); first occurrence wins."""
    found: dict[str, str] = {}
    for el in tree.iter(*LABEL_TAGS):
        own = el.text or ""
        if not LABEL_AT_RE.search(own) or el in inside:
            continue
        text = "".join(el.itertext()) if len(el) else own
        matches = list(LABEL_AT_RE.finditer(text))
        for m, following in zip(matches, [*matches[1:], None]):
            raw = text[m.end():following.start() if following else len(text)].strip()
            value = collapse(VALUE_END_RE.split(raw, maxsplit=1)[0]) if raw else ""
            if not value and following is None:
                value = _value_after(el)
            key = _label_key(m["label"])
            if value and key not in found:
                found[key] = value
    return found


def _order(tree) -> dict:
    return {el: i for i, el in enumerate(tree.iter())}


def read_headline(tree, container, title_tag: str, labels: Mapping[str, str]) -> Headline | None:
    """The on-page headline: the 信息公开 名称, else the best heading near the article.

    A candidate is a heading or an element whose class/id says title.  ``<title>``
    usually reads "Headline_Site" or "Headline - Column - Site", so agreement with
    its first segment counts most; an ``<h1>`` may be the site logo, so being
    close before the container (or at its top) counts too.  The element is kept
    to find the info line after it.
    """
    named = labels.get("title")
    first = collapse(TITLE_SPLIT_RE.split(title_tag, maxsplit=1)[0]) if title_tag else ""
    order = _order(tree)
    start = order.get(container, len(order))
    best, best_score = None, 0.0
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "title", "meta"):
            continue
        hinted = TITLE_HINT_RE.search(f"{el.get('class', '')} {el.get('id', '')}") is not None
        heading = HEADING_WEIGHT.get(el.tag, 0.0)
        if not (hinted or heading):
            continue
        text = _text(el)
        if not 4 <= len(text) <= 120 or any(a.tag == "a" for a in el.iterancestors()):
            continue
        score = heading + hinted + (1 if -NEAR <= order[el] - start <= NEAR // 4 else 0)
        if named:
            score += 5 if text == named else -5
        elif first and (text == first or text == title_tag):
            score += 4
        elif first and len(text) >= 6 and (first.startswith(text) or text.startswith(first)):
            score += 3
        elif title_tag and text in title_tag:
            score += 1
        if score > best_score:
            best, best_score = el, score
    element = best if best is not None and best_score >= 2 else None
    if named:
        return Headline(named, element)
    if element is not None:
        return Headline(_text(element), element)
    return Headline(first, None) if first else None


def read_info(tree, container, headline: Headline | None, limit: int = 300) -> str:
    """Text after the headline up to the first prose sentence or the container (the info line).

    Without a headline element it is the text just before the container.
    """
    start = headline.element if headline else None
    inside = start is not None and any(a is container for a in start.iterancestors())
    pieces: list[str] = []
    size = 0
    active = start is None
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start" and el is container and not inside:
            break
        if event == "end" and el is start:
            active = True
        if not active:
            continue
        text = el.text if event == "start" else el.tail
        if el.tag in BLOCK_TAGS:
            pieces.append("\n")
        if not text:
            continue
        if not text.strip():
            pieces.append(" ")
            continue
        if start is not None and len(text.strip()) >= 40 and PROSE_RE.search(text):
            break
        pieces.append(text)
        size += len(text)
        if start is not None and size > limit:
            break
    info = "".join(pieces)
    return info if start is not None else info[-limit:]


def read_page(tree, container, rel: str) -> Page:
    inside = set(container.iter())
    title_el = tree.find(".//title")
    title_tag = collapse("".join(title_el.itertext())) if title_el is not None else ""
    labels = read_labels(tree, inside)
    headline = read_headline(tree, container, title_tag, labels)
    return Page(tree, container, title_tag, labels, headline, read_info(tree, container, headline), rel)


# -- the chain ---------------------------------------------------------------------------------------

STOP = r"(?=\s|$|[|｜【\[】\]）)]|(?:作者|编辑|责任编辑|发布|时间|日期|点击|浏览|阅读|字号|来源|文章来源)\s*[:：])"
SOURCE_RE = re.compile(r"(?:文章|信息|稿件)?来源\s*[:：]\s*(?P<v>.{1,40}?)" + STOP)
AUTHOR_RE = re.compile(r"作者\s*[:：]\s*(?P<v>.{1,40}?)" + STOP)
TRIM = " ，。,;；:：、"
TOPIC_WORDS = (  # 信息分类 words -> policy topic ids (gongkai.types.policy.TOPICS)
    (("人口", "计划生育", "计生", "妇女", "儿童"), "population"),
    (("卫生", "体育", "医疗"), "health"),
    (("民政", "扶贫", "救灾"), "civil_affairs"),
    (("劳动", "人事", "监察"), "labour"),
)


def extract_title(page: Page) -> str | None:
    return page.headline.text if page.headline else None


def extract_date(page: Page) -> tuple[dt.date, str | None, str] | None:
    """(date, HH:MM or None, where it was found)."""
    for key in ("date", "updated", "any_date"):
        found = parse_date(page.labels.get(key, ""))
        if found:
            return (*found, f"the {key} field")
    for text, where in ((page.info, "the info line"), (page.outer, "a labelled date")):
        m = LABELLED_DATE_RE.search(text)
        found = parse_date(text[m.end():m.end() + 40]) if m else None
        if found:
            return (*found, where)
    found = parse_date(page.info)
    if found:
        return (*found, "the info line")
    for meta in page.tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if "date" in name or "pub" in name:
            found = parse_date(meta.get("content") or "")
            if found:
                return (*found, f"<meta name='{name}'>")
    m = PATH_DATE_RE.search(page.rel)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None, "the file path"
        except ValueError:
            return None
    return None


def _field(page: Page, key: str, regex: re.Pattern) -> str | None:
    value = page.labels.get(key)
    if not value:
        m = regex.search(page.info)
        value = m["v"] if m else ""
    return value.strip(TRIM) or None


def extract_source(page: Page) -> str | None:
    value = _field(page, "source", SOURCE_RE)
    return value if value and value.lower() not in PLACEHOLDERS else None


def extract_info_authors(page: Page) -> tuple[str, ...]:
    """Names in the 作者 field (placeholders such as 佚名 are not names)."""
    value = _field(page, "author", AUTHOR_RE)
    names = split_names(value) if value else None
    return tuple(names or ())


def extract_doc_number(page: Page) -> str | None:
    value = page.labels.get("doc_number")
    return doc_number(value) if value else None


def extract_issuers(page: Page) -> tuple[str, ...]:
    value = page.labels.get("issuer")
    return tuple(p for p in (collapse(x) for x in re.split(r"[、；;，,]", value or "")) if p)


def extract_index_no(page: Page) -> str | None:
    return page.labels.get("index_no")


def extract_written(page: Page) -> dt.date | None:
    found = parse_date(page.labels.get("written", ""))
    return found[0] if found else None


def extract_tags(page: Page) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in re.split(r"[\s,，、;；]+", page.labels.get("tags", "")) if t))


def extract_topic(page: Page) -> str | None:
    category = page.labels.get("category", "")
    for words, topic in TOPIC_WORDS:
        if any(w in category for w in words):
            return topic
    return None


ORG_RE = re.compile(r"(委员会|人民政府|政府|办公室|办公厅|办事处|委|局|厅|部|会|院|所|站|中心|协会|公司|党委|党组|支部)$")


def signature(paragraphs: tuple[str, ...]) -> tuple[tuple[str, ...], dt.date | None]:
    """(issuing bodies, date) from a notice's closing lines: 广东省人口文化促进会 / 2012年3月1日."""
    lines = list(paragraphs[-4:])
    day = None
    if lines and is_date_line(lines[-1]):
        day = parse_date(collapse(lines.pop()))[0]
    issuers: list[str] = []
    while lines:
        line = collapse(lines.pop())
        if len(line) > 40 or PROSE_RE.search(line) or not ORG_RE.search(line):
            break
        issuers.insert(0, line)
    return tuple(issuers), day
