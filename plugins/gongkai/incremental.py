"""Rebuild only what changed, and use both cores for what must be done.

* Reading: Pelican's own reader cache (CACHE_CONTENT, reader layer, md5
  stamps) keeps each file's parsed, validated ``Doc``.  Files not in the cache
  are read beforehand by a pool of worker processes, one per core, which fill
  that same cache, so Pelican's generators then find every file already read.
* Rendering: every article and page write goes through :class:`IncrementalWriter`.
  Its output is keyed by a fingerprint of everything the page shows (the file,
  its translations and referenced documents, templates, code and settings); a
  page whose key is unchanged is hard-linked from the previous output instead of
  being rendered.  The rest is rendered at the end by forked workers.
* The caches live beside the output (``<output>.cache``) and are dropped
  whenever the portal's code, theme or settings change.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import shutil

from jinja2 import FileSystemBytecodeCache
from pelican.cache import FileStampDataCacher
from pelican.readers import _filter_discardable_metadata
from pelican.writers import Writer

from . import build_state, forks
from .build_state import url_of
from .checks import content_files
from .stamps import stat_key

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VOLATILE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PATH", "PORTAL_LIVE_OUTPUT_PATH", "PORTAL_BUILD_DIGEST",
                     "PORTAL_SETTINGS_DIGEST", "PORTAL_CHECK_ONLY"}
READER_CACHES = (("ArticlesGenerator-Readers", "ARTICLE_PATHS"), ("PagesGenerator-Readers", "PAGE_PATHS"))
RENDER_INDEX = "rendered.json"
TEMPLATE_CACHE = "templates"
PARALLEL_MIN = 64  # below this many files, workers cost more than they save


def workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _digest_tree(h, folder: str) -> None:
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(base, name)
            h.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())


def settings_digest(settings) -> str:
    """The settings as loaded.  Taken before the first run: Pelican's Markdown reader then adds
    its extensions to ``MARKDOWN``, which would make the second run under autoreload differ."""
    stable = {k: v for k, v in settings.items() if k not in VOLATILE_SETTINGS}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=lambda o: type(o).__name__).encode()
                          ).hexdigest()


def build_digest(settings) -> str:
    """What every cached page depends on besides its own content."""
    h = hashlib.sha256(settings["PORTAL_SETTINGS_DIGEST"].encode())
    _digest_tree(h, os.path.join(ROOT, "plugins", "gongkai"))
    _digest_tree(h, settings["THEME"])
    return h.hexdigest()


def initialized(pelican) -> None:
    """Put the caches beside the live output."""
    live = getattr(pelican, "final_output_path", pelican.output_path)
    pelican.settings["CACHE_PATH"] = live + ".cache"
    pelican.settings["PORTAL_LIVE_OUTPUT_PATH"] = live
    pelican.settings["PORTAL_SETTINGS_DIGEST"] = settings_digest(pelican.settings)


def run_started(settings) -> None:
    """At each run (also under autoreload): drop this module's caches if code, theme or settings changed.

    Other features keep their own caches in the same folder and version them themselves.
    """
    cache = settings["CACHE_PATH"]
    digest = settings["PORTAL_BUILD_DIGEST"] = build_digest(settings)
    stamp = os.path.join(cache, "build-digest")
    try:
        with open(stamp, encoding="ascii") as fh:
            same = fh.read() == digest
    except OSError:
        same = False
    if not same:
        os.makedirs(cache, exist_ok=True)
        for name in [RENDER_INDEX] + [cache_name for cache_name, _ in READER_CACHES]:
            try:
                os.remove(os.path.join(cache, name))
            except FileNotFoundError:
                pass
        shutil.rmtree(os.path.join(cache, TEMPLATE_CACHE), ignore_errors=True)
        with open(stamp, "w", encoding="ascii") as fh:
            fh.write(digest)
    prefill_reader_cache(settings)


# -- reading ---------------------------------------------------------------

_worker_reader = None


def _init_reader(settings):
    global _worker_reader
    logging.disable(logging.CRITICAL)
    from .reader import PortalMarkdownReader

    _worker_reader = PortalMarkdownReader(settings)


def _read(path):
    content, metadata = _worker_reader.read(path)
    return path, (content, _filter_discardable_metadata(metadata))


def _changed_since(path: str, saved: int) -> bool:
    """Modified since *saved* (ns); a file that cannot be stat'ed counts as changed (reading it reports why)."""
    key = stat_key(path)
    return key is None or key[0] >= saved


