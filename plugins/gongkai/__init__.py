"""Gongkai: the portal's Pelican plugin.

``register()`` wires Pelican's signals to the modules that hold the logic; each
handler is small and named after the moment it runs at.
"""
from __future__ import annotations

import atexit
import importlib
import logging
import os
import sys

from pelican import signals

from . import atomic, build_state, check, checks, i18n, incremental, preview, stamps, translations
from .problems import ContentError
from .reader import PortalMarkdownReader


def readers_init(readers):
    readers.reader_classes["md"] = PortalMarkdownReader
    readers.reader_classes["markdown"] = PortalMarkdownReader


def generator_init(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        theme = generator.settings["THEME"]
        i18n.install(env, os.path.join(theme, "translations"))
        env.bytecode_cache = incremental.template_cache(generator.settings)


def content_generator_init(generator):
    """Article and page generators: each file stamped once per process, reader cache saved in the background."""
    stamps.install(generator)
    incremental.save_in_background(generator)


def content_generator_finalized(generator):
    """Keep every article/page of every language, and the problems found in their files."""
    for name in ("articles", "pages", "translations", "hidden_pages", "hidden_translations"):
        for item in getattr(generator, name, []) or []:
            build_state.contents.append(item)
            doc = getattr(item, "doc", None)
            if doc is not None:
                build_state.docs.append(doc)
                build_state.log.extend(doc.problems)
    preview.content_read(generator)


def all_generators_finalized(generators):
    """Cross-file checks; stop before anything is written if any problem was found."""
    settings = generators[0].settings
    checks.check_documents(build_state.docs, settings["PATH"], settings["DEFAULT_LANG"], build_state.log)
    checks.check_nothing_dropped(settings, build_state.docs, build_state.log)
    if build_state.log:
        error = ContentError(build_state.log.items)
        print(error.report(), file=sys.stderr, flush=True)
        build_state.reset()  # waits for the search process first
        atomic.discard(generators[0].output_path)
        raise error
    check.stop_if_check_only(settings)


def initialized(pelican):
    atomic.redirect(pelican)
    incremental.initialized(pelican)
    translations.install()


def get_generators(pelican):
    build_state.reset()
    incremental.run_started(pelican.settings)
    preview.render_edited(pelican.settings)
    from .portal import PortalGenerator
    return [PortalGenerator]


def finalized(pelican):
    try:
        incremental.finalized(pelican)
    finally:
        build_state.wait_pending()
    build_state.reset()
    atomic.swap(pelican)
    preview.run_succeeded()
    if os.path.basename(sys.argv[0]) in ("pelican", "__main__.py"):
        atexit.unregister(_exit_without_teardown)  # autoreload runs finalized again and again: register once
        atexit.register(_exit_without_teardown)


def _exit_without_teardown():
    """Registered once the ``pelican`` command has built successfully: end the process without
    freeing the build's millions of objects one by one, which takes about a second at 5,000
    articles (the operating system takes the memory back at once)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class _NoTracebackForContentErrors(logging.Filter):
    """Content problems are the editor's to fix, not a crash: show them without a traceback."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
            record.exc_info = None
        return True


# Feature modules of the package; each has its own ``register()``.
FEATURES: tuple[str, ...] = ("directory", "agreements", "headers", "search", "redirects")


# Imported with the package: a broken feature stops the build instead of being
# skipped with a logged error, which is what Pelican does for a plugin's register().
_FEATURE_MODULES = [importlib.import_module(f"{__name__}.{name}") for name in FEATURES]


def register():
    logging.getLogger("pelican").addFilter(_NoTracebackForContentErrors())
    for module in _FEATURE_MODULES:
        module.register()
    signals.initialized.connect(initialized)
    signals.get_writer.connect(incremental.get_writer)
    signals.readers_init.connect(readers_init)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(generator_init)
    signals.article_generator_init.connect(content_generator_init)
    signals.page_generator_init.connect(content_generator_init)
    signals.article_generator_finalized.connect(content_generator_finalized)
    signals.page_generator_finalized.connect(content_generator_finalized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
