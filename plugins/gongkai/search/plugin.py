"""Connects search to Pelican: a generator that indexes every language and writes the search pages.

By the time this generator gathers its context, every page and service
point has been read (it comes after the content and directory generators),
so indexing starts there: in a forked process on the other core, while the
remaining generators, the cross-file checks and the page writing go on.  That
process writes the static index and the Whoosh index (itself forking a
Whoosh writer); the run joins it before the swap (``build_state.pending``)
and then writes the search pages, which show the filters' values the index
found.  Files with problems are left out, so a build that is going to stop
never trips over them here; it waits for the process and discards its work.
"""
from __future__ import annotations

import json
import os
import time

from pelican import signals
from pelican.generators import Generator
from pelican.writers import Writer

from .. import build_state, forks
from ..incremental import Memo, workers
from ..i18n import lang_path
from ..schema import LANGS
from . import analysis
from .collect import collect, type_labels
from .config import SearchSettings
from .export import export, facets
from .index import SearchIndex, code_digest

PAGE = "search.html"
FOLDER = "search"


class SearchGenerator(Generator):
    def generate_context(self):
        self.search_settings = SearchSettings.from_settings(self.settings)
        self.pid = None
        if workers() > 1 and not self.settings.get("PORTAL_CHECK_ONLY"):
            analysis.prepare()
            self.pid = forks.start(self.index_all)
            build_state.pending.append(self.finish)

    def generate_output(self, writer):
        if self.pid is None:
            self.index_all()
            self.write_pages()

    def finish(self):
        """Joined before the swap: wait for the index, then write the pages that show it."""
        forks.join([self.pid], "search indexing")
        if not build_state.log:
            self.write_pages()

    def facets_path(self, lang: str) -> str:
        return os.path.join(self.search_settings.cache_path, f"facets-{lang}.json")

    def index_all(self):
        default = self.settings["DEFAULT_LANG"]
        contents = [item for item in build_state.contents if not getattr(item, "doc", None) or not item.doc.problems]
        indexes = []
        for lang in LANGS:
            started = time.perf_counter()
            cache = self.search_settings.cache_path
            os.makedirs(cache, exist_ok=True)
            reuse = Memo(os.path.join(cache, f"docs-{lang}.pickle"),
                         f"{code_digest()} {self.settings.get('PORTAL_BUILD_DIGEST', '')}")
            index = SearchIndex(lang, cache)
            docs = collect(contents, self.context.get("directory"), lang, default, reuse)
            reuse.save(background=True)
            index.build(docs, background=True)
            indexes.append(index)
            folder = lang_path(FOLDER, lang, default)
            live = self.settings.get("PORTAL_LIVE_OUTPUT_PATH")
            written = export(index, os.path.join(self.output_path, folder), live and os.path.join(live, folder))
            with open(self.facets_path(lang), "w", encoding="utf-8") as fh:
                json.dump(facets(index), fh, ensure_ascii=False)
            print(f"search {lang}: {written['docs']} documents ({index.stats['analysed']} analysed, "
                  f"{index.stats['reused']} reused), {written['terms']} terms in {written['shards']} shards and "
                  f"{written['large']} files, {time.perf_counter() - started:.2f} s", flush=True)
        for index in indexes:
            index.finish()

    def write_pages(self):
        # Pelican's own writer: the pages are written after the IncrementalWriter's queue was rendered.
        writer = Writer(self.output_path, settings=self.settings)
        default = self.settings["DEFAULT_LANG"]
        labels = type_labels()
        for lang in LANGS:
            with open(self.facets_path(lang), encoding="utf-8") as fh:
                search_facets = json.load(fh)
            page_path = lang_path(PAGE, lang, default)
            writer.write_file(page_path, self.get_template("search"), self.context, lang_code=lang,
                              page_path=page_path,
                              alternates={other: lang_path(PAGE, other, default) for other in LANGS},
                              search_facets=search_facets, search_folder=lang_path(FOLDER, lang, default) + "/",
                              search_type_labels={name: one[lang] for name, (one, _) in labels.items()},
                              search_type_filters={name: many[lang] for name, (_, many) in labels.items()},
                              search_per_page=self.search_settings.per_page)


def get_generators(pelican):
    return SearchGenerator


def register():
    signals.get_generators.connect(get_generators)
