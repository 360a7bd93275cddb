"""The static index the browser searches: small files fetched on demand from a plain host.

Under ``search/`` (zh) and ``en/search/`` (en):

``meta.json``
    document count, shard count, facet groups (document ids are sorted so each
    type/region/year is one id range), the stop words.
``s/<h>.bin`` — postings shards, ``h = fnv1a32(utf-8 term) mod shards``
    varint term count; per term (sorted): its postings record (see
    :func:`gongkai.search.inverted.encode`).
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

from ..document import format_date
from .analysis import ANALYSIS_VERSION, STOP, t2s_table
from .index import SearchIndex, fnv1a, year_of
from .inverted import varint

SHARD_BYTES = 8192  # aimed-at average postings shard size
T2S_BUCKETS = 8


def shard_count(total_bytes: int) -> int:
    count = 1
    while count * SHARD_BYTES < total_bytes:
        count *= 2
    return count


def _write(path: str, data: bytes) -> None:
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


def _stamp(path: str) -> list[int]:
    """Identity of a file as written: a later build can tell that it is still that very file."""
    st = os.stat(path)
    return [st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size]


class _Files:
    """Writes the index's files, or hard-links those a previous build wrote with the same content."""

    def __init__(self, folder: str, previous: str | None):
        self.folder, self.previous = folder, previous

    def put(self, name: str, data, unchanged: bool = False) -> None:
        target = os.path.join(self.folder, name)
        if unchanged and self.previous:
            try:
                os.link(os.path.join(self.previous, name), target)
                return
            except OSError:
                pass
        _write(target, data() if callable(data) else data)


def export(index: SearchIndex, folder: str, live: str | None = None) -> dict:
    """Write *index* as static files under *folder*; returns what was written (for the build log).

    *live* is where the last build put these files: those it can prove
    unchanged (the same build's files, see ``index.changed_*``) are
    hard-linked from there instead of written again.
    """
    records, hashes = index.records, index.hashes
    shards = shard_count(sum(len(postings) for postings, _ in records.values()))
    stamp_path = os.path.join(index.cache_dir, f"exported-{index.lang}.json")
    previous = _previous(stamp_path, index, live, shards)
    files = _Files(folder, previous)
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(records):
        by_shard[hashes[term] & (shards - 1)].append(term)
    changed_shards = ({hashes.get(t, fnv1a(t.encode("utf-8"))) & (shards - 1) for t in index.changed_terms}
                      if previous else set())
    for sub in ("s", "p", "d", "t"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    for number, terms in enumerate(by_shard):
        head = varint(len(terms))
        same = number not in changed_shards
        files.put(f"s/{number}.bin", lambda: head + b"".join(records[t][0] for t in terms), same)
        files.put(f"p/{number}.bin", lambda: head + b"".join(records[t][1] for t in terms), same)
    for doc_id, doc in enumerate(index.docs):
        files.put(f"d/{doc_id}.json", lambda: _doc_json(doc, index.lang), doc_id not in (index.changed_docs or ()))
    characters = set("".join(records))
    buckets: list[dict[str, str]] = [{} for _ in range(T2S_BUCKETS)]
    for trad, simp in t2s_table().items():
        if simp in characters:
            buckets[ord(trad) % T2S_BUCKETS][trad] = simp
    for number, bucket in enumerate(buckets):
        _json(os.path.join(folder, "t", f"{number}.json"), bucket)
    meta = os.path.join(folder, "meta.json")
    _json(meta, {"version": ANALYSIS_VERSION, "docs": len(index.docs), "shards": shards, "t2s": T2S_BUCKETS,
                 "groups": groups(index), "stop": sorted(STOP)})
    with open(stamp_path, "w", encoding="utf-8") as fh:
        json.dump({"token": index.token, "shards": shards, "meta": _stamp(meta)}, fh)
    return {"docs": len(index.docs), "terms": len(records), "shards": shards}


def _previous(stamp_path: str, index: SearchIndex, live: str | None, shards: int) -> str | None:
    """*live* if it holds the files of the build that ``index.changed_*`` compare with, else None."""
    if live is None or index.changed_terms is None:
        return None
    try:
        with open(stamp_path, encoding="utf-8") as fh:
            stamp = json.load(fh)
        same = (stamp["token"] == index.previous_token and stamp["shards"] == shards
                and stamp["meta"] == _stamp(os.path.join(live, "meta.json")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return live if same else None


def _doc_json(doc, lang: str) -> bytes:
    return json.dumps({"u": doc.url, "t": doc.title, "k": doc.type, "m": doc.meta, "x": doc.excerpt,
                       "d": doc.date.isoformat() if doc.date else "",
                       "dd": format_date(doc.date, lang) if doc.date else ""},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def facets(index: SearchIndex) -> dict[str, list]:
    """The values the filters offer: types in type order, years newest first, regions sorted."""
    runs = groups(index)
    return {"types": list(dict.fromkeys(run[1] for run in runs)),
            "years": sorted({run[2] for run in runs if run[2]}, reverse=True),
            "regions": sorted({run[3] for run in runs if run[3]})}
