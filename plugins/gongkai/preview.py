"""``make serve``: an edited page is shown at once, before the rebuild that follows.

Under ``make serve`` (``scripts/serve.py``, like Pelican's ``--autoreload``)
the whole build runs again after every save; at thousands of articles that
takes seconds while the editor looks at the old page.  Like Hugo's fast
render mode, each run in the same process first
re-reads just the content files edited since the last successful run and
renders their pages straight into the live output, with that run's context
and templates; then the normal build (incremental, atomic) brings lists,
feeds, search and translations up to date and swaps the complete site in.

Only pages made from their own file alone are rendered early: not a file with
problems (the build reports them and keeps the last good site), nor one whose
address or status changed, nor an agreement (its page is built from a model
the agreements generator derives).  Each page replaces the old one by a
rename, so the server never sends half a file, and leaves the render index,
so no later build reuses it as its own.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

from pelican.generators import ArticlesGenerator
from pelican.writers import Writer

from . import incremental
from .build_state import url_of
from .stamps import stat_key

MAX_FILES = 20  # more edited files at once (a checkout, a rename): just rebuild
KINDS = ("articles", "translations", "hidden_articles", "hidden_translations", "pages", "hidden_pages")


@dataclass
class Run:
    """What a successful run leaves for the next one's early pages."""

    digest: str = ""  # PORTAL_BUILD_DIGEST: code, theme and settings the contexts were made with
    sources: dict = field(default_factory=dict)  # source path → (stat key when read, item, its generator)


_reading = Run()  # filled while a run reads
_last: Run | None = None  # the last successful run's


def content_read(generator) -> None:
    """``article/page_generator_finalized``: note each file's stat as it was read."""
    _reading.digest = generator.settings["PORTAL_BUILD_DIGEST"]
    for kind in KINDS:
        for item in getattr(generator, kind, None) or []:
            _reading.sources[item.source_path] = (stat_key(item.source_path), item, generator)


def run_succeeded() -> None:
    """``finalized``, after the swap: keep this run's contents for the next run's early pages."""
    global _last, _reading
    _last, _reading = _reading, Run()


def render_edited(settings) -> int:
    """At the start of a run (its digest known): render the pages of files edited since the last
    successful run, unless code, theme or settings changed since."""
    global _last, _reading
    last, _last, _reading = _last, None, Run()
    live = settings.get("PORTAL_LIVE_OUTPUT_PATH")
    if last is None or last.digest != settings["PORTAL_BUILD_DIGEST"] or not live or not os.path.isdir(live):
        return 0
    edited = [entry for path, entry in last.sources.items() if stat_key(path) != entry[0]]
    if not edited or len(edited) > MAX_FILES:
        return 0
    pages = [(generator, new) for _, old, generator in edited if (new := _reread(generator, old)) is not None]
    if not pages:
        return 0
    incremental.forget_rendered(settings, [new.save_as for _, new in pages])
    scratch = live + ".preview"
    shutil.rmtree(scratch, ignore_errors=True)
    writer = Writer(scratch, settings=settings)
    try:
        for generator, new in pages:
            _write(writer, generator, new)
            os.makedirs(os.path.dirname(os.path.join(live, new.save_as)), exist_ok=True)
            os.replace(os.path.join(scratch, new.save_as), os.path.join(live, new.save_as))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"Preview: {len(pages)} edited page(s) updated; the full rebuild follows", flush=True)
    return len(pages)


def _reread(generator, old):
    """The file of *old* read again, or None when its page cannot simply replace the old one."""
    doc = getattr(old, "doc", None)
    if doc is None or doc.type == "agreement":
        return None
    try:
        new = generator.readers.read_file(base_path=generator.path, path=old.source_path,
                                          content_class=type(old), context=generator.context)
    except Exception:  # the full build reports it with the file and field
        return None
    new_doc = getattr(new, "doc", None)
    if (new_doc is None or new_doc.problems or new.status != old.status or new.lang != old.lang
            or url_of(new) != url_of(old) or new.save_as != old.save_as):
        return None
    new.translations = getattr(old, "translations", [])
    return new


def _write(writer, generator, item) -> None:
    """As Pelican's generators write an article or a page."""
    template = generator.get_template(item.template)
    override = hasattr(item, "override_save_as")
    if isinstance(generator, ArticlesGenerator):
        writer.write_file(item.save_as, template, generator.context, article=item,
                          category=getattr(item, "category", None), override_output=override, url=item.url,
                          blog=True)
    else:
        writer.write_file(item.save_as, template, generator.context, page=item,
                          relative_urls=generator.settings["RELATIVE_URLS"], override_output=override,
                          url=item.url)
