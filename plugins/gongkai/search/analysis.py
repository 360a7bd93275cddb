"""Text analysis for search: one set of rules for the build, the staff CLI and the browser.

Chinese has no spaces, so every run of Han characters is cut into overlapping
character bigrams: any substring of two or more characters is then found, with
no dictionary to miss it (人口计 inside 人口计生, 抚养费 inside 社会抚养费).
Dictionary words from rjieba are indexed beside the bigrams, in their own term
space, only to rank whole-word matches above accidental ones.

Positions count token *slots*: a run of n ≥ 2 characters fills n − 1 slots (one
per bigram), a lone character or a Latin word fills one.  A query therefore
always yields tokens at consecutive slots, so a phrase query (Whoosh's, or the
browser's position check) means "this exact string".  Where a query character
has no neighbour inside the query (``38号``, ``发〔2011``) the edge tokens
``<X`` (X starts a run) and ``X>`` (X ends a run) stand in for the bigram that
cannot be formed; every run of the text carries both, in the slot of its first
and last bigram.

``theme/static/js/search.js`` implements these same rules; the tests compare
the two on the same inputs.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from operator import add
from sys import intern

import opencc
import rjieba
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

# Bump when any rule below changes: cached analyses and on-disk indexes are then rebuilt.
ANALYSIS_VERSION = 1

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
LATIN = "0-9a-z\u00df-\u00f6\u00f8-\u00ff"
SCAN_RE = re.compile(f"([{HAN}]+)|([{LATIN}]+)")
HAN_RE = re.compile(f"^[{HAN}]+$")
# Converters and old pages write the brackets of 发文字号 in many ways (after NFKC).
BRACKETS = {"[": "〔", "]": "〕", "【": "〔", "】": "〕", "„": "〔", "‟": "〕"}
# Blocks whose Traditional characters OpenCC maps one-to-one to Simplified ones.
T2S_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
STOP = frozenset(STOP_WORDS)
START, END = "<", ">"  # edge-token marks: "<X" X starts a Han run, "X>" X ends one


@lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    """Traditional → Simplified, character by character (OpenCC t2s, single characters only).

    Character-level on purpose: the browser applies the same table, so build and
    query fold a character the same way whatever its neighbours.
    """
    converter = opencc.OpenCC("t2s")
    table = {}
    for first, last in T2S_BLOCKS:
        chars = "".join(chr(cp) for cp in range(first, last + 1))
        for trad, simp in zip(chars, converter.convert(chars)):
            if trad != simp:
                table[trad] = simp
    return table


@lru_cache(maxsize=1)
def _fold() -> tuple[re.Pattern, dict[str, str]]:
    table = {**t2s_table(), **BRACKETS}
    return re.compile("[" + "".join(map(re.escape, table)) + "]"), table


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), one bracket style, Simplified characters, lower case."""
    pattern, table = _fold()
    return pattern.sub(lambda m: table[m.group()], unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=65536)
def latin_term(word: str) -> str:
    """A Latin word's index term: its Porter stem (whoosh.lang.porter, as StemmingAnalyzer)."""
    return porter_stem(word)


def index_tokens(text: str) -> tuple[list[str], array]:
    """The terms of a normalised text and the slot of each, in order."""
    terms: list[str] = []
    slots = array("I")
    slot = 0
    for run, word in SCAN_RE.findall(text):
        if run:
            n = len(run)
            if n == 1:
                terms += (START + run, run + END)
                slots.extend((slot, slot))
                slot += 1
                continue
            terms.append(START + run[0])
            terms += map(add, run[:-1], run[1:])
            terms.append(run[-1] + END)
            slots.append(slot)
            slots.extend(range(slot, slot + n - 1))
            slots.append(slot + n - 2)
            slot += n - 1
        elif word not in STOP:
            terms.append(latin_term(word))
            slots.append(slot)
            slot += 1
    return list(map(intern, terms)), slots


def index_words(text: str) -> list[str]:
    """Dictionary words of a normalised text (rjieba search mode: words and their sub-words)."""
    return [intern(w) for w in rjieba.cut_for_search(text) if len(w) > 1 and HAN_RE.match(w)]


@dataclass(frozen=True)
class Chunk:
    """One space-separated part of a query, analysed.

    ``tokens`` sit at consecutive slots (a phrase); ``word`` is the chunk itself
    when it could be a dictionary word; ``problem`` says why a chunk gives no
    tokens: ``short`` (a lone Han character), ``common`` (only stop words) or
    ``symbols`` (nothing searchable).
    """

    text: str
    tokens: tuple[str, ...]
    word: str | None
    problem: str | None


def analyse_chunk(chunk: str) -> Chunk:
    text = normalize(chunk)
    tokens: list[str] = []
    matches = list(SCAN_RE.finditer(text))
    stops = 0
    for m in matches:
        run = m.group(1)
        if run and len(run) > 1:
            tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
        elif run:
            if m.start() > 0:  # something precedes it here, so in a text too: it starts a run
                tokens.append(START + run)
            elif m.end() < len(text):
                tokens.append(run + END)
        elif m.group(2) in STOP:
            stops += 1
        else:
            tokens.append(latin_term(m.group(2)))
    word = text if len(text) > 1 and HAN_RE.match(text) else None
    problem = None
    if not tokens:
        problem = "short" if any(m.group(1) for m in matches) else "common" if stops else "symbols"
    return Chunk(text, tuple(tokens), word, problem)


def analyse_query(query: str) -> list[Chunk]:
    """The chunks of a query; the same split as the browser's (Unicode white space)."""
    return [analyse_chunk(part) for part in normalize(query).split()]


class Tokens(str):
    """A field value whose tokens are already known: Whoosh stores the text, indexes ``pairs``."""

    def __new__(cls, text: str, pairs):
        value = super().__new__(cls, text)
        value.pairs = pairs
        return value

    def __reduce__(self):  # stored (pickled) by Whoosh as the plain text
        return str, (str(self),)


class PortalTokenizer(Tokenizer):
    """Whoosh's view of these rules, for the index schema and the staff CLI.

    Indexing passes pre-analysed ``(term, slot)`` pairs (each document is
    analysed once, see ``SearchIndex``); a query string is analysed as one
    chunk, so Whoosh's parser turns a multi-token chunk into a phrase.
    ``words=True`` gives the dictionary-word view instead of bigrams.
    """

    def __init__(self, words: bool = False):
        self.words = words

    def __eq__(self, other):
        return isinstance(other, PortalTokenizer) and other.words == self.words

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if isinstance(value, Tokens):
            pairs = value.pairs
        elif mode == "query":
            chunk = analyse_chunk(value)
            texts = ([chunk.word] if chunk.word else []) if self.words else list(chunk.tokens)
            pairs = [(text, i) for i, text in enumerate(texts)]
        elif self.words:
            pairs = [(w, i) for i, w in enumerate(index_words(normalize(value)))]
        else:
            pairs = zip(*index_tokens(normalize(value)))
        for text, slot in pairs:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + slot
            yield token
