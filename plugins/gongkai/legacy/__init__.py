"""Import saved pages of a legacy CMS site as portal content (news and policy Markdown).

One module per stage (decode, clean, extract, metadata, normalise, assets,
write, report), orchestrated by ``run``; ``scripts/import_legacy.py`` is the
command-line front.
"""
from .model import Document, ImportOptions
from .run import import_sources, main

__all__ = ["Document", "ImportOptions", "import_sources", "main"]
