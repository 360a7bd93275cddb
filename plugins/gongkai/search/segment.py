"""A whole Whoosh index written in one pass from the analysed corpus (the staff CLI's index).

Whoosh's own writer spends some 15 µs on every posting: it pools each one as a
tuple, pickles the pool to disk in runs, merges them back and looks up every
document's field length again.  The postings of the text fields are known here
already, sorted by term, so they are written straight in Whoosh's W3 format:
per field and term, blocks of postings whose pickled contents (ids, weights,
encoded positions) are assembled with array operations.  Stored fields,
field lengths go through Whoosh's own per-document writer.
The result is an ordinary Whoosh index; the tests compare it with the index
Whoosh's writer makes from the same documents.
"""
from __future__ import annotations

import pickle
import struct
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.system import pack_ushort
from whoosh.util.numeric import _length_byte_cache

from .analysis import Analysis
from .inverted import chunks

INDEX_NAME = "MAIN"
BLOCK = 512  # postings per block (Whoosh's writer uses 128; the reader takes any)
FLUSH_CHUNKS = 4096  # pieces of the postings file held before writing them
_TERM_INFO = struct.Struct("!BfIBBfIIqi")  # W3TermInfo, not inlined: flags … max id, offset, length
_INT = struct.Struct("!i")
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths


@dataclass
class Document:
    """What the index stores and keys per document, beside its text fields."""

    stored: dict
    ids: dict  # ID/date field name → value to index


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """whoosh.util.numeric.length_to_byte for many lengths."""
    table = np.asarray(_length_byte_cache, dtype=np.int64)
    return np.where(lengths >= table[-1], 255, np.searchsorted(table, lengths, side="left"))


def _int_sizes(values: np.ndarray) -> np.ndarray:
    """Bytes of each int pickled as BININT1, BININT2 or BININT."""
    return np.where(values < 256, 2, np.where(values < 65536, 3, 5))


def _put_ints(out: np.ndarray, at: np.ndarray, values: np.ndarray, sizes: np.ndarray) -> None:
    """Write each non-negative int pickled (opcode, then little-endian bytes) at *at*."""
    out[at] = np.where(sizes == 2, ord("K"), np.where(sizes == 3, ord("M"), ord("J")))
    little = values.astype("<i4").view(np.uint8).reshape(-1, 4)
    for byte in range(4):
        rows = np.flatnonzero(sizes > byte + 1) if byte else slice(None)
        out[at[rows] + 1 + byte] = little[rows, byte]


def _put_rows(out: np.ndarray, at: np.ndarray, rows: np.ndarray) -> None:
    """Write row i of the 2-D byte array *rows* at *at[i]* (a column at a time: few, long scatters)."""
    for column in range(rows.shape[1]):
        out[at + column] = rows[:, column]


@dataclass
class _Postings:
    """One field's postings, in (term, document) order.

    ``values``/``value_len``: pickled Positions values; None for the formats
    whose values have a fixed size (Frequency: 4-byte frequencies; Existence:
    nothing).
    """

    doc: np.ndarray
    tf: np.ndarray
    weight: np.ndarray
    length: np.ndarray
    values: np.ndarray | None = None
    value_len: np.ndarray | None = None


