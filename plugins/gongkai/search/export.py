"""The static index the browser searches: small files fetched on demand from a plain host.

Under ``search/`` (zh) and ``en/search/`` (en):

``meta.json``
    document count, shard count, facet groups (document ids are sorted so each
    type/region/year is one id range), the stop words.
``s/<h>.bin`` — postings shards, ``h = fnv1a32(utf-8 term) mod shards``
    varint term count; per term (sorted): varint byte length + UTF-8 term,
    varint df, float32 (LE) largest weight, varint kind (0: ids as varint
    deltas, 1: a bitmap over all ids), varint byte length + ids, then one byte
    per document: its weight as a 1–255 fraction of the largest.
``p/<h>.bin`` — the same terms' slots, only fetched to check a phrase
    varint term count; per term: varint byte length, then per document a
    varint slot count and varint slot deltas.
``d/<id>.json`` — what a result shows: URL, title, type, date, a metadata
    line and the start of the text for the excerpt.
``t/<k>.json`` — Traditional → Simplified for the characters of this index,
    split by code point mod ``T2S_BUCKETS`` so a query fetches only its own.
"""
from __future__ import annotations

import json
import os
import struct

from ..document import format_date
from .analysis import ANALYSIS_VERSION, STOP, t2s_table
from .index import SearchIndex, TermPostings, varint, year_of

SHARD_BYTES = 8192  # aimed-at average postings shard size
T2S_BUCKETS = 8
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193


def fnv1a(data: bytes) -> int:
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


def encode_term(term: str, entry: TermPostings, total_docs: int) -> tuple[bytes, bytes]:
    """(postings record, positions record) of one term."""
    out = bytearray()
    raw = term.encode("utf-8")
    varint(len(raw), out)
    out += raw
    df = len(entry.docs)
    varint(df, out)
    top = max(entry.weights)
    out += struct.pack("<f", top)
    deltas = bytearray()
    previous = 0
    for doc_id in entry.docs:
        varint(doc_id - previous, deltas)
        previous = doc_id
    bitmap_size = (total_docs + 7) // 8
    if len(deltas) > bitmap_size:
        bitmap = bytearray(bitmap_size)
        for doc_id in entry.docs:
            bitmap[doc_id >> 3] |= 1 << (doc_id & 7)
        varint(1, out)
        ids = bitmap
    else:
        varint(0, out)
        ids = deltas
    varint(len(ids), out)
    out += ids
    out += bytes(max(1, min(255, round(255 * w / top))) if top > 0 else 1 for w in entry.weights)
    positions = bytearray()
    varint(len(entry.positions), positions)
    positions += entry.positions
    return bytes(out), bytes(positions)


def shard_count(total_bytes: int) -> int:
    count = 1
    while count * SHARD_BYTES < total_bytes:
        count *= 2
    return count


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def _json(path: str, value) -> None:
    _write(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def groups(index: SearchIndex) -> list[list]:
    """[first id, type, year, region] for each run of documents sharing those values."""
    out: list[list] = []
    for doc_id, doc in enumerate(index.docs):
        facet = [doc.type, year_of(doc), doc.region]
        if not out or out[-1][1:] != facet:
            out.append([doc_id, *facet])
    return out


def export(index: SearchIndex, folder: str) -> dict:
    """Write *index* as static files under *folder*; returns what was written (for the build log)."""
    total = len(index.docs)
    records = {term: encode_term(term, entry, total) for term, entry in index.postings().items()}
    shards = shard_count(sum(len(postings) for postings, _ in records.values()))
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(records):
        by_shard[fnv1a(term.encode("utf-8")) & (shards - 1)].append(term)
    for number, terms in enumerate(by_shard):
        postings, positions = bytearray(), bytearray()
        varint(len(terms), postings)
        varint(len(terms), positions)
        for term in terms:
            postings += records[term][0]
            positions += records[term][1]
        _write(os.path.join(folder, "s", f"{number}.bin"), postings)
        _write(os.path.join(folder, "p", f"{number}.bin"), positions)
    for doc_id, doc in enumerate(index.docs):
        _json(os.path.join(folder, "d", f"{doc_id}.json"), {
            "u": doc.url, "t": doc.title, "k": doc.type, "m": doc.meta, "x": doc.excerpt,
            "d": doc.date.isoformat() if doc.date else "",
            "dd": format_date(doc.date, index.lang) if doc.date else ""})
    characters = {ch for term in records for ch in term}
    buckets: list[dict[str, str]] = [{} for _ in range(T2S_BUCKETS)]
    for trad, simp in t2s_table().items():
        if simp in characters:
            buckets[ord(trad) % T2S_BUCKETS][trad] = simp
    for number, bucket in enumerate(buckets):
        _json(os.path.join(folder, "t", f"{number}.json"), bucket)
    _json(os.path.join(folder, "meta.json"), {
        "version": ANALYSIS_VERSION, "docs": total, "shards": shards, "t2s": T2S_BUCKETS,
        "groups": groups(index), "stop": sorted(STOP)})
    return {"docs": total, "terms": len(records), "shards": shards}


def facets(index: SearchIndex) -> dict[str, list]:
    """The values the filters offer: types in type order, years newest first, regions sorted."""
    runs = groups(index)
    return {"types": list(dict.fromkeys(run[1] for run in runs)),
            "years": sorted({run[2] for run in runs if run[2]}, reverse=True),
            "regions": sorted({run[3] for run in runs if run[3]})}
