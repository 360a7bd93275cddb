"""``make check``: read and validate all content, write nothing.

Runs Pelican's own reading phase with the portal plugin (so exactly the build's
checks apply) and stops at ``all_generators_finalized``, before any output.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile

from . import build_state
from .problems import ContentError


class CheckPassed(Exception):
    """Raised to stop a check-only run once everything has been read."""


def stop_if_check_only(settings) -> None:
    if settings.get("PORTAL_CHECK_ONLY"):
        build_state.reset()
        raise CheckPassed()


def main(argv=None) -> int:
    from pelican import Pelican
    from pelican.settings import read_settings

    parser = argparse.ArgumentParser(description="Validate the portal's content without building it.")
    parser.add_argument("--content", default="content")
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        settings = read_settings(args.settings, override={"PATH": args.content, "OUTPUT_PATH": tmp,
                                                           "PORTAL_CHECK_ONLY": True})
        try:
            Pelican(settings).run()
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        except CheckPassed:
            print(f"{args.content}: all content is valid")
            return 0
    print("check did not reach validation", file=sys.stderr)
    return 2