def _positions_values(tf: np.ndarray, token_posting: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's value as Whoosh's Positions format encodes it, pickled as bytes.

    The value is ``pack_uint(tf)`` then a pickled list of slot deltas; it is
    wrapped in SHORT_BINBYTES (or BINBYTES) so that a block's values are one
    slice of the result.
    """
    first = np.flatnonzero(np.diff(token_posting, prepend=-1))
    delta = np.diff(slots, prepend=0)
    delta[first] = slots[first]
    item_size = _int_sizes(delta)
    item_start = np.cumsum(item_size) - item_size
    counts = np.diff(np.append(first, delta.size))
    items = np.add.reduceat(item_size, first) if first.size else np.zeros(0, np.int64)
    value_len = items + 10
    short = value_len < 256
    head = np.where(short, 2, 5)
    total = head + value_len
    start = np.cumsum(total) - total
    body = start + head
    out = np.empty(int(total.sum()), dtype=np.uint8)
    out[start] = np.where(short, ord("C"), ord("B"))
    out[start[short] + 1] = value_len[short]
    long_rows = np.flatnonzero(~short)
    _put_rows(out, start[long_rows] + 1, value_len[long_rows].astype("<u4").view(np.uint8).reshape(-1, 4))
    fixed = np.empty((tf.size, 8), dtype=np.uint8)
    fixed[:, :4] = tf.astype(">u4").view(np.uint8).reshape(-1, 4)
    fixed[:, 4:] = np.frombuffer(b"\x80\x02](", np.uint8)
    _put_rows(out, body, fixed)
    _put_ints(out, item_start + np.repeat(body + 8 - item_start[first], counts), delta, item_size)
    _put_rows(out, body + 8 + items, np.tile(np.frombuffer(b"e.", np.uint8), (tf.size, 1)))
    return out, total


def _write_terms(fw, field, terms: list[bytes], term_rows: np.ndarray, post: _Postings) -> None:
    """Terms of the current field (encoded, in order): *term_rows* holds each term's first posting and the total."""
    postfile, tindex = fw._postfile, fw._tindex
    fieldid = pack_ushort(fw._fieldid)
    n = post.doc.size
    term_first = term_rows[:-1]
    index_in_term = np.arange(n) - np.repeat(term_first, np.diff(term_rows))
    block_first = np.flatnonzero(index_in_term % BLOCK == 0)
    block_end = np.append(block_first[1:], n)
    id_delta = np.diff(post.doc, prepend=0)
    id_delta[block_first] = post.doc[block_first]
    id_size = _int_sizes(id_delta)
    id_at = np.concatenate(([0], np.cumsum(id_size)))
    id_bytes = np.empty(int(id_at[-1]), dtype=np.uint8)
    _put_ints(id_bytes, id_at[:-1], id_delta, id_size)
    ids = id_bytes.tobytes()
    weights = np.empty((n, 9), dtype=np.uint8)
    weights[:, 0] = ord("G")
    weights[:, 1:] = post.weight.astype(">f8").view(np.uint8).reshape(-1, 8)
    weights = weights.tobytes()
    if post.values is not None:
        values = post.values.tobytes()
        value_at = np.concatenate(([0], np.cumsum(post.value_len))).tolist()
    elif field.format.fixed_value_size():  # Frequency
        values, value_at = post.tf.astype(">u4").tobytes(), None
    else:  # Existence
        values, value_at = None, None
    len_byte = _length_bytes(post.length)
    block_info = zip(block_first.tolist(), block_end.tolist(), post.doc[block_end - 1].tolist(),
                     np.maximum.reduceat(post.weight, block_first).tolist(),
                     np.minimum.reduceat(len_byte, block_first).tolist(),
                     np.maximum.reduceat(len_byte, block_first).tolist())
    term_info = zip(terms, term_first.tolist(), term_rows[1:].tolist(),
                    np.add.reduceat(post.weight, term_first).tolist(), post.doc[term_first].tolist(),
                    post.doc[term_rows[1:] - 1].tolist(), np.maximum.reduceat(post.weight, term_first).tolist(),
                    _length_bytes(np.minimum.reduceat(post.length, term_first)).tolist(),
                    _length_bytes(np.maximum.reduceat(post.length, term_first)).tolist())
    offset = postfile.tell()
    chunks, keys, infos = [], [], []
    block = next(block_info, None)
    for term, first, end, weight_sum, min_id, max_id, max_weight, min_len, max_len in term_info:
        start_offset = offset
        chunks.append(WHOOSH3_HEADER_MAGIC)
        offset += 4
        while block is not None and block[0] < end:
            b_first, b_end, last_doc, b_max_weight, b_min_len, b_max_len = block
            if value_at is not None:
                vals = b"(" + values[value_at[b_first]:value_at[b_end]] + b"t"
            elif values is not None:
                raw = values[4 * b_first:4 * b_end]
                vals = (b"C" + bytes([len(raw)]) if len(raw) < 256 else b"B" + struct.pack("<I", len(raw))) + raw
            else:
                vals = b"N"
            data = b"".join((b"\x80\x03(", ids[id_at[b_first]:id_at[b_end]], b"t(", weights[9 * b_first:9 * b_end],
                             b"t", vals, b"\x87."))
            info = pickle.dumps((b_end - b_first, last_doc, b_max_weight, 0, b_min_len, b_max_len), 2)
            size = len(info) + len(data)
            chunks += (_INT.pack(-size if b_end == end else size), info, data)
            offset += 4 + size
            block = next(block_info, None)
        if len(chunks) > FLUSH_CHUNKS:
            postfile.write(b"".join(chunks))
            chunks = []
        keys.append(fieldid + term)
        infos.append(_TERM_INFO.pack(0, weight_sum, end - first, min_len, max_len, max_weight, min_id, max_id,
                                     start_offset, offset - start_offset))
    postfile.write(b"".join(chunks))
    _add_terms(tindex, keys, infos)


def _add_terms(tindex, keys: list[bytes], values: list[bytes]) -> None:
    """``OrderedHashWriter.add`` for many keys (ascending) at once: one write, no per-key calls."""
    dbfile, hashfn, buckets, index = tindex.dbfile, tindex.hashfn, tindex.buckets, tindex.index
    pos = dbfile.tell()
    parts = []
    for key, value in zip(keys, values):
        index.append(pos)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        parts += (_KEY_VALUE_LENGTHS.pack(len(key), len(value)), key, value)
        pos += _KEY_VALUE_LENGTHS.size + len(key) + len(value)
    dbfile.write(b"".join(parts))
    if keys:
        tindex.lastkey = keys[-1]


def write_index(folder: str, schema, documents: list[Document], analysis: Analysis, unit_doc: np.ndarray,
                unit_field: np.ndarray, text_fields: list[str], words_field: str) -> None:
    """Create the index in the empty *folder*: *documents* in docnum order; the analysis's
    units belong to ``unit_doc`` and field ``text_fields[unit_field]``; *words_field*
    indexes every dictionary word of the document."""
    a = analysis
    storage = FileStorage(folder)
    FileIndex.create(storage, schema, INDEX_NAME)
    codec = W3Codec()
    segment = codec.new_segment(storage, INDEX_NAME)
    n_docs = len(documents)

    # Per document: stored values and the ID and date terms; then each text field's lengths at once.
    keywords: dict[str, list] = defaultdict(list)
    indexed: dict = {}  # (field, value) → its terms (a date's take long to compute)
    pdw = codec.per_document_writer(storage, segment)
    for docnum, document in enumerate(documents):
        pdw.start_doc(docnum)
        for name, value in document.stored.items():
            pdw.add_field(name, schema[name], value, 0)
        for name, value in document.ids.items():
            if value is not None:
                if (name, value) not in indexed:
                    indexed[name, value] = [(btext, weight) for btext, _, weight, _ in schema[name].index(value)]
                keywords[name] += [(btext, docnum, weight) for btext, weight in indexed[name, value]]
        pdw.finish_doc()
    lengths = np.zeros((len(text_fields) + 1, n_docs), dtype=np.int64)
    lengths[unit_field, unit_doc] = a.lengths
    lengths[-1] = np.bincount(unit_doc, weights=a.word_lengths, minlength=n_docs)
    for name, column in zip([*text_fields, words_field], lengths):
        _put_lengths(pdw, name, column)
    pdw.close()

    # Text fields: the analysis's rows, regrouped by field (stable, so still by term, unit, slot),
    # a chunk of terms at a time.
    token_field = unit_field.astype(np.int16)[a.unit]
    order = np.argsort(token_field, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(token_field, minlength=len(text_fields)))))
    fw = codec.field_writer(storage, segment)
    for name in sorted({*text_fields, words_field, *keywords}):
        field = schema[name]
        fw.start_field(name, field)
        if name == words_field:
            for lo, hi in chunks(a.word):
                _write_terms(fw, field, *_word_postings(a, lo, hi, unit_doc, field.format.field_boost))
        elif name in text_fields:
            f = text_fields.index(name)
            rows = order[bounds[f]:bounds[f + 1]]
            for lo, hi in chunks(a.term[rows]):
                part = rows[lo:hi]
                _write_terms(fw, field, *_text_postings(a, part, unit_doc, field.format.field_boost))
        else:
            _write_terms(fw, field, *_keyword_postings(keywords[name]))
        fw.finish_field()
    fw.close()
    segment.set_doc_count(n_docs)
    TOC(schema, [segment], 1).write(storage, INDEX_NAME)


