"""The static index the browser searches: small files fetched on demand from a plain host.

Under ``search/`` (zh) and ``en/search/`` (en):

``meta.json``
    document count, shard count, facet groups (document ids are sorted so each
    type/region/year is one id range), the stop words.
``s/<h>.bin`` — postings shards, ``h = fnv1a32(utf-8 term) mod shards``
    varint term count; per term (sorted): its postings record (see
    :func:`gongkai.search.inverted.encode`), or, for a term whose record is
    larger than ``BIG_RECORD``, a stub: varint length + UTF-8 term, varint 0
    (no document count), varint file number ``f``.
``s/f<f>.bin`` — one large term's postings record
    Common terms live alone, so a query never downloads the common terms it
    did not ask for along with its own.
``p/<h>.bin`` — the same terms' slots, only fetched to check a phrase
    varint term count; per term: varint byte length, then per document a
    varint slot count and varint slot deltas (length 0 for a large term,
    whose slots are in ``p/f<f>.bin``, the same layout).
``d/<id>.json`` — what a result shows: URL, title, type, date, a metadata
    line and the start of the text for the excerpt.
``x/<id>.bin`` — the document's searched text, to check a phrase in it
    gzip of JSON ``{"f": [each field's text as the index normalised it], "c": 1 if cut}``;
    the fields together are cut at ``TEXT_CHARS`` characters, between tokens.
    Checking the few documents a results page shows costs far less than the
    slots of common terms over the whole corpus (the ``p`` files).
``t/<k>.json`` — Traditional → Simplified for the characters of this index,
    split by code point mod ``T2S_BUCKETS`` so a query fetches only its own.
"""
from __future__ import annotations

import gzip
import json
import os
import re

from .. import forks
from ..document import format_date
from ..incremental import workers
from .analysis import ANALYSIS_VERSION, HAN, LATIN, STOP, normalize, t2s_table
from .index import SearchIndex, fnv1a, year_of
from .inverted import varint

SHARD_BYTES = 1024  # aimed-at average size of a shard of small records
BIG_RECORD = 512  # a postings record larger than this gets a file of its own
T2S_BUCKETS = 64
TEXT_CHARS = 2500  # of a document's text in its x file: past that, the browser checks a phrase with slots
TOKEN_PAIR_RE = re.compile(f"[{HAN}]{{2}}|[{LATIN}]{{2}}")  # two characters of one token


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


def file_numbers(terms: list[str], hashes: dict[str, int]) -> dict[str, int]:
    """Each large term's file number: its hash, or the next free number (*terms* sorted)."""
    numbers: dict[str, int] = {}
    used: set[int] = set()
    for term in terms:
        number = hashes[term]
        while number in used:
            number = (number + 1) & 0xFFFFFFFF
        used.add(number)
        numbers[term] = number
    return numbers


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
    big = sorted(t for t, (postings, _) in records.items() if len(postings) > BIG_RECORD)
    numbers = file_numbers(big, hashes)
    shards = shard_count(sum(len(postings) for t, (postings, _) in records.items() if t not in numbers))
    stamp_path = os.path.join(index.cache_dir, f"exported-{index.lang}.json")
    previous, old_numbers = _previous(stamp_path, index, live, shards)
    files = _Files(folder, previous)
    changed = (index.changed_terms or set()) | {t for t, n in numbers.items() if old_numbers.get(t) != n}
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(records):
        by_shard[hashes[term] & (shards - 1)].append(term)
    changed_shards = {(hashes[t] if t in hashes else fnv1a(t.encode("utf-8"))) & (shards - 1) for t in changed}
    for sub in ("s", "p", "d", "x", "t"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    # The documents' files in another process (on the core the Whoosh writer leaves free once it is done).
    docs = forks.start(_write_docs, files, index) if workers() > 1 else _write_docs(files, index)
    for number, terms in enumerate(by_shard):
        same = number not in changed_shards
        files.put(f"s/{number}.bin", lambda: _shard(terms, records, numbers, 0), same)
        files.put(f"p/{number}.bin", lambda: _shard(terms, records, numbers, 1), same)
    for term, number in numbers.items():
        same = term not in changed
        files.put(f"s/f{number}.bin", records[term][0], same)
        files.put(f"p/f{number}.bin", records[term][1], same)
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
    if docs:
        forks.join([docs], "search: writing the documents' files")
    with open(stamp_path, "w", encoding="utf-8") as fh:
        json.dump({"token": index.token, "shards": shards, "meta": _stamp(meta), "files": numbers}, fh,
                  ensure_ascii=False)
    return {"docs": len(index.docs), "terms": len(records), "shards": shards, "large": len(numbers)}


def _write_docs(files: _Files, index: SearchIndex) -> None:
    for doc_id, doc in enumerate(index.docs):
        same = doc_id not in (index.changed_docs or ())
        files.put(f"d/{doc_id}.json", lambda: _doc_json(doc, index.lang), same)
        files.put(f"x/{doc_id}.bin", lambda: _doc_text(doc), same)


def _shard(terms: list[str], records: dict, numbers: dict[str, int], part: int) -> bytes:
    """A shard's postings (*part* 0) or slots (1): small terms' records, stubs for large ones."""
    out = [varint(len(terms))]
    for term in terms:
        if term not in numbers:
            out.append(records[term][part])
        elif part == 0:
            raw = term.encode("utf-8")
            out += [varint(len(raw)), raw, varint(0), varint(numbers[term])]
        else:
            out.append(varint(0))
    return b"".join(out)


def _previous(stamp_path: str, index: SearchIndex, live: str | None, shards: int) -> tuple[str | None, dict]:
    """(*live*, its large terms' file numbers) if it holds the files of the build that
    ``index.changed_*`` compare with, else (None, {})."""
    if live is None or index.changed_terms is None:
        return None, {}
    try:
        with open(stamp_path, encoding="utf-8") as fh:
            stamp = json.load(fh)
        same = (stamp["token"] == index.previous_token and stamp["shards"] == shards
                and stamp["meta"] == _stamp(os.path.join(live, "meta.json")))
        numbers = dict(stamp["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, {}
    return (live, numbers) if same else (None, {})


def _doc_text(doc) -> bytes:
    """The phrase check's text (``x`` files): fixed gzip header, so equal input gives equal bytes."""
    texts, left, cut = [], TEXT_CHARS, False
    for _, text in doc.fields:
        text = normalize(text)
        if len(text) > left:
            text, cut = _cut(text, left), True
        texts.append(text)
        left -= len(text)
    data = json.dumps({"f": texts, "c": int(cut)}, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0)


def _cut(text: str, size: int) -> str:
    """*text* cut to at most *size* characters between two tokens (never inside a word or a Han run)."""
    end = size
    while end > 0 and TOKEN_PAIR_RE.fullmatch(text, end - 1, end + 1):
        end -= 1
    return text[:end]


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
