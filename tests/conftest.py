"""Shared fixtures: build real sites into temp folders, serve them, drive Chromium."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "plugins"))

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def build(content: Path, output: Path, conf: Path = ROOT / "pelicanconf.py", extra: dict | None = None):
    """Run the real build (``pelican`` with the portal's settings) and return the process result."""
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(conf)]
    for key, value in (extra or {}).items():
        cmd += ["-e", f"{key}={value}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def copy_content(dest: Path) -> Path:
    """A private copy of the sample content that a test may break."""
    target = dest / "content"
    shutil.copytree(ROOT / "content", target)
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The sample portal, built once per test process."""
    out = tmp_path_factory.mktemp("site") / "output"
    result = build(ROOT / "content", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextlib.contextmanager
def served(directory: Path):
    """The base URL of *directory* served over HTTP on the loopback address."""
    server = serve(directory)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def parse_html(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def base_url(site):
    with served(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; missing Chromium is a failure, not a skip."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def page_nojs(browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()
