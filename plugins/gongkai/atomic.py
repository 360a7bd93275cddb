"""Build into a staging folder and swap it in only when the build succeeded.

A content error (or a crash) must leave the last good site in place: Pelican
writes straight into OUTPUT_PATH, so we point it at ``<output>.building``
(emptied at each run by DELETE_OUTPUT_DIRECTORY) and rename on success.
"""
from __future__ import annotations

import glob
import os
import shutil
import time

from . import forks


def staging_path(output_path: str) -> str:
    return os.path.normpath(output_path) + ".building"


def redirect(pelican) -> None:
    """``initialized``: write into the staging folder from now on."""
    pelican.final_output_path = os.path.normpath(pelican.output_path)
    pelican.output_path = staging_path(pelican.final_output_path)


def discard(output_path: str) -> None:
    shutil.rmtree(output_path, ignore_errors=True)


def swap(pelican) -> None:
    """``finalized``: replace the live output with the staged one.

    The old output is renamed aside and deleted by a detached process: with
    tens of thousands of files that takes a second the editor need not wait for.
    """
    final = getattr(pelican, "final_output_path", None)
    if final is None or not os.path.isdir(pelican.output_path):
        return
    old = f"{final}.old-{os.getpid()}-{time.monotonic_ns()}"
    leftovers = glob.glob(glob.escape(final) + ".old*")  # of runs that were stopped before they cleaned up
    if os.path.exists(final):
        os.rename(final, old)
        leftovers.append(old)
    os.rename(pelican.output_path, final)
    if leftovers:
        forks.detach(_remove, leftovers)


def _remove(folders: list[str]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
