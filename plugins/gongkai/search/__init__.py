"""Search in Chinese and English: a Whoosh index for staff, a static sharded index for the browser.

``analysis`` holds the text rules, ``collect`` turns pages into documents,
``index`` analyses and weights them (and keeps the Whoosh index), ``export``
writes the static files, ``plugin`` connects all of it to Pelican.
"""
from .plugin import register

__all__ = ["register"]
