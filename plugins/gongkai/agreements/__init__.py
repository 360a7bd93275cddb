"""Agreement templates (协议书范本): downloads and the fill-in page.

One generator.  While contexts are gathered it builds each template's model
(:mod:`.model`) and its DOCX in memory (:mod:`.docx`), so the agreement pages
and the templates list can show every download with its size; in the output
phase it writes the DOCX files beside the pages (``agreements/<slug>.docx``,
``en/agreements/<slug>.docx``).  Templates read
``agreement_page(article)`` for the model, the downloads and the browser's
DOCX parts, and ``agreement_csp(policy)`` for the page's stricter policy.
"""
from __future__ import annotations

import json
import math
import os
import posixpath
from dataclasses import dataclass

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from .. import build_state, checks, incremental
from . import docx, model

STYLE_TEMPLATE = ("docx", "agreement.docx")  # inside the theme


@dataclass(frozen=True)
class Download:
    format: str
    media_type: str
    path: str  # site path, as written in links after SITEURL
    size: int  # bytes

    @property
    def kb(self) -> int:
        return max(1, math.ceil(self.size / 1024))


@dataclass(frozen=True)
class AgreementPage:
    """What the agreement page and the templates list show for one template in one language."""

    agreement: model.Agreement
    downloads: tuple[Download, ...]
    docx_parts: list[tuple[str, str]]  # the fill-in DOCX with [[id]] in each blank

    @property
    def filled_name(self) -> str:
        return f"{self.agreement.slug}-filled.docx"

    @property
    def docx_json(self) -> Markup:
        """The parts as JSON for a ``<script type="application/json">`` block: UTF-8 (Jinja's ``tojson``
        would triple the size with \\u escapes), with ``<``, ``>`` and ``&`` escaped so nothing closes the block."""
        text = json.dumps(self.docx_parts, ensure_ascii=False)
        return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


class AgreementsGenerator(Generator):
    """Builds every agreement's DOCX in memory, then writes them with the site."""

    def generate_context(self):
        self.pages: dict[tuple[str, str], AgreementPage] = {}
        self.files: dict[str, bytes] = {}
        self.context["agreement_page"] = lambda article: self.pages.get((article.lang, article.slug))
        self.context["agreement_csp"] = page_csp
        template = docx.StyleTemplate.load(os.path.join(self.settings["THEME"], *STYLE_TEMPLATE))
        problems = template.problems()
        for message in problems:
            build_state.log.add(os.path.relpath(template.path).replace(os.sep, "/"), 1, "styles", message,
                                "docx_style")
        if problems:
            return
        default_lang = self.settings["DEFAULT_LANG"]
        articles = [a for a in build_state.contents if getattr(a, "doc", None) is not None
                    and a.doc.type == "agreement"]
        by_key = {("agreement", a.lang, a.slug): [a.doc] for a in articles}
        failed = {p.file for p in build_state.log.items}  # the build stops; don't render half-read files
        rendered = incremental.Memo.in_cache(self.settings, "agreements-docx")  # the model says all a DOCX shows
        for article in sorted(articles, key=lambda a: (a.slug, a.lang)):
            if article.doc.source in failed:
                continue
            agreement = model.build(article, checks.agreement_fields(article.doc, by_key, default_lang))
            blank, parts = rendered.get(agreement, lambda: (
                docx.render(agreement, template),
                docx.parts(docx.render(agreement, template, fill=docx.placeholder_fill))))
            path = posixpath.splitext(article.url)[0] + ".docx"
            self.files[path] = blank
            self.pages[(article.lang, article.slug)] = AgreementPage(
                agreement, (Download("DOCX", docx.MEDIA_TYPE, path, len(blank)),), parts)
        rendered.save()

    def generate_output(self, writer):
        for path, data in sorted(self.files.items()):
            target = os.path.join(self.output_path, *path.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)


def page_csp(csp_meta: str) -> str:
    """The site's Content-Security-Policy for the fill-in page, with nothing allowed to leave it:
    no fetch, XHR, beacon or WebSocket (``connect-src``) and no form submission (``form-action``)."""
    directives = dict(d.strip().split(" ", 1) for d in csp_meta.split(";") if d.strip())
    directives.update({"connect-src": "'none'", "form-action": "'none'"})
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def get_generators(pelican):
    return AgreementsGenerator


def register():
    signals.get_generators.connect(get_generators)
