"""The browser index's postings: for every term, its documents, BM25F weights and slots.

Held as flat arrays, term after term (:class:`Postings`), so that building,
weighting and encoding are array operations, and so that a rebuild can swap
the postings of a few edited documents and re-encode only their terms.

A term's record in a shard (see ``export``) is made from its postings alone,
given the document count: BM25F proper — each field's term frequency is
length-normalised and boosted, summed over fields (``tf`` below, computed by
the caller's per-unit weights), then saturated once (``k1``) and scaled by the
term's idf over all documents.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, replace

import numpy as np

from .analysis import Analysis

K1, B = 1.2, 0.75
WORD_PREFIX = "="  # dictionary words live beside the bigrams under this prefix


def varint(value: int) -> bytes:
    """Unsigned LEB128, as the browser reads it."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Many unsigned LEB128 numbers at once: (the bytes, one after another; each one's length)."""
    top = int(values.max()) if values.size else 0
    if top < 0x80:
        return values.astype(np.uint8), np.ones(values.size, dtype=np.int64)
    v = values.astype(np.uint64)
    length = np.ones(v.size, dtype=np.int64)
    k = 1
    while top >> (7 * k):
        length += v >= np.uint64(1 << (7 * k))
        k += 1
    start = np.cumsum(length) - length
    out = np.empty(int(start[-1] + length[-1]), dtype=np.uint8)
    low = (v & np.uint64(0x7F)).astype(np.uint8)
    low[length > 1] |= 0x80
    out[start] = low
    for byte in range(1, k):
        rows = np.flatnonzero(length > byte)
        value = ((v[rows] >> np.uint64(7 * byte)) & np.uint64(0x7F)).astype(np.uint8)
        value[length[rows] > byte + 1] |= 0x80
        out[start[rows] + byte] = value
    return out, length


def ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The indices start, start+1, … of each (start, size) range, one range after another."""
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()), dtype=np.int64)


def _starts(*keys: np.ndarray) -> np.ndarray:
    """Rows where any of *keys* differs from the row before (row 0 included)."""
    n = keys[0].size
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        for key in keys:
            new[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(new)


def _sizes(starts: np.ndarray, total: int) -> np.ndarray:
    return np.diff(np.append(starts, total))


@dataclass
class Postings:
    """Per term (``terms[t]``), rows ``ptr[t]:ptr[t+1]``, by document id.

    ``tf`` is the posting's BM25F term frequency (boosted, length-normalised,
    summed over fields; float32, as kept between builds); ``pos`` holds, posting after posting, ``pos_len``
    bytes: varint slot count, then varint slot deltas (fields one after the
    other, two slots apart, so no phrase runs across fields).  A term's bytes
    are ``pos[pos_ptr[t]:pos_ptr[t+1]]``: kept per term, so that re-encoding a
    few terms never sums the lengths of every posting.
    """

    terms: list[str]
    ptr: np.ndarray
    doc: np.ndarray
    tf: np.ndarray
    pos_len: np.ndarray
    pos: np.ndarray
    pos_ptr: np.ndarray

    def term_of_rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.terms)), np.diff(self.ptr))


def chunks(sorted_ids: np.ndarray, size: int = 1 << 20):
    """(start, end) row ranges of about *size* rows that never split a run of equal ids."""
    cuts = np.searchsorted(sorted_ids, sorted_ids[size::size], side="left")
    bounds = np.unique(np.concatenate(([0], cuts, [sorted_ids.size])))
    return zip(bounds[:-1].tolist(), bounds[1:].tolist())


def _token_postings(term, unit, slot, unit_doc, unit_base, token_weight):
    """Rows (sorted by term, unit, slot) → per (term, document): term, doc, tf, slot list bytes."""
    doc = unit_doc[unit]
    post = _starts(term, doc)
    group = _starts(term, unit)
    contrib = _sizes(group, term.size) * token_weight[unit[group]]
    tf = np.add.reduceat(contrib, np.searchsorted(group, post)) if post.size else np.zeros(0)
    count = _sizes(post, term.size)
    merged = unit_base[unit] + slot
    delta = np.diff(merged, prepend=0)
    delta[post] = merged[post]
    stream = np.empty(term.size + post.size, dtype=np.int64)
    head = post + np.arange(post.size)
    is_head = np.zeros(stream.size, dtype=bool)
    is_head[head] = True
    stream[head] = count
    stream[~is_head] = delta
    pos, lengths = varints(stream)
    pos_len = np.add.reduceat(lengths, head) if head.size else np.zeros(0, np.int64)
    return term[post], doc[post].astype(np.int32), tf.astype(np.float32), pos_len.astype(np.int32), pos


def _word_postings(word, unit, unit_doc, word_weight):
    """Word rows (sorted by word, unit) → per (word, document): no slots (phrases are checked with bigrams)."""
    doc = unit_doc[unit]
    post = _starts(word, doc)
    group = _starts(word, unit)
    contrib = _sizes(group, word.size) * word_weight[unit[group]]
    tf = np.add.reduceat(contrib, np.searchsorted(group, post)) if post.size else np.zeros(0)
    return (word[post], doc[post].astype(np.int32), tf.astype(np.float32), np.ones(post.size, np.int32),
            np.zeros(post.size, np.uint8))


def build(analysis: Analysis, unit_doc: np.ndarray, unit_base: np.ndarray,
          token_weight: np.ndarray, word_weight: np.ndarray) -> Postings:
    """Postings of analysed units: *unit_doc* maps units to document ids (ascending),
    *unit_base* is each unit's first slot in its document, *token_weight* and
    *word_weight* what one token or word of the unit adds to ``tf``."""
    a = analysis
    pieces = [_token_postings(a.term[lo:hi], a.unit[lo:hi], a.slot[lo:hi], unit_doc, unit_base, token_weight)
              for lo, hi in chunks(a.term)]
    pieces += [_word_postings(len(a.terms) + a.word[lo:hi], a.word_unit[lo:hi], unit_doc, word_weight)
               for lo, hi in chunks(a.word)]
    terms = a.terms + [WORD_PREFIX + w for w in a.words]
    empty = (np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.int32),
             np.zeros(0, np.uint8))
    row_term, doc, tf, pos_len, pos = (np.concatenate(c) for c in zip(empty, *pieces))
    return Postings(terms=terms, ptr=_offsets(np.bincount(row_term, minlength=len(terms))),
                    doc=doc, tf=tf, pos_len=pos_len, pos=pos,
                    pos_ptr=_offsets(np.bincount(row_term, weights=pos_len, minlength=len(terms)).astype(np.int64)))


def _offsets(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))


def replace_docs(old: Postings, new_ids: np.ndarray, fresh: Postings) -> tuple[Postings, np.ndarray]:
    """*old* with its documents renumbered through *new_ids* (old id → new id, -1 for the ones that
    go: removed or changed; kept ones keep their order) and the postings of *fresh* (which holds only
    the new and changed documents, with their new ids) added; returns the result and the indices of
    the terms whose rows changed (renumbering aside).

    Only the rows of those terms are rebuilt; the others are copied over in slices.
    """
    index = {t: i for i, t in enumerate(old.terms)}
    terms = list(old.terms)
    fresh_term = np.empty(len(fresh.terms), dtype=np.int64)
    for i, t in enumerate(fresh.terms):
        j = index.get(t)
        if j is None:
            j = index[t] = len(terms)
            terms.append(t)
        fresh_term[i] = j
    added_terms = len(terms) - len(old.terms)
    old_ptr = np.concatenate((old.ptr, np.full(added_terms, old.ptr[-1])))
    old_pos_ptr = np.concatenate((old.pos_ptr, np.full(added_terms, old.pos_ptr[-1])))
    mapped = new_ids[old.doc]
    gone_rows = np.flatnonzero(mapped < 0)
    old = replace(old, doc=mapped.astype(old.doc.dtype))
    gone_terms = np.searchsorted(old.ptr, gone_rows, side="right") - 1
    fresh_rows = fresh.term_of_rows()
    affected = np.union1d(gone_terms, fresh_term[fresh_rows])
    fresh_pos = _offsets(fresh.pos_len)
    fresh_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.add.at(fresh_ptr, fresh_term[fresh_rows] + 1, 1)
    fresh_ptr = np.cumsum(fresh_ptr)
    order = np.argsort(fresh_term[fresh_rows], kind="stable")  # fresh rows by new term index, docs ascending
    pieces: list[tuple] = []  # (doc, tf, pos_len, pos) slices, in term order
    counts = np.concatenate((np.diff(old.ptr), np.zeros(added_terms, np.int64)))
    byte_counts = np.diff(old_pos_ptr)
    done, done_byte = 0, 0  # first row (and byte) of old not yet copied
    for t in affected.tolist():
        lo, hi = int(old_ptr[t]), int(old_ptr[t + 1])
        lo_byte, hi_byte = int(old_pos_ptr[t]), int(old_pos_ptr[t + 1])
        pieces.append(_slice(old, done, lo, done_byte, lo_byte))
        kept = np.ones(hi - lo, dtype=bool)
        kept[gone_rows[np.searchsorted(gone_rows, lo):np.searchsorted(gone_rows, hi)] - lo] = False
        doc, tf, pos_len = old.doc[lo:hi][kept], old.tf[lo:hi][kept], old.pos_len[lo:hi][kept]
        pos = old.pos[lo_byte:hi_byte][np.repeat(kept, old.pos_len[lo:hi])]
        add = order[fresh_ptr[t]:fresh_ptr[t + 1]]
        if add.size:  # fresh rows of one term are consecutive
            at = np.searchsorted(doc, fresh.doc[add])
            byte_at = _offsets(pos_len)[at]
            added = fresh.pos[fresh_pos[add[0]]:fresh_pos[add[-1] + 1]]
            pos = np.insert(pos, np.repeat(byte_at, fresh.pos_len[add]), added)
            doc, tf = np.insert(doc, at, fresh.doc[add]), np.insert(tf, at, fresh.tf[add])
            pos_len = np.insert(pos_len, at, fresh.pos_len[add])
        pieces.append((doc, tf, pos_len, pos))
        counts[t], byte_counts[t] = doc.size, pos.size
        done, done_byte = hi, hi_byte
    pieces.append(_slice(old, done, old.doc.size, done_byte, old.pos.size))
    doc, tf, pos_len, pos = (np.concatenate(c) for c in zip(*pieces))
    merged = Postings(terms=terms, ptr=_offsets(counts), doc=doc, tf=tf, pos_len=pos_len, pos=pos,
                      pos_ptr=_offsets(byte_counts))
    return merged, affected


def _slice(p: Postings, lo: int, hi: int, lo_byte: int, hi_byte: int) -> tuple:
    return p.doc[lo:hi], p.tf[lo:hi], p.pos_len[lo:hi], p.pos[lo_byte:hi_byte]


def encode(postings: Postings, total_docs: int, which: np.ndarray) -> dict[int, tuple[bytes, bytes]]:
    """Term index → (postings record, positions record) for the terms *which* that have postings.

    Postings record: varint byte length + UTF-8 term, varint df, float32 (LE)
    largest weight, varint kind (0: ids as varint deltas, 1: a bitmap over all
    ids), varint byte length + ids, then one byte per document: its weight as a
    1–255 fraction of the largest.  Positions record: varint byte length, then
    the postings' slot lists.
    """
    which = which[np.diff(postings.ptr)[which] > 0]
    ends = np.cumsum(np.diff(postings.ptr)[which])
    out = {}
    for lo, hi in chunks(ends // (1 << 20), size=1):
        out.update(_encode(postings, total_docs, which[lo:hi]))
    return out


def _encode(p: Postings, total_docs: int, which: np.ndarray) -> dict[int, tuple[bytes, bytes]]:
    starts, df = p.ptr[which], np.diff(p.ptr)[which]
    rows = ranges(starts, df)
    first = np.cumsum(df) - df
    doc, tf = p.doc[rows], p.tf[rows]
    idf = np.log(1 + (total_docs - df + 0.5) / (df + 0.5))
    tf = tf.astype(np.float64)
    weight = (tf * (K1 + 1) / (tf + K1) * np.repeat(idf, df)).astype(np.float32)
    top = np.maximum.reduceat(weight, first) if first.size else np.zeros(0, np.float32)
    scaled = np.rint(255.0 * weight.astype(np.float64) / np.repeat(top, df).astype(np.float64))
    quantised = np.clip(scaled, 1, 255).astype(np.uint8).tobytes()
    delta = np.diff(doc.astype(np.int64), prepend=0)
    delta[first] = doc[first]
    id_bytes, id_len = varints(delta)
    id_bytes = id_bytes.tobytes()
    id_end = np.cumsum(id_len)
    bitmap_size = (total_docs + 7) // 8
    out = {}
    for k, (term, n, at, end) in enumerate(zip(which.tolist(), df.tolist(), first.tolist(), (first + df).tolist())):
        raw = p.terms[term].encode("utf-8")
        id_from = int(id_end[at - 1]) if at else 0
        id_to = int(id_end[end - 1])
        if id_to - id_from > bitmap_size:
            bits = np.zeros(bitmap_size * 8, dtype=bool)
            bits[doc[at:end]] = True
            kind, ids = 1, np.packbits(bits, bitorder="little").tobytes()
        else:
            kind, ids = 0, id_bytes[id_from:id_to]
        record = b"".join((varint(len(raw)), raw, varint(n), struct.pack("<f", top[k]), varint(kind),
                           varint(len(ids)), ids, quantised[at:end]))
        blob = p.pos[p.pos_ptr[term]:p.pos_ptr[term + 1]].tobytes()
        out[term] = (record, varint(len(blob)) + blob)
    return out
