"""The search index of one language: analysed documents, BM25F weights and the Whoosh index.

A plain class, testable without building a site (MkDocs' ``SearchIndex``):
``SearchIndex(lang, cache_dir).build(docs)`` analyses the documents, reusing
the analysis of any document whose text was analysed before (a content-hash →
terms cache on disk, one file per document), brings the Whoosh index for the
staff CLI up to date by rewriting only changed documents, and computes the
BM25F weight of every term in every document for the static export.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import pickle
import shutil
from array import array
from collections import Counter
from dataclasses import dataclass
from sys import intern

from whoosh import fields as wf, index as wi
from whoosh.qparser import MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import Or, Term
from whoosh.scoring import BM25F

from .analysis import ANALYSIS_VERSION, PortalTokenizer, Tokens, index_tokens, index_words, normalize
from .collect import POINT_TYPE, TYPE_ORDER, SearchDoc, all_field_names

K1, B = 1.2, 0.75
TITLE_BOOST, METADATA_BOOST, BODY_BOOST = 3.0, 2.0, 1.0
WORD_PREFIX = "="  # dictionary words live beside the bigrams under this prefix
WORD_BOOST = 1.5  # a whole-word match outweighs the bigrams it overlaps


def boost(field: str) -> float:
    return TITLE_BOOST if field == "title" else BODY_BOOST if field == "body" else METADATA_BOOST


@dataclass
class Analysed:
    """One document's analysis: per field, its terms and their slots, and its dictionary words."""

    tokens: dict[str, tuple[list[str], array]]
    words: dict[str, list[str]]


def analyse(doc_fields) -> Analysed:
    """Analyse (field, text) pairs; the one place the build calls the analysers."""
    tokens, words = {}, {}
    for name, text in doc_fields:
        norm = normalize(text)
        tokens[name] = index_tokens(norm)
        words[name] = index_words(norm)
    return Analysed(tokens, words)


def content_key(doc: SearchDoc) -> str:
    """Changes exactly when the analysis of the document would."""
    digest = hashlib.sha1(f"{ANALYSIS_VERSION}\0".encode())
    for name, text in doc.fields:
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()


def record_key(doc: SearchDoc, content: str) -> str:
    """Changes when anything the Whoosh index stores about the document changes."""
    return hashlib.sha1(f"{content}\0{doc.type}\0{doc.date}\0{doc.region}".encode()).hexdigest()


def year_of(doc: SearchDoc) -> int | None:
    """The year filter's value; service points are not filtered by year."""
    return doc.date.year if doc.date and doc.type != POINT_TYPE else None


def facet_key(doc: SearchDoc):
    """Sort order of document ids: documents of one type, region and year are contiguous."""
    return (TYPE_ORDER.index(doc.type), doc.region, -(year_of(doc) or 0), doc.url)


class AnalysisCache:
    """Content hash → :class:`Analysed`, one pickle per document under *folder*."""

    def __init__(self, folder: str):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key + ".pickle")

    def get(self, key: str) -> Analysed | None:
        try:
            with open(self._path(key), "rb") as fh:
                found = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        for name, (terms, slots) in found.tokens.items():
            found.tokens[name] = (list(map(intern, terms)), slots)
        return found

    def put(self, key: str, value: Analysed) -> None:
        tmp = self._path(key) + ".tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self._path(key))

    def keep_only(self, keys: set[str]) -> None:
        """Forget analyses no current document uses."""
        for name in sorted(os.listdir(self.folder)):
            if name.removesuffix(".pickle") not in keys:
                os.remove(os.path.join(self.folder, name))


@dataclass
class TermPostings:
    """One term's documents (ascending ids), weights before idf, and slots per document."""

    docs: array
    weights: array
    positions: bytearray  # per document: varint count, then varint slot deltas


def varint(value: int, out: bytearray) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


