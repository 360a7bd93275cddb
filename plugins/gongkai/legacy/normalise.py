"""Text normalisation shared by the metadata and body stages.

Everything here is a pure ``str -> str`` (or ``str -> value``) function:
whitespace, converter pinyin artefacts, Traditional to Simplified, person names
and document numbers.
"""
from __future__ import annotations

import copy
import functools
import re
from dataclasses import replace

import opencc

from .model import Document, Paragraph

WS_RE = re.compile(r"\s+")  # Python's \s covers NBSP and U+3000
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# A converter that appended pinyin after each character: 區(qū), 領(lǐng)導(dǎo).
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_RE = re.compile(rf"(?<=[\u3400-\u9fff])[(（]([a-zü]*[{TONED}][a-zü{TONED}]*)[)）]", re.I)
PINYIN_MIN = 3  # fewer hits are more likely a deliberate gloss than converter damage
TRADITIONAL_SHARE = 0.05  # share of CJK characters that t2s changes in Traditional text
TEXT_ATTRS = ("alt", "title", "content")
SEPARATOR = "\ue000"

# 〔2011〕 in any disguise: „2011‟ (GBK lacks „‟), [2011], 【2011】, ﹝2011﹞, (2011)…
DOC_NUMBER_RE = re.compile(
    r"^(?P<org>[\u3400-\u9fff]{1,24}?)\s*(?P<open>[^\w\s]{0,2})\s*(?P<year>(?:19|20)\d{2})\s*"
    r"(?P<close>[^\w\s]{0,2})\s*第?\s*(?P<num>\d{1,5})\s*[号號]$")


def collapse(text: str) -> str:
    """Trim and collapse whitespace runs (ASCII, NBSP, U+3000) to one space."""
    return WS_RE.sub(" ", INVISIBLE_RE.sub("", text)).strip()


def pinyin_damaged(text: str) -> bool:
    return len(PINYIN_RE.findall(text)) >= PINYIN_MIN


def strip_pinyin(text: str) -> str:
    """區(qū) -> 區; real parentheses such as (街道) have no tone marks and stay."""
    return PINYIN_RE.sub("", text)


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text) if text else text


def is_traditional(text: str) -> bool:
    """True when t2s would change a noticeable share of the CJK characters."""
    cjk = "".join(CJK_RE.findall(text))
    simplified = to_simplified(cjk)
    if simplified == cjk:
        return False
    changed = sum(map(str.__ne__, cjk, simplified))
    return changed >= 3 and changed / len(cjk) >= TRADITIONAL_SHARE


def join_padded(name: str) -> str:
    """王 英 -> 王英, 何　宁 -> 何宁: one space inside a name is padding."""
    return WS_RE.sub("", name)


def doc_number(text: str) -> str | None:
    """凉委发„2011‟38号 -> 凉委发〔2011〕38号; None when *text* is not a document number."""
    m = DOC_NUMBER_RE.match(collapse(text))
    if not m or not (m["open"] or m["close"]):
        return None
    return to_simplified(f"{m['org']}〔{m['year']}〕{m['num']}号")


def simplified_tree(tree):
    """A copy of *tree* with its text (and alt/title text) converted to Simplified.

    Done before any label or byline is read, so 發佈時間 and 記者 match like
    发布时间 and 记者.  Addresses are left alone: a file keeps its real name.
    All text goes through OpenCC in one call, joined by a private-use separator.
    """
    root = copy.deepcopy(tree)
    slots = []
    for el in root.iter():
        slots += [(el, "text")] if el.text else []
        slots += [(el, "tail")] if el.tail else []
        slots += [(el, name) for name in TEXT_ATTRS if el.get(name)]
    values = [getattr(el, slot) if slot in ("text", "tail") else el.get(slot) for el, slot in slots]
    converted = to_simplified(SEPARATOR.join(values)).split(SEPARATOR)
    if len(converted) != len(values):  # the separator never changes, so this is a broken invariant
        raise AssertionError("OpenCC changed the number of text pieces")
    for (el, slot), value in zip(slots, converted):
        if slot in ("text", "tail"):
            setattr(el, slot, value)
        else:
            el.set(slot, value)
    return root


def finish(doc: Document) -> Document:
    """Every text field collapsed and, when the page is damaged, rid of converter pinyin."""
    damaged = pinyin_damaged(" ".join([doc.title or "", *doc.paragraphs]))

    def text(value: str | None) -> str | None:
        return None if value is None else collapse(strip_pinyin(value) if damaged else value)

    body = tuple(Paragraph(text(item.text)) if isinstance(item, Paragraph)
                 else replace(item, caption=text(item.caption)) for item in doc.body)
    return replace(
        doc, title=text(doc.title), source=text(doc.source),
        body=tuple(item for item in body if not isinstance(item, Paragraph) or item.text),
        attachments=tuple(replace(a, title=text(a.title)) for a in doc.attachments),
        issuers=tuple(map(text, doc.issuers)), tags=tuple(map(text, doc.tags)))
