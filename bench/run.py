"""``make bench``: the portal against plain Pelican on the same pages, in one run.

Builds (a) plain Pelican with its default theme and (b) the full portal, cold;
then the portal warm with no change, after editing one article and after adding
one, and under ``make serve`` (``scripts/serve.py``) the time from saving an edit
to its page being in the output.  Prints medians of the runs, ratios to plain
Pelican, peak memory and output file counts, then the feature benchmarks that
exist under bench/.
Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

PLAIN_CONF = """\
PATH = {content!r}
SITENAME = "plain"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
ARTICLE_PATHS = ["news", "policy", "agreements"]
PAGE_PATHS = ["pages"]
READERS = {{"rst": None, "html": None, "htm": None}}
"""

FEATURE_BENCHES = ("search_bench.py", "import_bench.py", "page_weight.py")


def timed(cmd, cwd=ROOT) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        log.seek(0)
        stderr = log.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {' '.join(map(str, cmd))}\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def settled(output: Path, timeout: float = 120) -> None:
    """Wait for what a build leaves to detached processes (deleting the previous output, saving
    caches): each build is timed on its own, as when an editor saves seconds apart."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (list(output.parent.glob(output.name + ".old*"))
                                           or list(output.parent.glob(output.name + ".cache/**/*.[0-9]*.tmp"))):
        time.sleep(0.05)


def median_run(label, cmd, runs, before=None, output: Path | None = None):
    times, peak = [], 0
    for _ in range(runs):
        if before:
            before()
        if output is not None:
            settled(output)
        seconds, rss = timed(cmd)
        times.append(seconds)
        peak = max(peak, rss)
    med = statistics.median(times)
    print(f"  {label:<34} {med:7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})  peak {peak} MB")
    return med, peak


def _holds(page: Path, text: str) -> bool:
    try:
        return text in page.read_text(encoding="utf-8")
    except FileNotFoundError:  # the output folder is being swapped
        return False


def serve_edits(cmd, article: Path, page: Path, runs: int) -> tuple[float, float]:
    """``make serve`` (``scripts/serve.py``): medians of the seconds from saving an edit to the
    edited page holding it in the output, and to the end of the rebuild that follows."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = queue.Queue()
    threading.Thread(target=lambda: [done.put(time.perf_counter()) for line in proc.stdout
                                     if line.startswith("Done:")], daemon=True).start()
    shown, rebuilt = [], []
    try:
        done.get(timeout=600)
        for i in range(runs):
            time.sleep(2)  # the edits are timed one at a time
            marker = f"服务预览标记{i}"
            saved = time.perf_counter()
            with open(article, "a", encoding="utf-8") as fh:
                fh.write(f"\n\n{marker}。\n")
            while not _holds(page, marker):
                if time.perf_counter() - saved > 600:
                    raise SystemExit("make serve: the edit never reached the output")
                time.sleep(0.01)
            shown.append(time.perf_counter() - saved)
            rebuilt.append(done.get(timeout=600) - saved)
    finally:
        proc.kill()
        proc.wait()
    print(f"  {'make serve, save to page shown':<34} {statistics.median(shown):7.2f} s  "
          f"(runs: {', '.join(f'{t:.2f}' for t in shown)}); rebuild done after "
          f"{', '.join(f'{t:.2f}' for t in rebuilt)} s")
    return statistics.median(shown), statistics.median(rebuilt)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="zh news articles (default 5000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    try:
        content = corpus.generate(tmp, args.n)
        md_files = sum(1 for _ in content.rglob("*.md"))
        print(f"corpus: {md_files} Markdown files (N={args.n}), "
              f"{sum(1 for _ in content.glob('directory/*.yaml'))} directory files in {tmp}")
        (tmp / "plainconf.py").write_text(PLAIN_CONF.format(content=str(content)), encoding="utf-8")
        plain_out, portal_out = tmp / "plain", tmp / "portal"
        pelican = [sys.executable, "-m", "pelican"]
        plain_cmd = pelican + [str(content), "-o", str(plain_out), "-s", str(tmp / "plainconf.py"),
                               "--delete-output-directory"]
        portal_cmd = pelican + [str(content), "-o", str(portal_out), "-s", str(ROOT / "pelicanconf.py")]

        def cold():
            shutil.rmtree(portal_out, ignore_errors=True)
            shutil.rmtree(f"{portal_out}.cache", ignore_errors=True)

        print("builds (median of runs):")
        plain, plain_peak = median_run("plain Pelican, cold", plain_cmd, args.runs,
                                       before=lambda: shutil.rmtree(plain_out, ignore_errors=True))
        portal, portal_peak = median_run("portal, cold", portal_cmd, args.runs, before=cold, output=portal_out)
        warm, warm_peak = median_run("portal, warm (no change)", portal_cmd, args.runs, output=portal_out)
        article = content / "news" / "news-00001.md"
        original = article.read_text(encoding="utf-8")
        counter = iter(range(10 ** 6))

        def edit():
            article.write_text(original + f"\n\n编辑后的段落{next(counter)}。\n", encoding="utf-8")

        edited, edit_peak = median_run("portal, after editing one article", portal_cmd, args.runs, before=edit,
                                       output=portal_out)

        def add():
            i = next(counter)
            (content / "news" / f"added-{i}.md").write_text(
                f"---\ntitle: 新增文章{i}\nslug: added-{i}\ndate: 2026-01-01\n---\n新增正文。\n", encoding="utf-8")

        added, add_peak = median_run("portal, after adding one article", portal_cmd, args.runs, before=add,
                                     output=portal_out)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        serve_cmd = [sys.executable, str(ROOT / "scripts" / "serve.py"), str(content), "-o", str(portal_out),
                     "-s", str(ROOT / "pelicanconf.py"), "--bind", "127.0.0.1", "--port", str(port)]
        shown, rebuilt = serve_edits(serve_cmd, article, portal_out / "news" / "news-00001.html", args.runs)
        print("ratios:")
        print(f"  portal cold / plain cold           {portal / plain:5.2f}×  (target ≤ 1.0)")
        print(f"  portal warm / portal cold          {warm / portal:5.2f}×")
        print(f"  one-article edit / portal cold     {edited / portal:5.2f}×  (target ≤ 0.2)")
        print(f"  one-article add / portal cold      {added / portal:5.2f}×")
        print(f"  make serve: edit shown after       {shown:5.2f} s  (target about 1 s; full rebuild done after "
              f"{rebuilt:.2f} s)")
        print(f"peak memory: plain {plain_peak} MB, portal {max(portal_peak, warm_peak, edit_peak, add_peak)} MB "
              f"(cold {portal_peak}, warm {warm_peak}, edit {edit_peak}, add {add_peak}; target ≤ 1024 MB)")
        print(f"output files: plain {count_files(plain_out)}, portal {count_files(portal_out)}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    for name in FEATURE_BENCHES:
        script = HERE / name
        if script.exists():
            print(f"\n== {name}")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
