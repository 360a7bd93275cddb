"""State of the build run in progress: every document read and the problem log.

Pelican builds readers and generators anew for every run (also under
``--autoreload``), so this state lives here and is reset when a run ends.
"""
from .problems import ProblemLog

log = ProblemLog()
docs: list = []  # every gongkai.document.Doc read in this run, valid or not
contents: list = []  # Pelican Article/Page objects of this run, all languages
writer = None  # the run's gongkai.incremental.IncrementalWriter
pending: list = []  # work running in other processes that the run must wait for before the swap


def url_of(item) -> str:
    """``item.url``, computed once per run: Pelican formats it from the settings at every access."""
    cached = item.__dict__.get("_portal_url")
    if cached is None:
        cached = item.__dict__["_portal_url"] = item.url
    return cached


def wait_pending(report: bool = True) -> None:
    """Wait for every piece of :data:`pending` (all of them, even when one fails), then raise the first
    failure; a run that is stopping anyway (*report* false) only waits, so no process outlives it."""
    failures = []
    while pending:
        try:
            pending.pop(0)()
        except Exception as exc:
            failures.append(exc)
    if failures and report:
        raise failures[0]


def reset() -> None:
    """Forget the run: under autoreload a deleted file must not live on in lists, sitemap or search."""
    wait_pending(report=False)  # a run that crashed left them (a finished run has none left)
    log.clear()
    docs.clear()
    contents.clear()
