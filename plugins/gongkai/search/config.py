"""The ``SEARCH`` setting, typed and checked (unknown keys and wrong types stop the build)."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

from ..problems import did_you_mean
from ..settings import SettingsError


@dataclass(frozen=True)
class SearchSettings:
    """``SEARCH = {"cache_path": ..., "per_page": ...}`` in pelicanconf.py, all optional.

    cache_path: where the Whoosh index (read by ``scripts/search.py``) and what
        the next build reuses live; outside the public site.  Default: ``search``
        in the build's cache folder (``output/`` → ``output.cache/search/``).
    per_page: results per page in the browser.
    """

    cache_path: str
    per_page: int = 10

    @classmethod
    def from_settings(cls, settings: dict) -> "SearchSettings":
        raw = settings.get("SEARCH") or {}
        if not isinstance(raw, dict):
            raise SettingsError("pelicanconf.py: SEARCH must be a dict such as {'per_page': 10}")
        names = [f.name for f in fields(cls)]
        unknown = [k for k in raw if k not in names]
        if unknown:
            raise SettingsError("pelicanconf.py: SEARCH: unknown key(s) " + ", ".join(
                f"'{k}'{did_you_mean(k, names)}" for k in unknown) + f"; allowed: {', '.join(names)}")
        cache_path = raw.get("cache_path", os.path.join(settings["CACHE_PATH"], "search"))
        if not isinstance(cache_path, str) or not cache_path:
            raise SettingsError(f"pelicanconf.py: SEARCH: 'cache_path' must be a folder path, found {cache_path!r}")
        per_page = raw.get("per_page", 10)
        if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 100:
            raise SettingsError(f"pelicanconf.py: SEARCH: 'per_page' must be a whole number from 1 to 100, "
                                f"found {per_page!r}")
        return cls(os.path.abspath(cache_path), per_page)