def prefill_reader_cache(settings) -> None:
    """Read the files Pelican's cache lacks in parallel, into that cache."""
    if not settings.get("CACHE_CONTENT") or workers() < 2:
        return
    for cache_name, folders_key in READER_CACHES:
        # Only files changed since the cache was saved can be missing from it; when those are
        # too few to share out, skip loading the cache here (Pelican loads it again anyway).
        try:
            saved = os.stat(os.path.join(settings["CACHE_PATH"], cache_name)).st_mtime_ns
        except OSError:
            saved = -1
        changed = [p for p in content_files(settings, folders_key) if _changed_since(p, saved)]
        if len(changed) < PARALLEL_MIN:
            continue
        cacher = FileStampDataCacher(settings, cache_name, True, True)
        stale = [p for p in changed if cacher.get_cached_data(p, None) is None]
        if len(stale) < PARALLEL_MIN:
            continue
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers(), initializer=_init_reader, initargs=(settings,)) as pool:
            for path, data in pool.imap_unordered(_read, stale, chunksize=32):
                cacher.cache_data(path, data)
        cacher.save_cache()


# -- rendering -------------------------------------------------------------

def template_cache(settings) -> FileSystemBytecodeCache:
    """Compiled templates kept between runs: every generator's Jinja environment compiles them again otherwise.

    Jinja checks each entry against its template's source; the folder is also
    emptied with the other caches when the settings (Jinja's options among
    them) change.
    """
    folder = os.path.join(settings["CACHE_PATH"], TEMPLATE_CACHE)
    os.makedirs(folder, exist_ok=True)
    return FileSystemBytecodeCache(folder)


def _fingerprint(item, template_name: str, settings) -> str:
    """Everything an article or page shows: itself, its translations and the documents it names."""
    h = hashlib.sha256(settings["PORTAL_BUILD_DIGEST"].encode())
    doc = item.doc
    h.update(f"{template_name}|{url_of(item)}|{item.lang}|{doc.digest}".encode())
    for other in sorted(getattr(item, "translations", []), key=url_of):
        h.update(f"|t:{other.lang}:{url_of(other)}:{other.doc.digest}".encode())
    for ref in _referenced_slugs(doc):
        for other in build_state.docs:
            if other.type == ref[0] and other.values.get("slug") == ref[1]:
                h.update(f"|r:{other.source}:{other.digest}".encode())
    return h.hexdigest()


def data_key(*parts) -> str:
    """A render key from the data a page shows (reprs of plain values and dataclasses are stable)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def item_key(items) -> str:
    """A render key for a page listing content items: their addresses and file digests."""
    return data_key([(url_of(i), i.doc.digest) for i in items])


class Memo:
    """Results of a costly pure function of plain data, kept between runs in the pickle at *path*.

    Keys are :func:`data_key` of the data a result is made from; the file is
    dropped when it was written with another *salt* (the code, theme and
    settings that made its results).  :meth:`save` keeps only this run's
    results, so the file never outgrows the site.
    """

    def __init__(self, path: str, salt: str):
        self.path, self.salt = path, salt
        self.previous: dict = {}
        self.current: dict = {}
        try:
            with open(path, "rb") as fh:
                salt_found, results = pickle.load(fh)
            if salt_found == salt:
                self.previous = results
        except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
            pass

    @classmethod
    def in_cache(cls, settings, name: str) -> "Memo":
        """``<cache>/<name>.pickle``, salted with the build digest."""
        return cls(os.path.join(settings["CACHE_PATH"], f"{name}.pickle"), settings["PORTAL_BUILD_DIGEST"])

    def get(self, data, compute):
        key = data_key(data)
        if key not in self.current:
            self.current[key] = self.previous[key] if key in self.previous else compute()
        return self.current[key]

    def save(self, background: bool = False) -> None:
        if self.current.keys() != self.previous.keys():
            save_pickle(self.path, (self.salt, self.current), background)


def save_pickle(path: str, value, background: bool = False) -> None:
    """Replace *path* with *value* pickled, never half-written.  With *background* a detached process
    writes it: a build that starts before it is done reads the previous file, which only costs time
    (what that file holds is checked against the content as any cache is)."""
    if background:
        forks.detach(save_pickle, path, value)
        return
    write_whole(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write_whole(path: str, data: bytes) -> None:
    """Replace *path* with *data* through a temporary file of this process: a reader, or a build
    stopped half-way, never sees a half-written file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _save_index(path: str, index: dict) -> None:
    write_whole(path, json.dumps(index, sort_keys=True).encode())


