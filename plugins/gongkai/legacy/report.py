"""Stage 7: the run's report, as JSON for tools and as one screen for the webmaster.

The JSON holds no timings, so two runs over the same input give the same report.
"""
from __future__ import annotations

import json
from collections import Counter

from .model import STATUSES, Document

SHOWN_PROBLEMS = 12


def page_entry(doc: Document) -> dict:
    return {"source": doc.path, "status": doc.status, "reason": doc.reason or None, "output": doc.output,
            "duplicate_of": doc.duplicate_of, "warnings": list(doc.warnings)}


def build(docs: list[Document], copied: Counter) -> dict:
    """The report: one entry per page, in input order, and the counts."""
    statuses = Counter(d.status for d in docs)
    imported = [d for d in docs if d.status == "imported"]
    summary = {"pages": len(docs), **{s: statuses.get(s, 0) for s in STATUSES},
               "news": sum(d.kind == "news" for d in imported),
               "policy": sum(d.kind == "policy" for d in imported),
               "images": sum(len(d.images) for d in imported),
               "attachments": sum(len(d.attachments) for d in imported),
               "files_written": copied.get("written", 0), "files_unchanged": copied.get("unchanged", 0),
               "files_kept": copied.get("kept", 0),
               "warnings": sum(len(d.warnings) for d in docs)}
    return {"pages": [page_entry(d) for d in docs], "summary": summary}


def dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def summary_text(report: dict, *, out: str, report_path: str | None, seconds: float, dry_run: bool) -> str:
    """What a person needs after a run, on one screen."""
    s = report["summary"]
    rate = s["pages"] / seconds if seconds > 0 else 0.0
    verb = "Would import" if dry_run else "Imported"
    lines = [
        f"{verb} {s['imported']} of {s['pages']} pages into {out} ({s['news']} news, {s['policy']} policy) "
        f"in {seconds:.1f} s ({rate:.0f} pages/s)",
        f"  skipped {s['skipped']} · duplicate {s['duplicate']} · failed {s['failed']} · warnings {s['warnings']}",
        f"  {s['images']} images, {s['attachments']} attachments; files written {s['files_written']}, "
        f"unchanged {s['files_unchanged']}, kept (edited, use --force) {s['files_kept']}",
    ]
    problems = [p for p in report["pages"] if p["status"] != "imported"]
    problems.sort(key=lambda p: p["status"] != "failed")
    for p in problems[:SHOWN_PROBLEMS]:
        lines.append(f"  {p['status']:<9} {p['source']}: {p['reason']}")
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
    if report_path:
        lines.append(f"Details and warnings: {report_path}")
    return "\n".join(lines)
