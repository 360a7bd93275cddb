"""Build into a staging folder and swap it in only when the build succeeded.

A content error (or a crash) must leave the last good site in place: Pelican
writes straight into OUTPUT_PATH, so we point it at ``<output>.building``
(emptied at each run by DELETE_OUTPUT_DIRECTORY) and rename on success.
"""
from __future__ import annotations

import os
import shutil


def staging_path(output_path: str) -> str:
    return os.path.normpath(output_path) + ".building"


def redirect(pelican) -> None:
    """``initialized``: write into the staging folder from now on."""
    pelican.final_output_path = os.path.normpath(pelican.output_path)
    pelican.output_path = staging_path(pelican.final_output_path)


def discard(output_path: str) -> None:
    shutil.rmtree(output_path, ignore_errors=True)


def swap(pelican) -> None:
    """``finalized``: replace the live output with the staged one."""
    final = getattr(pelican, "final_output_path", None)
    if final is None or not os.path.isdir(pelican.output_path):
        return
    old = final + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(final):
        os.rename(final, old)
    os.rename(pelican.output_path, final)
    shutil.rmtree(old, ignore_errors=True)