class SearchIndex:
    """One language's documents, analysed, weighted and kept on disk for the CLI."""

    def __init__(self, lang: str, cache_dir: str, analyser=analyse):
        self.lang = lang
        self.cache_dir = cache_dir
        self.analyser = analyser
        self.cache = AnalysisCache(os.path.join(cache_dir, f"analysed-{lang}"))
        self.docs: list[SearchDoc] = []
        self.analysed: list[Analysed] = []
        self.keys: list[str] = []
        self.stats = {"analysed": 0, "reused": 0, "whoosh_written": 0, "whoosh_deleted": 0}

    @property
    def whoosh_dir(self) -> str:
        return whoosh_dir(self.cache_dir, self.lang)

    def build(self, docs: list[SearchDoc]) -> None:
        """Analyse *docs* (reusing cached analyses) in document-id order and update the Whoosh index."""
        self.docs = sorted(docs, key=facet_key)
        self.keys, self.analysed = [], []
        for doc in self.docs:
            key = content_key(doc)
            found = self.cache.get(key)
            if found is None:
                found = self.analyser(doc.fields)
                self.cache.put(key, found)
                self.stats["analysed"] += 1
            else:
                self.stats["reused"] += 1
            self.keys.append(key)
            self.analysed.append(found)
        self.cache.keep_only(set(self.keys))
        self._update_whoosh()

    # -- Whoosh, for the staff CLI ------------------------------------------------

    def _schema(self) -> wf.Schema:
        schema = wf.Schema(url=wf.ID(stored=True, unique=True), key=wf.ID(stored=True),
                           type=wf.ID(stored=True), date=wf.DATETIME(stored=True),
                           words=wf.TEXT(analyzer=PortalTokenizer(words=True), phrase=False,
                                         multitoken_query="or", field_boost=WORD_BOOST))
        for name in all_field_names():
            schema.add(name, wf.TEXT(analyzer=PortalTokenizer(), phrase=True, stored=(name == "title"),
                                     multitoken_query="phrase", field_boost=boost(name)))
        return schema

    def _open_whoosh(self):
        """The existing index if it was written by these rules and fields, else a new empty one."""
        folder, version = self.whoosh_dir, f"{ANALYSIS_VERSION} {' '.join(all_field_names())}"
        stamp = os.path.join(folder, "VERSION")
        if wi.exists_in(folder) and os.path.exists(stamp):
            with open(stamp, encoding="utf-8") as fh:
                if fh.read() == version:
                    return wi.open_dir(folder)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(version)
        return wi.create_in(folder, self._schema())

    def _update_whoosh(self) -> None:
        ix = self._open_whoosh()
        with ix.searcher() as searcher:
            stored = {f["url"]: f["key"] for f in searcher.all_stored_fields()}
        current = {doc.url: (doc, record_key(doc, key), analysed)
                   for doc, key, analysed in zip(self.docs, self.keys, self.analysed)}
        stale = [url for url, key in stored.items() if url not in current or current[url][1] != key]
        fresh = [entry for url, entry in current.items() if stored.get(url) != entry[1]]
        if not stale and not fresh:
            return
        writer = ix.writer(limitmb=256)
        for url in stale:
            writer.delete_by_term("url", url)
        for doc, key, analysed in fresh:
            values = {name: Tokens(text, list(zip(*analysed.tokens[name]))) for name, text in doc.fields}
            words = [w for name, _ in doc.fields for w in analysed.words[name]]
            writer.add_document(url=doc.url, key=key, type=doc.type, words=Tokens("", list(zip(words, range(len(words))))),
                                date=dt.datetime.combine(doc.date, dt.time()) if doc.date else None, **values)
        writer.commit()
        self.stats["whoosh_written"] += len(fresh)
        self.stats["whoosh_deleted"] += len(stale)

    # -- BM25F, for the static export ---------------------------------------------

    def postings(self) -> dict[str, TermPostings]:
        """Every term's postings with BM25F weights (idf applied); document ids are list positions.

        BM25F proper: each field's term frequency is length-normalised and
        boosted, summed over fields, then saturated once (``k1``) and scaled by
        the term's idf over all documents.
        """
        lengths: dict[str, list[int]] = {}
        for analysed in self.analysed:
            for name, (terms, _) in analysed.tokens.items():
                lengths.setdefault(name, []).append(len(terms))
            for name, words in analysed.words.items():
                lengths.setdefault(WORD_PREFIX + name, []).append(len(words))
        average = {name: (sum(values) / len(values)) or 1.0 for name, values in lengths.items()}
        out: dict[str, TermPostings] = {}
        for doc_id, analysed in enumerate(self.analysed):
            score: dict[str, float] = {}
            slots_of: dict[str, list[int]] = {}
            base = 0
            for name, (terms, slots) in analysed.tokens.items():
                if not terms:
                    continue
                norm = boost(name) / (1 - B + B * len(terms) / average[name])
                for term, tf in Counter(terms).items():
                    score[term] = score.get(term, 0.0) + tf * norm
                for term, slot in zip(terms, slots):
                    slots_of.setdefault(term, []).append(base + slot)
                base += slots[-1] + 2  # a gap: no phrase runs from one field into the next
            for name, words in analysed.words.items():
                if words:
                    norm = WORD_BOOST * boost(name) / (1 - B + B * len(words) / average[WORD_PREFIX + name])
                    for word, tf in Counter(words).items():
                        term = WORD_PREFIX + word
                        score[term] = score.get(term, 0.0) + tf * norm
            for term, tf in score.items():
                entry = out.get(term)
                if entry is None:
                    entry = out[term] = TermPostings(array("I"), array("f"), bytearray())
                entry.docs.append(doc_id)
                entry.weights.append(tf * (K1 + 1) / (tf + K1))
                slots = slots_of.get(term, ())
                varint(len(slots), entry.positions)
                previous = 0
                for slot in slots:
                    varint(slot - previous, entry.positions)
                    previous = slot
        total = len(self.analysed)
        for entry in out.values():
            df = len(entry.docs)
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            entry.weights = array("f", (w * idf for w in entry.weights))
        return out


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
    text_fields = all_field_names() + ["words"]
    parser = MultifieldParser(text_fields, ix.schema)
    parser.add_plugin(DateParserPlugin())
    query = parser.parse(text)
    only = Or([Term("type", t) for t in types]) if types else None
    with ix.searcher(weighting=BM25F(B=B, K1=K1)) as searcher:
        results = searcher.search(query, limit=limit, filter=only)
        hits = [Hit(r["url"], r.get("title", ""), r["type"], r["date"].date().isoformat() if r.get("date") else "",
                    round(r.score, 3)) for r in results]
        return len(results), hits
