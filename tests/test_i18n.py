"""Every UI string is in both gettext catalogs, and the catalogs match the templates."""
from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT

CATALOGS = {lang: ROOT / f"theme/translations/{lang}/LC_MESSAGES/messages.po" for lang in ("zh", "en")}


def extracted_ids(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--omit-header",
                    "-F", "babel.cfg", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_catalog_translates_every_template_string(tmp_path, lang):
    with CATALOGS[lang].open("rb") as fh:
        catalog = read_po(fh)
    translated = {}
    for m in catalog:
        if m.id:
            key = m.id if isinstance(m.id, str) else m.id[0]
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            translated[key] = all(s.strip() for s in strings) and not m.fuzzy
    missing = sorted(i for i in extracted_ids(tmp_path) if not translated.get(i))
    assert not missing, f"untranslated in {lang}: {missing}"


def test_chinese_catalog_is_really_chinese():
    with CATALOGS["zh"].open("rb") as fh:
        catalog = read_po(fh)
    same = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id and m.id.isascii()
            and any(c.isalpha() for c in m.id)]
    assert not same, f"zh entries left in English: {same}"
