"""The service-point directory (服务网点): index, filter pages, a page per point and open data.

``generate_context`` reads and checks every ``content/directory/*.yaml`` and
puts the model in the shared context (the home page lists its regions);
``generate_output`` writes, for each language, the exports first (the pages
link them with their sizes), then the index, one page per region, kind and
service (filters that work without JavaScript), one page per point and the
data dictionary.
"""
from __future__ import annotations

import os

from pelican import signals
from pelican.generators import Generator

from .. import build_state
from ..i18n import lang_path
from ..incremental import Memo, data_key
from ..portal import write_page
from ..schema import LANGS
from .export import COLUMNS, DICTIONARY_PATH, EXPORTS, Download, Export, json_ld, records, script_json
from .model import DAY_NAMES, DIMENSIONS, FOLDER, Directory, load_directory

INDEX_PATH = f"{FOLDER}/index.html"


class DirectoryGenerator(Generator):
    """Reads the directory data and writes its pages and exports in every language."""

    def generate_context(self):
        self.directory: Directory = load_directory(self.path, build_state.log)
        self.context["directory"] = self.directory
        self.context.setdefault("SITEMAP_EXTRA_PATHS", []).extend(self.directory.page_paths())

    def generate_output(self, writer):
        base = (self.settings.get("SITEURL") or self.context["PORTAL"].base_url).rstrip("/")
        directory = self.directory
        points = [(p.region.id, p.region.name, p.values) for p in directory.points]  # all the data shows
        exports = Memo.in_cache(self.settings, "directory-exports")
        for lang in LANGS:
            data = exports.get((points, lang, base),
                               lambda: [export.render(records(directory, lang, base), lang, base) for export in EXPORTS])
            downloads = [self._write_data(writer, export, lang, blob) for export, blob in zip(EXPORTS, data)]
            common = dict(downloads=downloads, dimensions=DIMENSIONS,
                          day_names={day: name[lang] for day, name in DAY_NAMES.items()},
                          render_key=data_key(points, downloads))
            self._write(writer, INDEX_PATH, "directory", lang, facet=None, points=directory.points, **common)
            for facet in directory.all_facets():
                self._write(writer, facet.path, "directory", lang, facet=facet, points=list(facet.points), **common)
            for point in directory.points:
                url = f"{base}/{lang_path(point.path, lang, self.settings['DEFAULT_LANG'])}"
                self._write(writer, point.path, "point", lang, point=point,
                            json_ld=script_json(json_ld(point, lang, url)), **common)
            self._write(writer, DICTIONARY_PATH, "data_dictionary", lang, columns=COLUMNS,
                        example=directory.points[0] if directory.points else None, base=base, **common)
        exports.save()

    def _write(self, writer, path, template, lang, **extra):
        write_page(self, writer, path, template, lang, **extra)

    def _write_data(self, writer, export: Export, lang: str, data: bytes) -> Download:
        site_path = lang_path(export.path, lang, self.settings["DEFAULT_LANG"])
        target = os.path.join(writer.output_path, site_path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        return Download(export.format, site_path, export.media_type, len(data))


def get_generators(pelican):
    return DirectoryGenerator


def register():
    signals.get_generators.connect(get_generators)
