"""Search in Chinese and English: a Whoosh index for staff, a static sharded index for the browser.

``analysis`` holds the text rules, ``collect`` turns pages into documents,
``index`` indexes them and keeps what the next build reuses, ``inverted``
weights and encodes the browser's postings, ``segment`` writes the Whoosh
index in one pass, ``export`` writes the static files, ``plugin`` connects all
of it to Pelican.
"""
from .plugin import register

__all__ = ["register"]
