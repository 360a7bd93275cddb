"""The search index of one language: the browser's postings records and the staff CLI's Whoosh index.

A plain class, testable without building a site (MkDocs' ``SearchIndex``):
``SearchIndex(lang, cache_dir).build(docs)`` leaves in ``records`` every term's
encoded postings for the static export, and brings the Whoosh index for
``scripts/search.py`` up to date.

A first build analyses every document at once and writes both indexes in one
pass.  It keeps its postings in ``cache_dir``; the next build compares the
documents with the ones it kept and analyses only the new and changed ones:
it swaps their postings in, renumbers the others when pages came or went,
re-encodes the terms whose records changed (all of them when the document
count did) and updates those Whoosh documents.  When that would change the
average field lengths, everything is built again from scratch, so the output
always equals a first build's.  The cache is stamped with a digest
of this package's code and libraries (:func:`code_digest`): any change there
starts afresh.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
from whoosh import fields as wf, index as wi
from whoosh.qparser import MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import Or, Term
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.writing import NO_MERGE

from .. import forks
from ..incremental import save_pickle
from . import inverted
from .analysis import Analysis, PortalTokenizer, Tokens, analyse_texts
from .collect import POINT_TYPE, TYPE_ORDER, SearchDoc, all_field_names
from .inverted import B, K1, Postings
from .segment import Document, write_index

TITLE_BOOST, METADATA_BOOST, BODY_BOOST = 3.0, 2.0, 1.0
WORD_BOOST = 1.5  # a whole-word match outweighs the bigrams it overlaps
WORDS_FIELD = "words"
MAX_SEGMENTS = 8  # past this many Whoosh segments, an update merges all but the largest
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193
LIBRARIES = ("Whoosh-Reloaded", "numpy", "rjieba", "OpenCC")  # their versions stamp the cache too


def boost(field_name: str) -> float:
    return TITLE_BOOST if field_name == "title" else BODY_BOOST if field_name == "body" else METADATA_BOOST


def fnv1a(data: bytes) -> int:
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of this package's source and the libraries that shape its output.

    What the cache holds depends on nothing else: documents are compared with
    everything the index takes from them (``SearchDoc.key``).
    """
    h = hashlib.sha256(" ".join(metadata.version(d) for d in LIBRARIES).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def year_of(doc: SearchDoc) -> int | None:
    """The year filter's value; service points are not filtered by year."""
    return doc.date.year if doc.date and doc.type != POINT_TYPE else None


def facet_key(doc: SearchDoc):
    """Sort order of document ids: documents of one type, region and year are contiguous."""
    return (TYPE_ORDER.index(doc.type), doc.region, -(year_of(doc) or 0), doc.url)


def _round(value: float) -> float:
    """Two significant digits: an average length that one edit barely moves stays the same."""
    return float(f"{value:.2g}") or 1.0


@dataclass
class Units:
    """The (document, field) texts of some documents, in document then field order."""

    doc: np.ndarray
    field: np.ndarray
    lengths: np.ndarray
    word_lengths: np.ndarray
    spans: np.ndarray

    @classmethod
    def of(cls, docs: list[SearchDoc], ids, analysis: Analysis) -> "Units":
        names = {name: i for i, name in enumerate(all_field_names())}
        return cls(doc=np.repeat(np.asarray(ids, dtype=np.int64), [len(d.fields) for d in docs]),
                   field=np.array([names[name] for d in docs for name, _ in d.fields], dtype=np.int64),
                   lengths=analysis.lengths, word_lengths=analysis.word_lengths, spans=analysis.spans)

    def renumbered(self, new_ids: np.ndarray) -> "Units":
        """These units with their document ids mapped through *new_ids* (-1: the document's units go)."""
        doc = new_ids[self.doc]
        keep = doc >= 0
        return Units(doc[keep], self.field[keep], self.lengths[keep], self.word_lengths[keep], self.spans[keep])

    def joined(self, other: "Units") -> "Units":
        order = np.argsort(np.concatenate((self.doc, other.doc)), kind="stable")
        return Units(*(np.concatenate((a, b))[order] for a, b in
                       zip((self.doc, self.field, self.lengths, self.word_lengths, self.spans),
                           (other.doc, other.field, other.lengths, other.word_lengths, other.spans))))

    def averages(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Per field: mean tokens and mean words of the units that have it, rounded."""
        n = len(all_field_names())
        count = np.bincount(self.field, minlength=n)
        tokens = np.bincount(self.field, weights=self.lengths, minlength=n)
        words = np.bincount(self.field, weights=self.word_lengths, minlength=n)
        return (tuple(_round(t / c) if c else 1.0 for t, c in zip(tokens.tolist(), count.tolist())),
                tuple(_round(w / c) if c else 1.0 for w, c in zip(words.tolist(), count.tolist())))


def _postings(analysis: Analysis, units: Units, averages) -> Postings:
    """The analysis's postings (its units are *units*), weighted with the corpus *averages*."""
    names = all_field_names()
    boosts = np.array([boost(n) for n in names])
    token_avg, word_avg = (np.array(a) for a in averages)
    f = units.field
    token_weight = boosts[f] / (1 - B + B * units.lengths / token_avg[f])
    word_weight = WORD_BOOST * boosts[f] / (1 - B + B * units.word_lengths / word_avg[f])
    step = np.where(units.spans > 0, units.spans + 1, 0)  # a gap: no phrase runs from one field into the next
    before = np.cumsum(step) - step
    first = np.flatnonzero(np.diff(units.doc, prepend=-1))
    base = before - np.repeat(before[first], np.diff(np.append(first, units.doc.size)))
    return inverted.build(analysis, units.doc, base, token_weight, word_weight)


@dataclass
class State:
    """What a build keeps for the next one; ``token`` names this version of it."""

    stamp: str
    keys: list[str]
    urls: list[str]
    units: Units
    averages: tuple
    postings: Postings
    records: dict[str, tuple[bytes, bytes]]
    hashes: dict[str, int] = field(default_factory=dict)
    token: str = ""


class SearchIndex:
    """One language's documents, their static postings records and their Whoosh index.

    After :meth:`build`, ``records`` maps every term to its encoded postings
    (see :func:`inverted.encode`), ``hashes`` every term to its FNV-1a hash;
    ``changed_docs``/``changed_terms`` say which document ids and terms may
    differ from the build that ``previous_token`` names (None: any of them).
    """

    def __init__(self, lang: str, cache_dir: str, analyser=analyse_texts):
        self.lang = lang
        self.cache_dir = cache_dir
        self.analyser = analyser
        self.stamp = code_digest()
        self.docs: list[SearchDoc] = []
        self.records: dict[str, tuple[bytes, bytes]] = {}
        self.hashes: dict[str, int] = {}
        self.token = self.previous_token = ""
        self.changed_docs: set[int] | None = None
        self.changed_terms: set[str] | None = None
        self.stats = {"analysed": 0, "reused": 0, "whoosh_written": 0, "whoosh_deleted": 0}
        self.background = False
        self.writer_pid: int | None = None

    @property
    def whoosh_dir(self) -> str:
        return whoosh_dir(self.cache_dir, self.lang)

    @property
    def state_path(self) -> str:
        return os.path.join(self.cache_dir, f"state-{self.lang}.pickle")

    def build(self, docs: list[SearchDoc], background: bool = False) -> None:
        """Index *docs* (in document-id order, see :func:`facet_key`), reusing the last build where it can.

        With *background*, a new Whoosh index is written by a forked process,
        on the other core, while the caller goes on: call :meth:`finish` then.
        """
        self.background = background
        self.docs = sorted(docs, key=facet_key)
        keys = [d.key for d in self.docs]
        state = self._load()
        self.previous_token = state.token if state else ""
        if state is None or not self._whoosh_matches() or not self._update(state, keys):
            state = None  # not kept alive while everything is built again (peak memory)
            state = self._build_all(keys)
        if state.token != self.previous_token or not state.token:
            for term in state.records.keys() - state.hashes.keys():
                state.hashes[term] = fnv1a(term.encode("utf-8"))
            if len(state.hashes) > 2 * len(state.records):
                state.hashes = {t: state.hashes[t] for t in state.records}
            state.token = os.urandom(8).hex()
            self._save(state)
        self.records, self.hashes, self.token = state.records, state.hashes, state.token

    def _analyse(self, docs: list[SearchDoc]) -> Analysis:
        self.stats["analysed"] += len(docs)
        return self.analyser([text for d in docs for _, text in d.fields])

    def _build_all(self, keys: list[str]) -> State:
        self.changed_docs = self.changed_terms = None
        analysis = self._analyse(self.docs)
        units = Units.of(self.docs, range(len(self.docs)), analysis)
        if self.background:
            self.writer_pid = forks.start(self._write_whoosh, analysis, units)
        else:
            self._write_whoosh(analysis, units)
        averages = units.averages()
        postings = _postings(analysis, units, averages)
        records = {postings.terms[t]: r for t, r in
                   inverted.encode(postings, len(self.docs), np.arange(len(postings.terms))).items()}
        self.stats["whoosh_written"] += len(self.docs)
        return State(self.stamp, keys, [d.url for d in self.docs], units, averages, postings, records)

    def _update(self, state: State, keys: list[str]) -> bool:
        """Bring *state* to these documents, analysing only the new and changed ones; False if
        that would change the corpus statistics (then everything is built again).

        When every kept document keeps its id, only the terms of the changed ones are
        encoded again; when documents come or go, ids after them shift and the document
        count changes, so every term's record is encoded again (but nothing re-analysed).
        """
        urls = [d.url for d in self.docs]
        old_ids = {(url, key): i for i, (url, key) in enumerate(zip(state.urls, state.keys))}
        new_ids = np.full(len(state.urls), -1, dtype=np.int64)  # old id → new id; -1: gone or changed
        fresh_ids = []
        for i, (url, key) in enumerate(zip(urls, keys)):
            j = old_ids.get((url, key))
            if j is None:
                fresh_ids.append(i)
            else:
                new_ids[j] = i
        kept = new_ids[new_ids >= 0]
        if np.any(np.diff(kept) <= 0):
            return False
        same_ids = len(urls) == len(state.urls) and np.array_equal(kept, np.flatnonzero(new_ids >= 0))
        self.stats["reused"] = len(urls) - len(fresh_ids)
        self.changed_docs, self.changed_terms = (set(fresh_ids), set()) if same_ids else (None, None)
        if same_ids and not fresh_ids:
            return True
        docs = [self.docs[i] for i in fresh_ids]
        analysis = self._analyse(docs)
        fresh = Units.of(docs, np.asarray(fresh_ids, dtype=np.int64), analysis)
        units = state.units.renumbered(new_ids).joined(fresh)
        if units.averages() != state.averages:
            return False
        postings, affected = inverted.replace_docs(state.postings, new_ids,
                                                   _postings(analysis, fresh, state.averages))
        if not same_ids:
            affected, state.records = np.arange(len(postings.terms)), {}
        records = inverted.encode(postings, len(self.docs), affected)
        for t in affected.tolist():
            term = postings.terms[t]
            if self.changed_terms is not None:
                self.changed_terms.add(term)
            if t in records:
                state.records[term] = records[t]
            else:
                state.records.pop(term, None)
        old_urls = set(state.urls)
        self._update_whoosh(docs, analysis, (old_urls - set(urls)) | {d.url for d in docs if d.url in old_urls})
        state.keys, state.urls, state.units, state.postings, state.token = keys, urls, units, postings, ""
        return True

    # -- the cache ------------------------------------------------------------------

    def _load(self) -> State | None:
        try:
            with open(self.state_path, "rb") as fh:
                state = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
            return None
        return state if isinstance(state, State) and state.stamp == self.stamp else None

    def _save(self, state: State) -> None:
        save_pickle(self.state_path, state, background=self.background)

    # -- Whoosh, for the staff CLI ------------------------------------------------------

    def _stamp_file(self) -> str:
        return os.path.join(self.whoosh_dir, "STAMP")

    def _whoosh_matches(self) -> bool:
        try:
            with open(self._stamp_file(), encoding="utf-8") as fh:
                return fh.read() == self.stamp and wi.exists_in(self.whoosh_dir)
        except OSError:
            return False

    def _write_whoosh(self, analysis: Analysis, units: Units) -> None:
        """A new index in a fresh folder, swapped in whole."""
        folder = self.whoosh_dir
        fresh = folder + ".new"
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)
        write_index(fresh, whoosh_schema(), [whoosh_document(d) for d in self.docs], analysis, units.doc,
                    units.field, all_field_names(), WORDS_FIELD)
        with open(os.path.join(fresh, "STAMP"), "w", encoding="utf-8") as fh:
            fh.write(self.stamp)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(fresh, folder)

    def finish(self) -> None:
        """Wait for the Whoosh index being written in the background, if any."""
        if self.writer_pid:
            pid, self.writer_pid = self.writer_pid, None
            forks.join([pid], f"search: writing the Whoosh index in {self.whoosh_dir}")

    def _update_whoosh(self, docs: list[SearchDoc], analysis: Analysis, delete: set[str]) -> None:
        """Delete the documents at the *delete* addresses and add *docs* (analysed together in
        *analysis*), with Whoosh's own writer."""
        writer = wi.open_dir(self.whoosh_dir).writer()
        for url in sorted(delete):
            writer.delete_by_term("url", url)
        add_documents(writer, docs, analysis)
        writer.commit(mergetype=_merge_small if len(writer.segments) >= MAX_SEGMENTS else NO_MERGE)
        self.stats["whoosh_written"] += len(docs)
        self.stats["whoosh_deleted"] += len(delete)


def whoosh_schema() -> wf.Schema:
    schema = wf.Schema(url=wf.ID(stored=True, unique=True), type=wf.ID(stored=True), date=wf.DATETIME(stored=True),
                       words=wf.TEXT(analyzer=PortalTokenizer(words=True), phrase=False, multitoken_query="or",
                                     field_boost=WORD_BOOST))
    for name in all_field_names():
        schema.add(name, wf.TEXT(analyzer=PortalTokenizer(), phrase=True, stored=(name == "title"),
                                 multitoken_query="phrase", field_boost=boost(name)))
    return schema


def whoosh_document(doc: SearchDoc) -> Document:
    date = dt.datetime.combine(doc.date, dt.time()) if doc.date else None
    return Document(stored={"url": doc.url, "type": doc.type, "date": date, "title": doc.title},
                    ids={"url": doc.url, "type": doc.type, "date": date})


def add_documents(writer, docs: list[SearchDoc], analysis: Analysis) -> None:
    """Add *docs*, analysed together in *analysis*, through a Whoosh writer (their tokens replayed)."""
    unit = 0
    for doc in docs:
        values, words = {}, []
        for name, text in doc.fields:
            values[name] = Tokens(text, analysis.unit_tokens(unit))
            words += analysis.unit_words(unit)
            unit += 1
        writer.add_document(**whoosh_document(doc).ids, words=Tokens("", [(w, i) for i, w in enumerate(words)]),
                            **values)


def _merge_small(writer, segments):
    """Merge every segment but the largest into the new one (the largest is the first build's)."""
    largest = max(segments, key=lambda s: s.doc_count_all())
    for segment in segments:
        if segment is not largest:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return [largest]


def whoosh_dir(cache_dir: str, lang: str) -> str:
    return os.path.join(cache_dir, f"whoosh-{lang}")


@dataclass(frozen=True)
class Hit:
    url: str
    title: str
    type: str
    date: str
    score: float


def search_whoosh(cache_dir: str, lang: str, text: str, types=(), limit: int = 20) -> tuple[int, list[Hit]]:
    """Staff search: Whoosh query syntax over every field, BM25F; (total, top hits).

    Raises FileNotFoundError when no index was built for *lang* at *cache_dir*.
    """
    folder = whoosh_dir(cache_dir, lang)
    if not wi.exists_in(folder):
        raise FileNotFoundError(f"no search index for '{lang}' in {folder}; build the site first")
    ix = wi.open_dir(folder)
    parser = MultifieldParser(all_field_names() + [WORDS_FIELD], ix.schema)
    parser.add_plugin(DateParserPlugin())
    query = parser.parse(text)
    only = Or([Term("type", t) for t in types]) if types else None
    with ix.searcher(weighting=BM25F(B=B, K1=K1)) as searcher:
        results = searcher.search(query, limit=limit, filter=only)
        hits = [Hit(r["url"], r.get("title", ""), r["type"], r["date"].date().isoformat() if r.get("date") else "",
                    round(r.score, 3)) for r in results]
        return len(results), hits
