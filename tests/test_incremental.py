"""An incremental rebuild redoes only what changed, and its output equals a cold build's, byte for byte."""
from __future__ import annotations

import hashlib
import queue
import re
import socket
import subprocess
import sys
import threading
import time

from conftest import ROOT, build, copy_content


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


class Serve:
    """``make serve`` (``scripts/serve.py``) on *content*, its output read line by line."""

    def __init__(self, content, output):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        cmd = [sys.executable, str(ROOT / "scripts" / "serve.py"), str(content), "-o", str(output),
               "-s", str(ROOT / "pelicanconf.py"), "--bind", "127.0.0.1", "--port", str(port)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 180) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{''.join(self.seen[-40:])}")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def wait_until(check, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_serve_shows_an_edit_at_once_misses_no_save_and_keeps_the_last_good_site(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    article = content / "news" / "yixiu-population-work-conference-2012.md"
    page = out / "news" / "yixiu-population-work-conference-2012.html"
    original = article.read_text(encoding="utf-8")
    server = Serve(content, out)
    try:
        server.wait_for(r"Done: Processed")
        time.sleep(1)  # the watch starts once the first build is done
        article.write_text(original + "\n\n保存后立刻可见的一段。\n", encoding="utf-8")
        server.wait_for(r"Preview: 1 edited page\(s\) updated")
        assert "保存后立刻可见的一段" in page.read_text(encoding="utf-8")  # before the rebuild is done
        # the rebuild renders the article, the news list and the home page only
        assert server.wait_for(r"Pages: (\d+) rendered").group(1) == "3"
        # saved after that rebuild read the file, before it is done: Pelican's --autoreload would miss it
        article.write_text(original + "\n\n保存后立刻可见的一段。\n\n构建期间保存的一段。\n", encoding="utf-8")
        wait_until(lambda: "构建期间保存的一段" in page.read_text(encoding="utf-8"))
        server.wait_for(r"Done: Processed")

        article.write_text(original.replace("title:", "title: [", 1), encoding="utf-8")  # broken YAML
        server.wait_for(r"yixiu-population-work-conference-2012\.md:\d+")
        server.wait_for(r"Build failed")
        assert "构建期间保存的一段" in page.read_text(encoding="utf-8")  # the last good site stays

        article.write_text(original, encoding="utf-8")  # back to the start: no preview of the failed state
        server.wait_for(r"Done: Processed")
        assert "保存后立刻可见的一段" not in page.read_text(encoding="utf-8")
    finally:
        server.stop()


def test_adding_and_removing_an_article_rebuilds_equal_cold_builds(tmp_path):
    content = copy_content(tmp_path)
    warm = tmp_path / "warm"
    assert build(content, warm).returncode == 0
    source = (content / "news" / "yixiu-population-work-conference-2012.md").read_text(encoding="utf-8")
    added = content / "news" / "yixiu-population-work-conference-2013.md"
    added.write_text(source.replace("2012", "2013").replace("宜秀区召开", "宜秀区再次召开"), encoding="utf-8")
    for step in ("added", "removed"):
        again = build(content, warm)
        assert again.returncode == 0, again.stderr
        cold = build(content, tmp_path / f"cold-{step}")
        assert cold.returncode == 0, cold.stderr
        assert digest_tree(warm) == digest_tree(tmp_path / f"cold-{step}"), step
        added.unlink(missing_ok=True)
