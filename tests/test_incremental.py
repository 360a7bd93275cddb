"""An incremental rebuild redoes only what changed, and its output equals a cold build's, byte for byte."""
from __future__ import annotations

import hashlib
import re

from conftest import build, copy_content


def digest_tree(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def reuse_counts(result) -> tuple[int, int]:
    m = re.search(r"Pages: (\d+) rendered, (\d+) unchanged and reused", result.stdout + result.stderr)
    assert m, result.stdout + result.stderr
    return int(m.group(1)), int(m.group(2))


def test_edit_rebuild_equals_cold_build_and_renders_only_the_edited_page(tmp_path):
    content = copy_content(tmp_path)
    warm = tmp_path / "warm"
    first = build(content, warm)
    assert first.returncode == 0, first.stderr
    article = content / "news" / "yixiu-population-work-conference-2012.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n编辑后新增的一段。\n", encoding="utf-8")
    again = build(content, warm)
    assert again.returncode == 0, again.stderr
    rendered, reused = reuse_counts(again)
    assert rendered == 3 and reused > 100  # the article, the news list and the home page
    cold = build(content, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    assert digest_tree(warm) == digest_tree(tmp_path / "cold")
    assert "编辑后新增的一段" in (warm / "news/yixiu-population-work-conference-2012.html").read_text(encoding="utf-8")


def test_unchanged_rebuild_renders_nothing_and_changes_nothing(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert build(content, out).returncode == 0
    before = digest_tree(out)
    again = build(content, out)
    assert reuse_counts(again)[0] == 0
    assert digest_tree(out) == before


def test_translation_edit_rerenders_both_languages(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert build(content, out).returncode == 0
    en = content / "news" / "hubei-delegation-visits-guangdong.en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("title: ", "title: Updated ", 1), encoding="utf-8")
    again = build(content, out)
    # the English page, its Chinese original (its switch names it), the English list and home page
    assert reuse_counts(again)[0] == 4
