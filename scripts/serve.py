#!/usr/bin/env python3
"""``make serve``: build, serve on localhost, rebuild on every change, and never miss a save.

Pelican's ``--autoreload`` starts a new file watch after each build, so a file
saved while a build runs (seconds, on a large site) goes unseen until the next
save.  This is the same loop, made of Pelican's own parts (``parse_arguments``,
``get_instance``, ``listen``, ``FileChangeFilter``), with one watcher that
lives as long as the server: what changes during a build starts the next one.
It takes Pelican's options (``scripts/serve.py content -o output -s
pelicanconf.py --bind 127.0.0.1 --port 8000``).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys

import watchfiles
from pelican import LOG_HANDLERS, get_instance, listen, parse_arguments
from pelican.log import init as init_logging
from pelican.utils import FileChangeFilter

logger = logging.getLogger("pelican")


def watched(settings_file: str, settings) -> list[str]:
    """What Pelican's autoreload watches: the settings file, the theme and the content."""
    paths = [os.path.abspath(p) for p in (settings_file, settings.get("THEME"), settings.get("PATH")) if p]
    return [p for p in paths if os.path.exists(p)]


def build(pelican) -> None:
    """One build; a failed one is reported (content problems by the portal itself) and the loop goes on."""
    try:
        pelican.run()
    except Exception as exc:
        logger.warning("Build failed: %s: %s", type(exc).__name__, exc)


def main(argv=None) -> int:
    args = parse_arguments(argv)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican", handler=LOG_HANDLERS[args.log_handler],
                 logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
    pelican, settings = get_instance(args)
    settings_file = os.path.abspath(args.settings)
    server = multiprocessing.Process(target=listen, daemon=True,
                                     args=(settings.get("BIND"), settings.get("PORT"), settings.get("OUTPUT_PATH")))
    server.start()
    build(pelican)
    try:
        while True:
            ignored = FileChangeFilter(ignore_file_patterns=settings.get("IGNORE_FILES", []))
            for changes in watchfiles.watch(*watched(settings_file, settings), watch_filter=ignored, rust_timeout=0):
                changed = sorted({path for _, path in changes})
                print(f"-> Modified: {', '.join(changed)}. Re-generating...", flush=True)
                if settings_file in changed:
                    pelican, settings = get_instance(args)
                    build(pelican)
                    break  # watch the theme and content the new settings name
                build(pelican)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
