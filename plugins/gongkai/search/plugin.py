"""Connects search to Pelican: a generator that indexes every language and writes the search pages.

Indexing runs in ``generate_output``, after every generator's
``generate_context`` (the directory generator's included), so all pages and
service points are known; the search page is left out of the sitemap.  A new
Whoosh index is written by a forked process while this one encodes and writes
the static files.  All of it runs in a forked process of its own, on the
other core while the pages are rendered; the run waits for it before swapping
the new output in (``build_state.pending``).
"""
from __future__ import annotations

import os
import time

from pelican import signals
from pelican.generators import Generator
from pelican.writers import Writer

from .. import build_state, forks
from ..incremental import workers
from ..i18n import lang_path
from ..schema import LANGS
from .collect import Reuse, collect, type_labels
from .config import SearchSettings
from .export import export, facets
from .index import SearchIndex, code_digest

PAGE = "search.html"
FOLDER = "search"


class SearchGenerator(Generator):
    def generate_context(self):
        self.search_settings = SearchSettings.from_settings(self.settings)

    def checks_passed(self):
        """Every document is read and valid: index in a forked process, which runs on while the other
        generators write and the pages are rendered (joined before the swap)."""
        if workers() > 1:
            pid = forks.start(self.index_all)
            build_state.pending.append(lambda: forks.join([pid], "search indexing"))
            self.started = True

    def generate_output(self, writer):
        if not getattr(self, "started", False):
            self.index_all()

    def index_all(self):
        # Pelican's own writer: in a forked process, an IncrementalWriter's queue would never be rendered.
        writer = Writer(self.output_path, settings=self.settings)
        default = self.settings["DEFAULT_LANG"]
        labels = type_labels()
        indexes = []
        for lang in LANGS:
            started = time.perf_counter()
            cache = self.search_settings.cache_path
            os.makedirs(cache, exist_ok=True)
            reuse = Reuse(os.path.join(cache, f"docs-{lang}.pickle"),
                          f"{code_digest()} {self.settings.get('PORTAL_BUILD_DIGEST', '')}")
            index = SearchIndex(lang, cache)
            docs = collect(build_state.contents, self.context.get("directory"), lang, default, reuse)
            reuse.save(background=True)
            index.build(docs, background=True)
            indexes.append(index)
            folder = lang_path(FOLDER, lang, default)
            live = self.settings.get("PORTAL_LIVE_OUTPUT_PATH")
            written = export(index, os.path.join(writer.output_path, folder), live and os.path.join(live, folder))
            print(f"search {lang}: {written['docs']} documents ({index.stats['analysed']} analysed, "
                  f"{index.stats['reused']} reused), {written['terms']} terms in {written['shards']} shards and "
                  f"{written['large']} files, {time.perf_counter() - started:.2f} s", flush=True)
            page_path = lang_path(PAGE, lang, default)
            writer.write_file(page_path, self.get_template("search"), self.context, lang_code=lang,
                              page_path=page_path,
                              alternates={other: lang_path(PAGE, other, default) for other in LANGS},
                              search_facets=facets(index), search_folder=folder + "/",
                              search_type_labels={name: one[lang] for name, (one, _) in labels.items()},
                              search_type_filters={name: many[lang] for name, (_, many) in labels.items()},
                              search_per_page=self.search_settings.per_page)
        for index in indexes:
            index.finish()


def get_generators(pelican):
    return SearchGenerator


def register():
    signals.get_generators.connect(get_generators)
