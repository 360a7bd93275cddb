"""UI strings through Babel gettext catalogs, for both languages in one run.

pelican-i18n-subsites builds a whole second Pelican site per language (every
file read again, custom generators not split by language, and its sitemap gets
``/en/`` URLs wrong).  Instead one run renders both languages: the gettext
callables installed in Jinja look up the language of the page being rendered.
Catalogs are compiled from the ``.po`` files in memory, so no ``.mo`` files are
committed or forgotten.
"""
from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
import re

from jinja2 import pass_context
from markupsafe import Markup

from .document import format_date
from .schema import LANGS, Label

HTML_LANG = {"zh": "zh-CN", "en": "en"}
HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=8)
def _catalog(po_path: str, mtime: float) -> gettext.GNUTranslations:
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def catalogs(translations_dir: str) -> dict[str, gettext.NullTranslations]:
    out = {}
    for lang in LANGS:
        po = os.path.join(translations_dir, lang, "LC_MESSAGES", "messages.po")
        out[lang] = _catalog(po, os.path.getmtime(po)) if os.path.exists(po) else gettext.NullTranslations()
    return out


def page_lang(ctx) -> str:
    """The language of the page being rendered."""
    lang = ctx.get("lang_code")
    if lang:
        return lang
    for key in ("article", "page"):
        item = ctx.get(key)
        if item is not None and getattr(item, "lang", None):
            return item.lang
    return ctx.get("DEFAULT_LANG", "zh")


def install(env, translations_dir: str) -> None:
    """Give a Jinja environment language-aware ``_``/``gettext``/``ngettext``."""
    cats = catalogs(translations_dir)

    @pass_context
    def _gettext(ctx, message):
        return cats[page_lang(ctx)].gettext(message)

    @pass_context
    def _ngettext(ctx, singular, plural, n):
        return cats[page_lang(ctx)].ngettext(singular, plural, n)

    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)

    @pass_context
    def localize(ctx, value):
        """``{zh, en}`` values and schema labels in the page's language."""
        if isinstance(value, Label):
            return value[page_lang(ctx)]
        if isinstance(value, dict):
            return value.get(page_lang(ctx)) or value.get("zh", "")
        return value

    env.filters["l10n"] = localize

    @pass_context
    def mark_lang(ctx, value):
        """Chinese data on an English page gets ``lang="zh-CN"`` (WCAG 3.1.2, language of parts)."""
        text = "" if value is None else str(value)
        if page_lang(ctx) != "zh" and HAN_RE.search(text):
            return Markup('<span lang="zh-CN">%s</span>') % text
        return text

    env.filters["mark_lang"] = mark_lang
    env.filters["fmt_date"] = pass_context(
        lambda ctx, value: format_date(value, page_lang(ctx),
                                       with_time=bool(getattr(value, "hour", 0) or getattr(value, "minute", 0))))
    env.globals.update(
        HTML_LANG=HTML_LANG,
        current_lang=pass_context(page_lang),
        lang_path=lang_path,
        page_alternates=page_alternates,
        self_path=lambda item, page_path=None: item.url if item is not None else (page_path or ""),
    )


def lang_path(path: str, lang: str, default_lang: str = "zh") -> str:
    """A site path in *lang*: 'news/index.html' → 'en/news/index.html'."""
    return path if lang == default_lang else f"{lang}/{path}"


def page_alternates(item, alternates=None) -> dict:
    """{lang: path or None} for the language switch and hreflang links."""
    if item is None:
        return dict(alternates or {})
    out = {lang: None for lang in LANGS}
    out[item.lang] = item.url
    for other in getattr(item, "translations", []):
        out[other.lang] = other.url
    return out