def save_in_background(generator) -> None:
    """``article/page_generator_init``: the generator's reader cache is saved by a detached process
    (Pelican writes it in place, at the end of reading, while the build waits)."""
    readers = generator.readers
    if readers._cache_data_policy and not generator.settings["GZIP_CACHE"]:
        readers.save_cache = lambda: save_pickle(readers._cache_path, readers._cache, background=True)


def _referenced_slugs(doc):
    if doc.ctype is None:
        return []
    out = []
    for f in doc.schema.fields:
        value = doc.values.get(f.name)
        target = f.ref or (f.item.ref if f.item is not None else None)
        if value and target and target not in ("image", "file"):
            out.extend((target, v) for v in (value if isinstance(value, list) else [value]))
    return out


class IncrementalWriter(Writer):
    """Pelican's writer, reusing unchanged output and rendering the rest in parallel.

    Articles and pages are fingerprinted here; any other page is cached when its
    generator passes ``render_key``: a string that changes whenever the data the
    page shows changes (see :func:`data_key`).
    """

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.live = settings.get("PORTAL_LIVE_OUTPUT_PATH")
        self.index_path = os.path.join(settings["CACHE_PATH"], RENDER_INDEX)
        try:
            with open(self.index_path, encoding="utf-8") as fh:
                self.previous = json.load(fh)
        except (OSError, ValueError):
            self.previous = {}
        self.current: dict[str, str] = {}
        self.jobs: list = []
        self.reused = 0
        build_state.writer = self

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        render_key = kwargs.pop("render_key", None)
        item = kwargs.get("article", kwargs.get("page"))
        if paginated or not self.live or (render_key is None and getattr(item, "doc", None) is None):
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        if render_key is None:
            key = _fingerprint(item, template.name, self.settings)
        else:
            key = self._key(template.name, name, render_key)
        if self._reused(name, key):
            return None
        self.jobs.append((name, template, context.copy(), relative_urls, template_name, override_output, url,
                          kwargs))
        return None

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None, render_key=None):
        """Pelican's feed writer; with a ``render_key`` an unchanged feed is reused."""
        if render_key is not None and path and self.live:
            key = self._key(f"feed:{feed_type}", path, url, feed_title, render_key)
            if self._reused(path, key):
                return None
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _key(self, *parts) -> str:
        return hashlib.sha256("|".join(map(str, (self.settings["PORTAL_BUILD_DIGEST"], *parts))).encode()).hexdigest()

    def _reused(self, name, key) -> bool:
        """Record *name*'s key; link the previous output when it was made with the same key."""
        self.current[name] = key
        return self.previous.get(name) == key and self._reuse(name)

    def _reuse(self, name) -> bool:
        source = os.path.join(self.live, name)
        target = os.path.join(self.output_path, name)
        if not os.path.isfile(source):
            return False
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
        self.reused += 1
        return True

    def _render(self, jobs) -> None:
        for name, template, context, relative_urls, template_name, override_output, url, kwargs in jobs:
            Writer.write_file(self, name, template, context, relative_urls, None, template_name,
                              override_output, url, **kwargs)

    def flush(self) -> None:
        """Render the queued pages (forked workers share the parsed templates) and save the index."""
        jobs, self.jobs = self.jobs, []
        print(f"Pages: {len(jobs)} rendered, {self.reused} unchanged and reused", flush=True)
        n = workers() if len(jobs) >= PARALLEL_MIN else 1
        if n == 1:
            self._render(jobs)
        else:
            forks.join([forks.start(self._render, jobs[i::n]) for i in range(n)], "rendering pages")
        _save_index(self.index_path, self.current)


def forget_rendered(settings, names) -> None:
    """Take pages out of the render index: their live copies were written outside a build
    (``preview``), so no later build may reuse them as its own."""
    path = os.path.join(settings["CACHE_PATH"], RENDER_INDEX)
    try:
        with open(path, encoding="utf-8") as fh:
            index = json.load(fh)
    except (OSError, ValueError):
        return
    for name in names:
        index.pop(name, None)
    _save_index(path, index)


def get_writer(pelican):
    return IncrementalWriter


def finalized(pelican) -> None:
    writer = getattr(build_state, "writer", None)
    if writer is not None:
        writer.flush()
        build_state.writer = None
