"""Pelican's ``process_translations`` without its quadratic last step.

Pelican 4.12 ends the function with ``[x for x in content_list if x not in
index]``: a scan of a list per item, about half a second a run at 6,000
articles and growing with the square of their number.  This is the same
function (Pelican's own ``get_original_items`` decides what is an original)
with that step a set lookup; contents have no ``__eq__``, so identity is what
``in`` compared.  Installed at ``initialized`` into ``pelican.generators``,
which calls it by that name.
"""
from __future__ import annotations

from itertools import groupby
from operator import attrgetter

import pelican.generators
from pelican.utils import get_original_items


def process_translations(content_list, translation_id=None):
    if not translation_id:
        return content_list, []
    ids = (translation_id,) if isinstance(translation_id, str) else tuple(translation_id)
    key = attrgetter(*ids)
    content_list.sort(key=key)
    index = []
    for id_vals, group in groupby(content_list, key):
        id_vals = (id_vals,) if len(ids) == 1 else id_vals
        with_str = "with" + ", ".join(f' {name} "{value}"' for name, value in zip(ids, id_vals))
        items = list(group)
        index.extend(get_original_items(items, with_str))
        for item in items:
            item.translations = [x for x in items if x is not item]
    originals = {id(x) for x in index}
    return index, [x for x in content_list if id(x) not in originals]


def install() -> None:
    pelican.generators.process_translations = process_translations
