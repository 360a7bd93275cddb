"""Work in forked processes: the build's way of using the second core.

A forked child shares the parent's parsed templates, contents and settings
without pickling anything; it reports success through its exit status (a
failure's traceback goes to stderr), and the parent joins it before the new
output is swapped in.
"""
from __future__ import annotations

import logging
import os
import sys
import traceback


def start(work, *args) -> int:
    """Run ``work(*args)`` in a forked process; returns its pid for :func:`join`."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        logging.disable(logging.CRITICAL)
        work(*args)
        code = 0
    except BaseException:  # the parent reports the failure; the traceback tells which
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def join(pids: list[int], what: str) -> None:
    """Wait for every one of *pids*; RuntimeError naming *what* if any of them failed."""
    failed = [pid for pid in pids if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise RuntimeError(f"{what} failed in {len(failed)} worker process(es); see the traceback above")


def detach(work, *args) -> None:
    """Run ``work(*args)`` in a grandchild that nobody waits for (no zombie is left behind), at a
    lower priority: it is clean-up and cache saving, which must not slow down the next build."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            if os.fork() == 0:
                os.setsid()
                os.nice(10)
                work(*args)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
