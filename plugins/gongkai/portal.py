"""The portal's own pages: home, per-type lists, feeds, 404 and the sitemap.

Pelican writes each article and page (ARTICLE_URL / ARTICLE_LANG_URL); this
generator writes what Pelican would only write for the default language
(index, lists, feeds), for every language in the same run.
"""
from __future__ import annotations

import os
from collections import defaultdict
from xml.sax.saxutils import escape

from pelican.generators import Generator

from . import build_state
from .build_state import url_of
from .i18n import HTML_LANG, lang_path as localized_path
from .incremental import data_key, item_key
from .schema import LANGS
from .settings import PortalSettings
from .types import BY_NAME, policy


def write_page(generator, writer, path, template, lang, **extra):
    """Render *template* at *path* in *lang*, with the language switch's alternates."""
    default = generator.settings["DEFAULT_LANG"]
    page_path = localized_path(path, lang, default)
    writer.write_file(page_path, generator.get_template(template), generator.context, lang_code=lang,
                      page_path=page_path, alternates={other: localized_path(path, other, default) for other in LANGS},
                      **extra)


class Portal:
    """Published content grouped for the templates, by language and type."""

    def __init__(self, contents, settings: PortalSettings):
        self.settings = settings
        self.by_lang_type: dict[str, dict[str, list]] = {lang: defaultdict(list) for lang in LANGS}
        for item in contents:
            doc = getattr(item, "doc", None)
            if doc is not None and item.lang in self.by_lang_type:
                self.by_lang_type[item.lang][doc.type].append(item)
        for per_type in self.by_lang_type.values():
            for items in per_type.values():
                items.sort(key=lambda a: (getattr(a, "date", None) is None, a.date if hasattr(a, "date") else 0,
                                          a.slug), reverse=True)

    def items(self, lang: str, type_name: str) -> list:
        return self.by_lang_type[lang].get(type_name, [])

    def latest(self, lang: str, type_name: str, count: int = 5) -> list:
        return self.items(lang, type_name)[:count]

    def find(self, type_name: str, slug: str, lang: str):
        """The item of that type and slug in *lang*, else its original, else None."""
        for candidate_lang in (lang, "zh"):
            for item in self.items(candidate_lang, type_name):
                if item.slug == slug:
                    return item
        return None


HOME_ITEMS = 6  # items per type on the home page


class PortalGenerator(Generator):
    """Writes home, lists, feeds, 404 and sitemap for every language."""

    def generate_context(self):
        self.portal_settings = PortalSettings.from_settings(self.settings)
        self.context["PORTAL"] = self.portal_settings
        portal = self.context["portal"] = Portal(build_state.contents, self.portal_settings)
        self.context["policy_by_slug"] = lambda slug, lang: portal.find("policy", slug, lang)
        self.context["POLICY_INFO_TABLE"] = policy.INFO_TABLE
        self.context["CONTENT_TYPES"] = BY_NAME
        self.context["LANGS"] = LANGS
        self.context["HOME_ITEMS"] = HOME_ITEMS

    def generate_output(self, writer):
        portal = self.context["portal"]
        default = self.settings["DEFAULT_LANG"]
        directory = self.context.get("directory")
        regions = data_key([(r.id, r.name, len(r.points)) for r in directory.regions]) if directory else ""
        for lang in LANGS:
            latest = [i for t in BY_NAME.values() if t.listed for i in portal.latest(lang, t.name, HOME_ITEMS)]
            self._write(writer, "index.html", "index", lang, render_key=item_key(latest) + regions)
            self._write(writer, "404.html", "404", lang, render_key="")
            for ctype in BY_NAME.values():
                if ctype.listed:
                    self._write_list(writer, portal, ctype, lang)
                    self._write_feed(writer, portal.items(lang, ctype.name), lang, f"{ctype.url_dir}.atom.xml",
                                     ctype.plural[lang])
            everything = sorted((i for t in BY_NAME.values() if t.listed for i in portal.items(lang, t.name)),
                                key=lambda a: a.date, reverse=True)[:50]
            self._write_feed(writer, everything, lang, "all.atom.xml", None)
        self._write_sitemap(writer, default)

    def _write(self, writer, path, template, lang, **extra):
        write_page(self, writer, path, template, lang, **extra)

    def _write_list(self, writer, portal, ctype, lang):
        items = portal.items(lang, ctype.name)
        per_page = self.portal_settings.per_page
        chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]

        def page_path(n):
            return f"{ctype.url_dir}/index.html" if n == 1 else f"{ctype.url_dir}/page/{n}.html"

        template = self._list_template(ctype)
        for n, chunk in enumerate(chunks, start=1):
            self._write(writer, page_path(n), template, lang, render_key=item_key(chunk) + str(len(chunks)),
                        ctype=ctype, items=chunk, page_number=n,
                        page_count=len(chunks), total=len(items),
                        prev_path=localized_path(page_path(n - 1), lang) if n > 1 else None,
                        next_path=localized_path(page_path(n + 1), lang) if n < len(chunks) else None)

    def _list_template(self, ctype) -> str:
        """A type's own list template, ``<url_dir>_index.html``, when the theme has one; else ``list.html``."""
        name = f"{ctype.url_dir}_index"
        return name if f"{name}.html" in self.env.list_templates() else "list"

    def _write_feed(self, writer, items, lang, name, title):
        site = self.portal_settings.site_name[lang]
        context = dict(self.context, SITENAME=site, SITEURL=self.base_url(),
                       FEED_DOMAIN=self.base_url())
        path = localized_path(f"feeds/{name}", lang, self.settings["DEFAULT_LANG"])
        shown = items[:self.settings["FEED_MAX_ITEMS"]]  # as Pelican's writer cuts them (None: all)
        writer.write_feed(items, context, path, url=path, feed_type="atom",
                          feed_title=f"{site} — {title}" if title else site, render_key=item_key(shown))

    def base_url(self) -> str:
        return (self.settings.get("SITEURL") or self.portal_settings.base_url).rstrip("/")

    def _write_sitemap(self, writer, default_lang):
        """One sitemap for both languages, with hreflang alternates.

        Written here because pelican-sitemap only sees one language's site under
        i18n sub-sites and builds wrong ``/en/`` URLs.
        """
        base = self.base_url()
        groups = []
        seen = set()
        for item in build_state.contents:
            if getattr(item, "doc", None) is None or id(item) in seen:
                continue
            family = [item] + list(getattr(item, "translations", []))
            seen.update(id(x) for x in family)
            groups.append({x.lang: url_of(x) for x in family})
        for path in ["index.html"] + [f"{t.url_dir}/index.html" for t in BY_NAME.values() if t.listed] \
                + self.context.get("SITEMAP_EXTRA_PATHS", []):
            groups.append({lang: localized_path(path, lang, default_lang) for lang in LANGS})
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                 'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
        for group in groups:
            for lang, url in sorted(group.items()):
                lines.append(f"  <url><loc>{escape(base + '/' + url)}</loc>")
                for alt_lang, alt_url in sorted(group.items()):
                    lines.append(f'    <xhtml:link rel="alternate" hreflang="{HTML_LANG[alt_lang]}" '
                                 f'href="{escape(base + "/" + alt_url)}"/>')
                lines.append("  </url>")
        lines.append("</urlset>")
        target = os.path.join(writer.output_path, "sitemap.xml")
        with open(target, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

