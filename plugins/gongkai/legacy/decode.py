"""Stage 1: page bytes to text.

Old CMS pages lie about their charset (a Big5 page labelled gb2312, GBK bytes
labelled utf-8), so the bytes decide, in this order: a byte-order mark; strict
UTF-8 validity; the declared charset if it decodes strictly *and* the result
reads like Chinese text; charset-normalizer's guess under the same test; else
the best-reading of the usual Chinese codecs.  GB2312 and GBK declarations are
decoded as GB18030 (their superset: GBK-only characters such as 玥 survive) and
Big5 as CP950.
"""
from __future__ import annotations

import codecs
import functools
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .model import Rejection

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared names mapped to the superset that decodes the same bytes to the same text.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "iso8859-1": "cp1252", "ascii": "cp1252"}
# Labels browsers accept that Python's codec registry does not know.
WEB_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-gb2312": "gb2312", "x-big5": "big5",
               "big5-hkscs": "big5hkscs", "x-sjis": "shift_jis"}
CHINESE_CODECS = ("gb18030", "cp950", "big5hkscs")
DECLARED_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
OPENS_RE = re.compile(r"<(?:html|body)\b", re.I)
CLOSES_RE = re.compile(r"</(?:html|body)\s*>", re.I)
WIDE_RE = re.compile(r"[^\x00-\x7f]")
PLAUSIBLE = 0.75  # share of non-ASCII characters that must be common CJK text


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the codec used, a superset of the page's real one
    declared: str | None  # the charset the page claims, verbatim
    warnings: tuple[str, ...] = ()


def declared_charset(data: bytes) -> str | None:
    """The charset named in the first <meta>/XML declaration, as written."""
    m = DECLARED_RE.search(data[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "replace")


def codec_for(name: str) -> str | None:
    """Python codec for a charset label, widened to its superset; None if unknown."""
    try:
        canonical = codecs.lookup(WEB_ALIASES.get(name.lower(), name)).name
    except LookupError:
        return None
    return SUPERSETS.get(canonical, canonical)


@functools.cache
def _common_chars() -> frozenset[str]:
    """Characters that make up ordinary Chinese text in either script.

    GB2312's punctuation, full-width and pinyin rows plus its hanzi, and Big5's
    symbols plus its level-1 hanzi.  Text decoded with the wrong Chinese codec
    lands mostly outside this set (about 40%% inside, against 90%%+ when right).
    """
    chars = set()
    for lead in (0xA1, 0xA3, 0xA8, *range(0xB0, 0xF8)):
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", "ignore"))
    for lead in range(0xA1, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            chars.update(bytes((lead, trail)).decode("cp950", "ignore"))
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese text (1.0 for pure ASCII)."""
    counts = Counter(WIDE_RE.findall(text))
    total = sum(counts.values())
    common = _common_chars()
    return sum(n for ch, n in counts.items() if ch in common) / total if total else 1.0


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def sniff(data: bytes) -> Rejection | None:
    """Reject files that are not worth decoding: empty or binary."""
    if not data.strip():
        return Rejection("skipped", "empty file" if not data else "empty file (whitespace only)")
    if not any(data.startswith(bom) for bom, _ in BOMS) and b"\x00" in data[:8192]:
        return Rejection("skipped", "binary file: NUL bytes, not an HTML text page")
    return None


def decode(data: bytes) -> Decoded:
    """The page's text; see the module docstring for the order of evidence."""
    declared = declared_charset(data)
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, "replace"), codec, declared)
    if data.isascii():
        return Decoded(data.decode("ascii"), "utf-8", declared)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", declared, _mislabelled(declared, "utf-8"))
    tried: dict[str, str] = {}
    for find in (lambda: codec_for(declared) if declared else None, lambda: _guess(data)):
        codec = find()
        if codec is None or codec in tried:
            continue
        text = _strict(data, codec)
        if text is None:
            continue
        tried[codec] = text
        if plausibility(text) >= PLAUSIBLE:
            return Decoded(text, codec, declared, _mislabelled(declared, codec))
    for codec in CHINESE_CODECS:
        if codec not in tried and (text := _strict(data, codec)) is not None:
            if plausibility(text) >= PLAUSIBLE:
                return Decoded(text, codec, declared, _mislabelled(declared, codec))
            tried[codec] = text
    if tried:  # nothing reads like Chinese: trust the page's label, else the detector
        codec = next(iter(tried))
        return Decoded(tried[codec], codec, declared, (
            f"text does not read like Chinese in any encoding tried; decoded as {codec}",))
    return Decoded(data.decode("gb18030", "replace"), "gb18030", declared,
                   ("bytes are invalid in every encoding tried; decoded as gb18030 with replacement characters",))


def _guess(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return codec_for(best.encoding) if best else None


def _mislabelled(declared: str | None, used: str) -> tuple[str, ...]:
    if declared is None or codec_for(declared) == used:
        return ()
    return (f"page declares charset '{declared}' but its bytes are {used}; decoded as {used}",)


def truncated(text: str) -> Rejection | None:
    """A download cut short opens <html>/<body> and never closes either."""
    if OPENS_RE.search(text, 0, 4096) and not CLOSES_RE.search(text):
        return Rejection("skipped", "truncated file: the page opens <html>/<body> but never closes them")
    if "<" not in text:
        return Rejection("skipped", "not an HTML page: no tags found")
    return None


def saved_from(text: str) -> str | None:
    """The address a browser noted when it saved the page (``<!-- saved from url=… -->``)."""
    m = SAVED_FROM_RE.search(text[:2048])
    return m.group(1) if m and m.group(1).startswith(("http://", "https://")) else None
