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

The build analyses all texts of a language at once (:func:`analyse_texts`):
the texts are joined and cut with array operations on their code points, so
the cost per token is a few machine instructions, not a Python loop.

``theme/static/js/search.js`` implements these same rules; the tests compare
the two on the same inputs.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opencc
import rjieba
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

# Stamped into the static index's meta.json; the build's caches are versioned by
# a digest of this package's source instead (see index.code_digest).
ANALYSIS_VERSION = 2

HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
LATIN_RANGES = ((0x30, 0x39), (0x61, 0x7A), (0xDF, 0xF6), (0xF8, 0xFF))


def _char_class(ranges) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


def _ranges(chars) -> list[tuple[int, int]]:
    """Sorted characters as (first, last) code point ranges."""
    out: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return [(a, b) for a, b in out]


HAN, LATIN = _char_class(HAN_RANGES), _char_class(LATIN_RANGES)
SCAN_RE = re.compile(f"([{HAN}]+)|([{LATIN}]+)")
HAN_RE = re.compile(f"^[{HAN}]+$")
HAN_CHAR_RE = re.compile(f"[{HAN}]")
LATIN_WORD_RE = re.compile(f"[{LATIN}]+")
# rjieba's words, one per line: those of two or more Han characters and nothing else.
WORD_LINE_RE = re.compile(f"^[{HAN}]{{2,}}$", re.M)
# Converters and old pages write the brackets of 发文字号 in many ways (after NFKC).
BRACKETS = {"[": "〔", "]": "〕", "【": "〔", "】": "〕", "„": "〔", "‟": "〕"}
# Blocks whose Traditional characters OpenCC maps one-to-one to Simplified ones.
T2S_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Code points below this may have an NFKC mapping (none above do).
NFKC_LIMIT = 0x30000
STOP = frozenset(STOP_WORDS)
START, END = "<", ">"  # edge-token marks: "<X" X starts a Han run, "X>" X ends one
BATCH_CHARS = 1_000_000  # characters analysed at once


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
    """One pass for the common case: each character → its NFKC form, bracket- and t2s-folded."""
    fold = {**t2s_table(), **BRACKETS}
    table = {chr(cp): "".join(fold.get(c, c) for c in unicodedata.normalize("NFKC", chr(cp)))
             for cp in range(NFKC_LIMIT)
             if not 0xD800 <= cp < 0xE000 and not unicodedata.is_normalized("NFKC", chr(cp))}
    table.update((k, v) for k, v in fold.items() if k not in table)
    # Two classes: Python's regex engine tests a class holding astral characters
    # range by range, so the astral one is only tried on astral characters.
    bmp = _char_class(_ranges(c for c in table if ord(c) < 0x10000))
    astral = _char_class(_ranges(c for c in table if ord(c) >= 0x10000))
    return re.compile(f"[{bmp}]|(?=[\U00010000-\U0010ffff])[{astral}]"), table


def prepare() -> None:
    """Build the folding tables now: a process forked afterwards (the indexer) inherits them, and under
    ``make serve`` they are built once, not at every save."""
    _fold()


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), one bracket style, Simplified characters, lower case.

    Mapping each character to its own NFKC form leaves the text's NFKD, hence
    its NFKC, unchanged, and the result usually is that NFKC already; only when
    it is not (combining marks) is the whole text composed again.
    """
    pattern, table = _fold()
    mapped = pattern.sub(lambda m: table[m.group()], text)
    if not unicodedata.is_normalized("NFKC", mapped):
        mapped = pattern.sub(lambda m: table[m.group()], unicodedata.normalize("NFKC", text))
    return mapped.lower()


@lru_cache(maxsize=65536)
def latin_term(word: str) -> str:
    """A Latin word's index term: its Porter stem (whoosh.lang.porter, as StemmingAnalyzer)."""
    return porter_stem(word)


def _in_ranges(cps: np.ndarray, ranges) -> np.ndarray:
    mask = np.zeros(cps.shape, dtype=bool)
    for first, last in ranges:
        mask |= (cps >= first) & (cps <= last)
    return mask


