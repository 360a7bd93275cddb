"""Content-file stamps for Pelican's caches, computed once per file and process.

With ``CHECK_MODIFIED_METHOD = "md5"`` Pelican reads and hashes every content
file two or three times per run (its generator cache and its reader cache each
ask), and under ``make serve`` again at every save.  Here a stamp is kept with
the file's ``stat`` and reused while that is unchanged.  A file modified less
than :data:`RACY_NS` before its stamp was taken is hashed again: a same-size
rewrite within the file system's timestamp granularity would otherwise look
unchanged (git's "racy clean" rule).
"""
from __future__ import annotations

import hashlib
import os
import time

RACY_NS = 2_000_000_000

_known: dict[str, tuple[tuple[int, int, int, int], int, bytes]] = {}


def stat_key(path: str) -> tuple[int, int, int, int] | None:
    """What changes when a file is written (None: it cannot be stat'ed)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns


def stamp_function(method: str):
    """A stamp function for Pelican's cachers, or None when the method is not a hash (mtime)."""
    if method not in hashlib.algorithms_available:
        return None

    def stamp(path: str) -> bytes:
        key = stat_key(path)
        known = _known.get(path)
        if key is not None and known is not None and known[0] == key and key[0] < known[1] - RACY_NS:
            return known[2]
        taken = time.time_ns()
        with open(path, "rb") as fh:  # a missing file raises OSError here, as Pelican's own stamp does
            digest = hashlib.new(method, fh.read()).digest()
        _known[path] = (key, taken, digest)
        return digest

    return stamp


def install(generator) -> None:
    """``article_generator_init``/``page_generator_init``: stamp through the memo, for the
    generator's own cache and its readers' (both set Pelican's function in their constructors)."""
    stamp = stamp_function(generator.settings["CHECK_MODIFIED_METHOD"])
    if stamp is not None:
        generator._filestamp_func = stamp
        generator.readers._filestamp_func = stamp
