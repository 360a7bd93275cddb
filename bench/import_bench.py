#!/usr/bin/env python3
"""Import speed: ≥ 1,000 generated legacy pages, reported as pages per second.

The pages are variants of the sample set (``../shared/samples/legacy``): each
copy gets its own title, date and opening sentence, is re-encoded in the
sample's own charset and saved under a dated folder, so the importer does the
full work (no duplicates) on realistic layouts.  Run:
``python bench/import_bench.py [--pages N] [--jobs N]``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples" / "legacy"
sys.path.insert(0, str(ROOT / "plugins"))

from gongkai.legacy import ImportOptions, import_sources  # noqa: E402


def date_forms(day: dt.date) -> list[str]:
    """How the samples write a page date."""
    return [f"{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日"]


def variants(count: int):
    """(relative path, bytes) for *count* pages cycling through the article samples."""
    samples = []
    for path in sorted(SAMPLES.glob("*.expected.json")):
        exp = json.loads(path.read_text(encoding="utf-8"))
        if exp["kind"] == "article" and not exp["duplicate_of"]:
            page = SAMPLES / exp["file"]
            samples.append((page, exp, page.read_bytes().decode(exp["encoding"])))
    for n in range(count):
        page, exp, text = samples[n % len(samples)]
        old_day = dt.date.fromisoformat(exp["date"])
        day = old_day + dt.timedelta(days=n)
        text = text.replace(exp["title"], f"{exp['title']}（第{n}期）")
        for old, new in zip(date_forms(old_day), date_forms(day)):
            text = text.replace(old, new)
        text = text.replace(exp["body_first"], f"{exp['body_first']}第{n}次", 1)
        rel = Path(page.stem.split("_")[0]) / f"{day:%Y}" / f"{day:%m}" / f"{page.stem}_{n}{page.suffix}"
        yield rel, text.encode(exp["encoding"], "xmlcharrefreplace")


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        src, out = Path(tmp) / "site", Path(tmp) / "content"
        for rel, data in variants(args.pages):
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_bytes(data)
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        docs, _ = import_sources(ImportOptions((src,), out, jobs=args.jobs))
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    imported = sum(d.status == "imported" for d in docs)
    # CPU time too: on a shared machine the wall clock also measures everybody else.
    print(f"{len(docs)} pages ({imported} imported) in {seconds:.2f} s with {args.jobs} job(s): "
          f"{len(docs) / seconds:.0f} pages/s; {cpu / len(docs) * 1000:.1f} ms CPU per page "
          f"({len(docs) / cpu:.0f} pages per CPU-second)")
    return 0 if imported == len(docs) else 1


if __name__ == "__main__":
    sys.exit(main())