def _put_lengths(pdw, name: str, lengths: np.ndarray) -> None:
    """What ``add_field(name, …, length)`` for every document adds to the per-document writer."""
    total = int(lengths.sum())
    if total:
        column = _lenfield(name)
        pdw._create_column(column, LENGTHS_COLUMN)
        writer = pdw._get_column(column)
        writer._dbfile.write(_length_bytes(lengths).astype(np.uint8).tobytes())
        writer._count = lengths.size
        pdw._fieldlengths[name] += total


def _keyword_postings(postings: list[tuple[bytes, int, float]]):
    """Per (term, document) of an ID or date field: no length, no value; the terms, each one's first posting."""
    postings.sort()
    btexts = [p[0] for p in postings]
    term_rows = [i for i in range(len(btexts)) if not i or btexts[i] != btexts[i - 1]]
    doc = np.array([p[1] for p in postings], dtype=np.int64)
    weight = np.array([p[2] for p in postings], dtype=np.float64)
    post = _Postings(doc, np.ones(doc.size, np.int64), weight, np.zeros(doc.size, np.int64))
    return [btexts[i] for i in term_rows], np.array(term_rows + [len(btexts)], dtype=np.int64), post


def _text_postings(a: Analysis, rows: np.ndarray, unit_doc, boost):
    """Per (term, document) of the analysis's *rows*: docnum, weight (tf × field boost), field
    length, Positions value; with the terms (encoded) and each one's first posting."""
    term, unit, slot = a.term[rows], a.unit[rows], a.slot[rows]
    new = np.ones(term.size, dtype=bool)
    new[1:] = (term[1:] != term[:-1]) | (unit[1:] != unit[:-1])
    first = np.flatnonzero(new)
    tf = np.diff(np.append(first, term.size))
    values, value_len = _positions_values(tf, np.cumsum(new) - 1, slot)
    term_rows = np.flatnonzero(np.diff(term[first], prepend=-1))
    post = _Postings(unit_doc[unit[first]], tf, tf * boost, a.lengths[unit[first]], values, value_len)
    terms = [a.terms[t].encode("utf-8") for t in term[first][term_rows].tolist()]
    return terms, np.append(term_rows, first.size), post


def _word_postings(a: Analysis, lo: int, hi: int, unit_doc, boost):
    """Per (word, document) of word rows lo:hi: docnum, weight, the document's word count
    (Frequency values); with the words (encoded) and each one's first posting.

    Rows are by word, then unit, and units are numbered document by document.
    """
    word, doc = a.word[lo:hi], unit_doc[a.word_unit[lo:hi]]
    new = np.ones(word.size, dtype=bool)
    new[1:] = (word[1:] != word[:-1]) | (doc[1:] != doc[:-1])
    first = np.flatnonzero(new)
    tf = np.diff(np.append(first, word.size))
    doc_words = np.bincount(unit_doc, weights=a.word_lengths, minlength=int(unit_doc.max(initial=-1)) + 1)
    term_rows = np.flatnonzero(np.diff(word[first], prepend=-1))
    post = _Postings(doc[first], tf, tf * boost, doc_words[doc[first]].astype(np.int64))
    words = [a.words[w].encode("utf-8") for w in word[first][term_rows].tolist()]
    return words, np.append(term_rows, first.size), post