def _sort_groups(keys: np.ndarray, key_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable sort by *keys* (ints below *key_count*): (the distinct keys, each sorted row's group
    number 0, 1, … as int32, the original index of each sorted row)."""
    seq_bits = max(1, int(keys.size).bit_length())
    if int(key_count).bit_length() + seq_bits > 64:
        raise ValueError("search: too many distinct terms and tokens for one index")
    packed = keys.astype(np.uint64) << np.uint64(seq_bits)
    packed |= np.arange(keys.size, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << seq_bits) - 1)).view(np.int64)
    packed >>= np.uint64(seq_bits)
    new = np.ones(packed.size, dtype=bool)
    np.not_equal(packed[1:], packed[:-1], out=new[1:])
    group = np.cumsum(new, dtype=np.int32) - 1
    return packed[new].view(np.int64), group, order


@dataclass
class Analysis:
    """The tokens of a list of texts ("units"), grouped by term, and their dictionary words.

    Token rows are sorted by term (terms in string order), then by unit and
    slot; word rows by word, then unit.  ``lengths``/``word_lengths`` count
    each unit's tokens/words, ``spans`` its slots (last slot + 1).
    """

    terms: list[str]
    term: np.ndarray
    unit: np.ndarray
    slot: np.ndarray
    lengths: np.ndarray
    spans: np.ndarray
    words: list[str]
    word: np.ndarray
    word_unit: np.ndarray
    word_lengths: np.ndarray

    def unit_tokens(self, unit: int) -> list[tuple[str, int]]:
        """(term, slot) pairs of one unit, by slot (Whoosh's view of one field value)."""
        rows = np.flatnonzero(self.unit == unit)
        rows = rows[np.argsort(self.slot[rows], kind="stable")]
        return [(self.terms[t], s) for t, s in zip(self.term[rows].tolist(), self.slot[rows].tolist())]

    def unit_words(self, unit: int) -> list[str]:
        return [self.words[w] for w in self.word[self.word_unit == unit].tolist()]


def _runs(kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each maximal run of equal, non-zero values."""
    bounds = np.flatnonzero(np.diff(kind, prepend=np.int8(-1), append=np.int8(-1)))
    starts, ends = bounds[:-1], bounds[1:]
    keep = kind[starts] != 0
    return starts[keep], ends[keep]


class _Keys:
    """Integer keys for terms, ordered as the terms' strings.

    Latin stems that start with a digit come first, then the ``<X`` edges,
    the other stems, and the terms that start with a Han character (``XY`` and
    ``X>``, by the rank of X then Y; ">" ranks 0, the Han characters from 1 in
    code point order).  The alphabet and the stems are those of all the texts,
    so keys from different batches of them compare.
    """

    def __init__(self, batches: list[str]):
        present = np.zeros(HAN_RANGES[-1][1] + 1, dtype=bool)
        latin_words: set[str] = set()
        for text in batches:
            cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            present[cps[_in_ranges(cps, HAN_RANGES)]] = True
            latin_words.update(LATIN_WORD_RE.findall(text))
        alphabet = np.flatnonzero(present)
        self.rank = np.zeros(present.size, dtype=np.int64)
        self.rank[alphabet] = np.arange(1, alphabet.size + 1)
        self.symbols = [END] + [chr(c) for c in alphabet.tolist()]
        self.n_sym = len(self.symbols)
        self.stems = sorted({latin_term(w) for w in latin_words if w not in STOP})
        self.digits = sum(1 for t in self.stems if t[0].isdigit())
        self.stem_key = {t: i if i < self.digits else i + self.n_sym for i, t in enumerate(self.stems)}
        self.han_base = len(self.stems) + self.n_sym
        self.count = self.han_base + self.n_sym * self.n_sym
        self.dtype = np.int32 if self.count < 2 ** 31 else np.int64

    def pair(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return self.han_base + self.rank[first] * self.n_sym + self.rank[second]

    def start(self, char: np.ndarray) -> np.ndarray:
        return self.digits + self.rank[char]

    def end(self, char: np.ndarray) -> np.ndarray:
        return self.han_base + self.rank[char] * self.n_sym

    def name(self, key: int) -> str:
        if key >= self.han_base:
            return self.symbols[(key - self.han_base) // self.n_sym] + self.symbols[(key - self.han_base) % self.n_sym]
        if self.digits <= key < self.digits + self.n_sym:
            return START + self.symbols[key - self.digits]
        return self.stems[key if key < self.digits else key - self.n_sym]


def _batches(norms: list[str]) -> list[tuple[int, int]]:
    """Ranges of texts of about ``BATCH_CHARS`` characters: array memory stays bounded."""
    out, start, size = [], 0, 0
    for i, text in enumerate(norms):
        size += len(text) + 1
        if size >= BATCH_CHARS:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(norms) or not out:
        out.append((start, len(norms)))
    return out


def analyse_texts(texts: list[str]) -> Analysis:
    """Normalise and cut *texts* (the module's rules, as array operations).

    Texts are cut a batch at a time into (term key, unit, slot) rows (see
    :class:`_Keys`); one sort by (key, row number) then groups the rows by term
    in string order and, within a term, by unit and slot.
    """
    norms = [normalize(t) for t in texts]
    ranges = _batches(norms)
    joined = ["\n".join(norms[a:b]) for a, b in ranges]  # a line break is neither Han nor Latin
    keys = _Keys(joined)
    seen: defaultdict[str, int] = defaultdict(lambda: len(seen))  # dictionary words as they come
    parts = [_cut(big, norms[a:b], a, keys, seen) for big, (a, b) in zip(joined, ranges)]
    del joined
    key, unit, slot, spans, word_pieces, cut_lengths = (np.concatenate(c) for c in zip(*parts))
    del parts
    distinct, term, order = _sort_groups(key, keys.count)
    del key
    lengths = np.bincount(unit, minlength=len(norms))
    # Words: those of two or more Han characters, renumbered in string order.
    candidates = list(seen)
    words = sorted(w for w in candidates if len(w) > 1 and HAN_RE.fullmatch(w))
    renumber = np.full(len(candidates), -1, dtype=np.int64)
    renumber[[seen[w] for w in words]] = np.arange(len(words))
    ids = renumber[word_pieces]
    occurrence_unit = np.repeat(np.arange(len(norms), dtype=np.int32), cut_lengths)
    keep = ids >= 0
    ids, occurrence_unit = ids[keep], occurrence_unit[keep]
    _, _, word_order = _sort_groups(ids, len(words))
    return Analysis(terms=[keys.name(k) for k in distinct.tolist()], term=term,
                    unit=unit[order], slot=slot[order], lengths=lengths, spans=spans,
                    words=words, word=ids[word_order].astype(np.int32), word_unit=occurrence_unit[word_order],
                    word_lengths=np.bincount(occurrence_unit, minlength=len(norms)))


def _cut(big: str, norms: list[str], first_unit: int, keys: _Keys, seen: defaultdict) -> tuple:
    """One batch of texts (*big*: them joined by line breaks; their units from *first_unit*) →
    token rows (key, unit, slot; bigrams, start edges, end edges, Latin words, each in text
    order), each text's slot count, and its dictionary words (numbered by *seen*) and their count."""
    n_units = len(norms)
    cps = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    unit_start = np.cumsum([0] + [len(n) + 1 for n in norms])[:-1]
    han = _in_ranges(cps, HAN_RANGES)
    kind = han.view(np.int8) + 2 * _in_ranges(cps, LATIN_RANGES).view(np.int8)
    starts, ends = _runs(kind)
    run_han = kind[starts] == 1
    run_unit = np.searchsorted(unit_start, starts, side="right") - 1
    size = ends - starts

    # Slots: a Han run of n characters takes max(n − 1, 1), a Latin word one, a stop word none.
    latin_runs = np.flatnonzero(~run_han)
    latin_words = [big[s:e] for s, e in zip(starts[latin_runs].tolist(), ends[latin_runs].tolist())]
    latin_keys = [None if w in STOP else keys.stem_key[latin_term(w)] for w in latin_words]
    kept = np.fromiter((k is not None for k in latin_keys), dtype=bool, count=len(latin_keys))
    run_slots = np.where(run_han, np.maximum(size - 1, 1), 0)
    run_slots[latin_runs[kept]] = 1
    total = np.concatenate(([0], np.cumsum(run_slots)))
    unit_base = total[np.searchsorted(run_unit, np.arange(n_units), side="left")]
    spans = np.diff(np.append(unit_base, total[-1]))
    run_slot = total[:-1] - unit_base[run_unit]

    han_runs = np.flatnonzero(run_han)
    marker = np.zeros(cps.size, dtype=np.int64)
    marker[starts[han_runs]] = 1
    run_of_char = han_runs[np.maximum(np.cumsum(marker) - 1, 0)] if han_runs.size else marker
    pair = np.flatnonzero(han[:-1] & han[1:])
    pair_runs = run_of_char[pair]
    kept_runs = latin_runs[kept]
    key = np.concatenate((
        keys.pair(cps[pair], cps[pair + 1]),
        keys.start(cps[starts[han_runs]]),
        keys.end(cps[ends[han_runs] - 1]),
        np.array([k for k in latin_keys if k is not None], dtype=np.int64))).astype(keys.dtype)
    unit = first_unit + np.concatenate((run_unit[pair_runs], run_unit[han_runs], run_unit[han_runs],
                                        run_unit[kept_runs])).astype(np.int32)
    last_slot = run_slot[han_runs] + np.maximum(size[han_runs] - 1, 1) - 1
    slot = np.concatenate((run_slot[pair_runs] + (pair - starts[pair_runs]), run_slot[han_runs], last_slot,
                           run_slot[kept_runs])).astype(np.int32)

    # Dictionary words (rjieba search mode) of the texts that have Han characters.
    pieces = [np.zeros(0, np.int32)]
    cut_lengths = np.zeros(n_units, dtype=np.int64)
    for i, text in enumerate(norms):
        if HAN_CHAR_RE.search(text):
            cut = rjieba.cut_for_search(text)
            pieces.append(np.fromiter(map(seen.__getitem__, cut), dtype=np.int32, count=len(cut)))
            cut_lengths[i] = len(cut)
    return key, unit, slot, spans, np.concatenate(pieces), cut_lengths


def index_tokens(text: str) -> tuple[list[str], list[int]]:
    """The terms of one text and the slot of each (by slot), as the index sees them."""
    pairs = analyse_texts([text]).unit_tokens(0)
    return [t for t, _ in pairs], [s for _, s in pairs]


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

    Indexing is given pre-analysed ``(term, slot)`` pairs (:class:`Tokens`:
    each document is analysed once, with all the others); a query string is
    analysed as one chunk, so Whoosh's parser turns a multi-token chunk into a
    phrase.  ``words=True`` gives the dictionary-word view instead of bigrams.
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
        else:
            analysis = analyse_texts([value])
            pairs = [(w, i) for i, w in enumerate(analysis.unit_words(0))] if self.words else analysis.unit_tokens(0)
        for text, slot in pairs:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + slot
            yield token
