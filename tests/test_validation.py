"""Broken content stops the build with file:line: field: reason, and the last good site stays."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, build, copy_content

GOOD_NEWS = """\
---
title: 测试新闻
slug: test-news
date: 2024-05-06 09:30
source: 测试来源
---
正文第一段。
"""

# (name, file to write under content/, its text, expected "file:line: field" and words of the reason)
BROKEN = [
    ("yaml syntax", "news/broken.md", "---\ntitle: [unclosed\nslug: broken\n---\nbody\n",
     "news/broken.md:3:", "YAML syntax error: while parsing a flow sequence (line 2)"),
    ("unknown field", "news/broken.md", GOOD_NEWS.replace("source:", "sauce:"),
     "news/broken.md:5: sauce:", "did you mean 'source'"),
    ("bad date", "news/broken.md", GOOD_NEWS.replace("2024-05-06 09:30", "2024-02-30"),
     "news/broken.md:4: date:", "not a real date"),
    ("duplicate slug", "news/broken.md", GOOD_NEWS.replace("test-news", "hubei-delegation-visits-guangdong"),
     "news/broken.md:3: slug:", "already used"),
    ("missing required", "news/broken.md", GOOD_NEWS.replace("title: 测试新闻\n", ""),
     "news/broken.md:2: title:", "required field is missing"),
    ("non-ascii slug", "news/broken.md", GOOD_NEWS.replace("test-news", "测试"),
     "news/broken.md:3: slug:", "not an ASCII slug"),
    ("dangling successor", "policy/broken.md",
     "---\ntitle: 测试文件\nslug: test-policy\ndate: 2024-01-01\nstatus: repealed\nsuperseded_by: no-such-doc\n---\n正文\n",
     "policy/broken.md:6: superseded_by:", "no policy document has slug 'no-such-doc'"),
    ("bad status", "policy/broken.md", "---\ntitle: 测试文件\nslug: test-policy\ndate: 2024-01-01\nstatus: valid\n---\n正文\n",
     "policy/broken.md:5: status:", "expected one of: in_force, amended, repealed, expired"),
    ("missing image", "news/broken.md", GOOD_NEWS.replace("source: 测试来源\n", "images:\n  - src: images/news/nope.png\n"),
     "news/broken.md:6: images[0].src:", "does not exist"),
    ("orphan translation", "news/broken.en.md", GOOD_NEWS.replace("slug: test-news", "slug: test-news\nlang: en"),
     "news/broken.en.md:3: slug:", "no zh original"),
    ("raw script", "news/broken.md", GOOD_NEWS + "\n<script>alert(1)</script>\n",
     "news/broken.md:9: body:", "can run script"),
    ("event handler", "news/broken.md", GOOD_NEWS + '\n<img src="x" onerror="alert(1)">\n',
     "news/broken.md:9: body:", "can run script"),
]


@pytest.mark.parametrize("name,rel,text,where,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_kind_of_error_is_reported_with_file_line_and_field(tmp_path, name, rel, text, where, reason):
    content = copy_content(tmp_path)
    (content / rel).write_text(text, encoding="utf-8")
    result = build(content, tmp_path / "out")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if where in line]
    assert lines, f"expected '{where}' in:\n{result.stderr}"
    assert reason in lines[0]
    assert not (tmp_path / "out").exists()


def test_all_problems_are_reported_at_once(tmp_path):
    content = copy_content(tmp_path)
    (content / "news/a.md").write_text(GOOD_NEWS.replace("2024-05-06 09:30", "yesterday"), encoding="utf-8")
    (content / "news/b.md").write_text(GOOD_NEWS.replace("test-news", "b-news").replace("source:", "sorce:"),
                                       encoding="utf-8")
    (content / "news/c.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = build(content, tmp_path / "out")
    assert result.returncode != 0
    for where in ("news/a.md:4: date:", "news/b.md:5: sorce:", "news/c.md:2:"):
        assert where in result.stderr


def tree_digest(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_broken_file_leaves_previous_output_untouched(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert build(content, out).returncode == 0
    before = tree_digest(out)
    (content / "news/hubei-delegation-visits-guangdong.md").write_text(
        GOOD_NEWS.replace("test-news", "hubei-delegation-visits-guangdong").replace("title:", "titel:"),
        encoding="utf-8")
    result = build(content, out)
    assert result.returncode != 0
    assert tree_digest(out) == before
    assert not any(p.name.endswith((".building", ".old")) for p in tmp_path.iterdir())


def test_raw_html_is_sanitised_against_an_allow_list(tmp_path):
    content = copy_content(tmp_path)
    body = textwrap.dedent("""\
        <p class="x">Allowed <strong>bold</strong> and <u>underline</u>.</p>

        <marquee>moving</marquee> <font color="red">old font</font> <a href="http://example.org/" target="_blank">link</a>
        """)
    (content / "news/raw.md").write_text(GOOD_NEWS.replace("test-news", "raw-html") + "\n" + body, encoding="utf-8")
    out = tmp_path / "out"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    html = (out / "news/raw-html.html").read_text(encoding="utf-8")
    article = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert "<strong>bold</strong>" in article and "<u>underline</u>" in article
    assert "<marquee" not in article and "<font" not in article and "moving" in article
    assert 'target="_blank"' not in article and 'rel="noopener noreferrer"' in article


def test_make_check_validates_without_writing(tmp_path):
    script = [sys.executable, str(ROOT / "scripts/check_content.py"), "--settings", str(ROOT / "pelicanconf.py")]
    ok = subprocess.run(script + ["--content", str(ROOT / "content")], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    content = copy_content(tmp_path)
    (content / "news/broken.md").write_text(GOOD_NEWS.replace("2024-05-06 09:30", "2024-13-01"), encoding="utf-8")
    bad = subprocess.run(script + ["--content", str(content)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "news/broken.md:4: date:" in bad.stderr


def test_unknown_portal_setting_is_an_error(tmp_path):
    result = build(ROOT / "content", tmp_path / "out", extra={"PORTAL": '{"site_nam": {"zh": "x", "en": "y"}}'})
    assert result.returncode != 0
    assert "did you mean 'site_name'" in result.stdout + result.stderr


def test_a_file_that_cannot_be_read_is_an_error_not_a_gap(tmp_path):
    content = copy_content(tmp_path)
    (content / "news/dangling.md").symlink_to(tmp_path / "nowhere.md")
    result = build(content, tmp_path / "out")
    assert result.returncode != 0
    assert "news/dangling.md:1: -: this file could not be processed" in result.stderr
