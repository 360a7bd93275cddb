"""Search, measured: build cost, index size, bytes per cold query, recall and warm query time.

Generates a corpus (bench/corpus.py) of at least 10,000 zh and 1,000 en
documents, builds it with the portal's settings (cold, then after editing one
article, counting the static index files that rebuild kept), then drives
Chromium over the built site: each query of a fixed set runs once in a fresh browser context
(cold: nothing cached) counting the bytes of index files fetched, then again in
a warm page (files already loaded) timing the search and the rendering.  Recall
compares the browser's result set with exact substring matching over the
Markdown documents' title, metadata and body.  Figures are printed, never
asserted; the targets are printed beside them.

    .venv/bin/python bench/search_bench.py [--n 9000] [--keep]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import corpus  # noqa: E402
from gongkai.search.analysis import normalize  # noqa: E402
from gongkai.search.collect import html_text  # noqa: E402

QUERIES = {
    "zh": {
        1: ["计划生育", "流动人口", "人口计", "抚养费", "出生缺陷", "避孕药具", "优质服务", "领导小组", "奖励扶助",
            "宣传教育", "村民自治", "考核", "技术服务", "婚育证明", "诚信计生", "育龄妇女"],
        2: ["流动人口 服务", "计划生育 奖励", "人口计生 考核", "出生缺陷 干预", "免费 避孕药具", "社会抚养费 征收",
            "优质服务 创建", "村民自治 章程", "婚育证明 办理", "宣传 培训", "领导小组 组长", "技术服务 站"],
    },
    "en": {
        1: ["services", "migrant", "contraceptives", "registration", "households", "elderly"],
        2: ["family planning", "migrant services", "free contraceptives", "health consultation",
            "reward support", "community residents"],
    },
}
TARGETS = "targets: ≤ 100 KB per cold 2-term query, recall 1.0, warm p95 ≤ 50 ms"
LOG_RE = re.compile(r"search (zh|en): (\d+) documents.*?, ([\d.]+) s")


def build(content: Path, output: Path) -> tuple[float, float, dict[str, float], str]:
    """Whole build: wall seconds, CPU seconds (all processes), search seconds per language (from the log), the log."""
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"),
           "--verbose"]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "COLUMNS": "400"})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed:\n{text[-6000:]}")
    log = " ".join(text.split())
    return seconds, usage.ru_utime + usage.ru_stime, {m[1]: float(m[3]) for m in LOG_RE.finditer(log)}, log


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def markdown_texts(content: Path, lang: str) -> dict[str, str]:
    """URL → normalised searchable text of every Markdown document in *lang*."""
    out = {}
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
        if meta.get("lang", "zh") != lang:
            continue
        folder = path.relative_to(content).parts[0]
        url_dir = {"news": "news", "policy": "policy", "agreements": "agreements"}.get(folder)
        slug = meta["slug"]
        url = f"{url_dir}/{slug}.html" if url_dir else f"{slug}.html"
        if lang != "zh":
            url = f"{lang}/{url}"
        values = [str(meta.get(k) or "") for k in ("title", "source", "region", "doc_number")]
        values += [str(v) for k in ("tags", "issuer") for v in (meta.get(k) or [])]
        body = re.sub(r"\[\[\s*[A-Za-z0-9_]+\s*\]\]", " ", body)
        out[url] = normalize("\n".join(values + [html_text(body)]))
    return out


def truth(texts: dict[str, str], query: str) -> set[str]:
    chunks = normalize(query).split()
    return {url for url, text in texts.items() if all(c in text for c in chunks)}


def serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=9000, help="zh news articles (default 9000 → ≥10,000 zh documents)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs of each query")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-search-bench-"))
    try:
        content = corpus.generate(tmp, args.n)
        output = tmp / "output"
        seconds, cpu, index_seconds, _ = build(content, output)
        static = {lang: folder_size(output / ("search" if lang == "zh" else "en/search"))
                 for lang in ("zh", "en")}
        docs = {lang: json.loads((output / ("search" if lang == "zh" else "en/search") / "meta.json")
                                 .read_text())["docs"] for lang in ("zh", "en")}
        print(f"corpus: {docs['zh']} zh + {docs['en']} en searchable documents in {tmp}")
        print(f"cold build: {seconds:.1f} s ({cpu:.1f} s CPU); search indexing {sum(index_seconds.values()):.1f} s "
              f"({' + '.join(f'{k} {v:.1f}' for k, v in index_seconds.items())}) = "
              f"{100 * sum(index_seconds.values()) / seconds:.0f}% of the build")
        before = inodes(output / "search")
        article = content / "news" / "news-00001.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n\n编辑后新增的段落。\n", encoding="utf-8")
        seconds2, cpu2, index2, log2 = build(content, output)
        analysed = re.findall(r"search zh: \d+ documents \((\d+) analysed", log2)
        after = inodes(output / "search")
        kept = sum(1 for name, ino in after.items() if before.get(name) == ino)
        print(f"rebuild after editing one article: {seconds2:.1f} s ({cpu2:.1f} s CPU) = {seconds2 / seconds:.2f}× "
              f"the cold build; search {sum(index2.values()):.2f} s, zh documents analysed again: "
              f"{analysed[0] if analysed else '?'}, zh static files reused unchanged: {kept} of {len(after)}")
        for lang, (size, count) in static.items():
            print(f"static index {lang}: {size / 1e6:.1f} MB in {count} files")
        for lang in ("zh", "en"):
            size, count = folder_size(Path(f"{output}.cache") / "search" / f"whoosh-{lang}")
            print(f"Whoosh index {lang} (staff CLI, outside the site): {size / 1e6:.1f} MB")
        server = serve(output)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            for lang, sets in QUERIES.items():
                texts = markdown_texts(content, lang)
                page_url = f"{base}/{'' if lang == 'zh' else 'en/'}search.html"
                warm_ctx = browser.new_context(bypass_csp=True)
                warm = warm_ctx.new_page()
                for terms, queries in sets.items():
                    for query in queries:
                        ctx = browser.new_context(bypass_csp=True)
                        page = ctx.new_page()
                        fetched = []
                        page.on("response", lambda r: "/search/" in r.url
                                and fetched.append(int(r.headers.get("content-length", 0))))
                        page.goto(f"{page_url}?q={urllib.parse.quote(query)}")
                        page.locator("[data-search-status][aria-busy=false]").wait_for(timeout=120000)
                        ids = page.evaluate("""q => GongkaiSearch.search(GongkaiSearch.page.index, {q: q})
                                               .then(r => r.results.map(x => x.id))""", query)
                        ctx.close()
                        folder = output / ("search" if lang == "zh" else "en/search")
                        urls = {json.loads((folder / "d" / f"{i}.json").read_text())["u"] for i in ids}
                        expected = truth(texts, query)
                        recall = len(urls & expected) / len(expected) if expected else 1.0
                        warm.goto(f"{page_url}?q={urllib.parse.quote(query)}")
                        warm.locator("[data-search-status][aria-busy=false]").wait_for(timeout=120000)
                        times = warm.evaluate("""async ([q, n]) => {
                            const out = [];
                            for (let i = 0; i < n; i++) {
                              const t = performance.now();
                              history.pushState(null, "", "?q=" + encodeURIComponent(q));
                              await GongkaiSearch.page.run();
                              out.push(performance.now() - t);
                            }
                            return out; }""", [query, args.repeat])
                        rows.append((lang, terms, query, sum(fetched), len(fetched), len(expected), len(ids),
                                     recall, times))
                warm_ctx.close()
            browser.close()
        server.shutdown()
        print(f"\n{'lang':4} {'terms':5} {'query':18} {'KB cold':>8} {'files':>5} {'expected':>8} "
              f"{'returned':>8} {'recall':>6} {'warm ms (median)':>16}")
        for lang, terms, query, size, files, expected, returned, recall, times in rows:
            print(f"{lang:4} {terms:5} {query:18} {size / 1024:8.1f} {files:5} {expected:8} {returned:8} "
                  f"{recall:6.3f} {statistics.median(times):16.1f}")
        print()
        for lang in QUERIES:
            for terms in (1, 2):
                sizes = [r[3] / 1024 for r in rows if r[0] == lang and r[1] == terms]
                print(f"{lang} {terms}-term cold queries: median {statistics.median(sizes):.1f} KB, "
                      f"max {max(sizes):.1f} KB fetched")
        recalls = [r[7] for r in rows]
        warm_all = [t for r in rows for t in r[8]]
        print(f"recall against exact substring matching: min {min(recalls):.3f}, mean {statistics.mean(recalls):.3f}")
        print(f"warm query time in Chromium (search + render): median {statistics.median(warm_all):.1f} ms, "
              f"p95 {pct(warm_all, 95):.1f} ms over {len(warm_all)} runs")
        print(TARGETS)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
