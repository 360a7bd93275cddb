"""State of the build run in progress: every document read and the problem log.

Pelican builds readers and generators anew for every run (also under
``--autoreload``), so this state lives here and is reset when a run ends.
"""
from .problems import ProblemLog

log = ProblemLog()
docs: list = []  # every gongkai.document.Doc read in this run, valid or not
contents: list = []  # Pelican Article/Page objects of this run, all languages
writer = None  # the run's gongkai.incremental.IncrementalWriter


def reset() -> None:
    """Forget the run: under autoreload a deleted file must not live on in lists, sitemap or search."""
    log.clear()
    docs.clear()
    contents.clear()
