"""Orchestration: the import in phases, and the command line.

``import_sources`` runs these phases; nothing is written until every page is read:

1. collect — walk each SRC (files and folders, recursively, sorted) for saved pages;
2. read — each page through ``import_page``;
3. resolve — same title, date and body is one article: the copy without a browser
   "saved from" mark (else the first) is kept, the others become ``duplicate``;
   slugs; asset targets;
4. write — assets, then Markdown (skipped by ``--dry-run``).

``import_page`` is the per-page cascade: sniff the bytes (empty, binary) → decode
→ refuse truncated pages → parse and clean a copy (turned Simplified when the
page is Traditional) → find the article container (or skip a list page) →
metadata chain → sort the container's blocks into body, figures, attachments,
bylines and document number → signature (issuer, date written) → normalise the
text → one Document.  It is also the failure boundary: an exception while
reading one page is recorded as that page's ``failed`` reason (type and
message) and the run goes on.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from . import metadata as meta
from .assets import Planner
from .clean import clean, parse
from .decode import decode, saved_from, sniff, truncated
from .extract import attachment_box, blocks, find_container, split_body
from .model import Document, ImportOptions, PageFile, Paragraph, Rejection
from .normalise import doc_number, finish, is_traditional, simplified_tree
from .report import build, dumps, summary_text
from .write import OutsideOutput, markdown, output_path, put, slug_for

PAGE_SUFFIXES = frozenset({".htm", ".html", ".shtml", ".asp", ".aspx", ".php", ".jsp"})
PARALLEL_FROM = 64  # pages; below this a process pool costs more than it saves


# -- 1. collect --------------------------------------------------------------------------------------

def collect(sources: tuple[Path, ...]) -> list[PageFile]:
    """Pages under each SRC in sorted order; a file given directly is taken whatever its name."""
    pages: list[PageFile] = []
    seen: set[Path] = set()
    for src in sources:
        root = src.resolve()
        if root.is_file():
            found = [(root, root.parent, root.name, src.as_posix())]
        else:
            found = []
            for folder, files in _sorted_walk(root):
                rel_folder = Path(folder).relative_to(root)
                found += [(Path(folder, name), root, (rel_folder / name).as_posix(),
                           (src / rel_folder / name).as_posix())
                          for name in files if Path(name).suffix.lower() in PAGE_SUFFIXES]
        for path, base, rel, shown in found:
            if path not in seen:
                seen.add(path)
                pages.append(PageFile(path, base, rel, shown))
    return pages


def _sorted_walk(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        yield folder, sorted(files)


# -- 2. read -----------------------------------------------------------------------------------------

def failed(path: str, exc: Exception) -> Document:
    """The page's record when handling it raised: the exception's type and message are the reason."""
    return Document(path=path, status="failed", reason=f"{type(exc).__name__}: {exc}")


def import_page(page: PageFile, options: ImportOptions) -> Document:
    """One page through the cascade; see the module docstring."""
    try:
        return _cascade(page, options)
    except Exception as exc:  # the per-page failure boundary: recorded, never hidden
        return failed(page.shown, exc)


def _cascade(page: PageFile, options: ImportOptions) -> Document:
    if not page.path.resolve().is_relative_to(page.root):
        return Document.rejected(page, Rejection("skipped", "refused: the file links to a place outside SRC"))
    data = page.path.read_bytes()
    rejection = sniff(data)
    if rejection:
        return Document.rejected(page, rejection)
    decoded = decode(data)
    rejection = truncated(decoded.text)
    if rejection:
        return Document.rejected(page, rejection, decoded.warnings)
    traditional = is_traditional(decoded.text)
    tree = clean(parse(decoded.text))
    if traditional:
        tree = simplified_tree(tree)
    container = find_container(tree)
    if isinstance(container, Rejection):
        return Document.rejected(page, container, decoded.warnings)
    info = meta.read_page(tree, container, page.rel)
    title = meta.extract_title(info)
    if not title:
        return Document.rejected(page, Rejection("failed", "no headline found: no heading or title block "
                                                           "and an empty <title>"), decoded.warnings)
    body = split_body(blocks(container) + attachment_box(container), title)
    dated = meta.extract_date(info)
    if dated is None:
        return Document.rejected(page, Rejection(
            "failed", "no publication date found (looked for 发布时间/发布日期/发文日期/更新时间, the info line "
                      "under the headline, <meta> dates and the file path)"), decoded.warnings)
    day, clock, where = dated
    warnings = list(decoded.warnings)
    if where == "the file path":
        warnings.append("date taken from the file path; the page shows none")
    number = meta.extract_doc_number(info) or next(
        (n for n in map(doc_number, body.doc_numbers) if n), None)
    kind = "policy" if number else "news"
    paragraphs = tuple(item.text for item in body.items if isinstance(item, Paragraph))
    signed_by, signed_on = meta.signature(paragraphs) if number else ((), None)
    saved_url = saved_from(decoded.text)
    doc = Document(
        path=page.shown, status="imported", kind=kind, title=title, date=day, time=clock,
        source=meta.extract_source(info),
        authors=(meta.Byline(meta.extract_info_authors(info)) + body.byline).authors,
        photographers=body.byline.photographers, doc_number=number,
        issuers=meta.extract_issuers(info) or signed_by, index_no=meta.extract_index_no(info),
        written=meta.extract_written(info) or signed_on,
        topic=meta.extract_topic(info) if kind == "policy" else None, tags=meta.extract_tags(info),
        body=body.items, attachments=body.attachments,
        legacy_url=saved_url or (options.base_url + page.rel if options.base_url else page.rel),
        saved_copy=saved_url is not None, encoding=decoded.encoding, traditional=traditional,
        warnings=tuple(warnings))
    return finish(doc)


def read_all(pages: list[PageFile], options: ImportOptions) -> list[Document]:
    bar = tqdm(total=len(pages), unit="page", disable=not options.progress, file=sys.stderr)
    try:
        if options.jobs > 1 and len(pages) >= PARALLEL_FROM:
            with ProcessPoolExecutor(options.jobs) as pool:
                docs = []
                for doc in pool.map(import_page, pages, [options] * len(pages), chunksize=16):
                    docs.append(doc)
                    bar.update()
                return docs
        docs = []
        for page in pages:
            docs.append(import_page(page, options))
            bar.update()
        return docs
    finally:
        bar.close()


# -- 3. resolve --------------------------------------------------------------------------------------

def resolve(docs: list[Document], pages: list[PageFile]) -> tuple[list[Document], dict]:
    """Duplicates, slugs and asset targets, decided for the whole run at once; also the copies to make."""
    kept: dict[tuple, Document] = {}
    for doc in sorted((d for d in docs if d.status == "imported"), key=lambda d: d.saved_copy):
        kept.setdefault((doc.title, doc.date, doc.paragraphs), doc)
    slugs: dict[str, tuple] = {}
    planner = Planner()
    out: list[Document] = []
    for doc, page in zip(docs, pages):
        if doc.status == "imported":
            key = (doc.title, doc.date, doc.paragraphs)
            original = kept[key]
            if original is not doc:
                out.append(replace(doc, status="duplicate", reason=f"same title, date and body as {original.path}",
                                   duplicate_of=original.path))
                continue
            slug, tries = slug_for(doc), 0
            while slugs.setdefault(slug, key) != key:  # another article with the same date and title
                tries += 1
                slug = slug_for(doc, salt=f"{page.rel}\n{tries}")
            try:
                doc = planner.plan(replace(doc, slug=slug), page)
            except Exception as exc:  # the same per-page failure boundary
                doc = failed(doc.path, exc)
            else:
                doc = replace(doc, output=output_path(doc))
        out.append(doc)
    return out, planner.copies


# -- 4. write ----------------------------------------------------------------------------------------

def write_all(docs: list[Document], copies: dict, options: ImportOptions) -> tuple[list[Document], Counter]:
    """Assets, then Markdown; a file that would not change is not touched."""
    counts: Counter = Counter()
    notes: dict[str, str] = {}  # asset target -> what went wrong with it
    for target, planned in sorted(copies.items()):
        try:
            outcome = put(options.out, target, planned.origin.read_bytes(), options.force)
        except (OutsideOutput, OSError) as exc:
            notes[target] = f"{target} not copied: {exc}"
            continue
        counts[outcome] += 1
        if outcome == "kept":
            notes[target] = f"{target} exists with other content; kept it (use --force to replace)"
    out = []
    for doc in docs:
        if doc.status == "imported":
            try:
                text, warnings = markdown(doc)
                doc = doc.warn(*warnings, *(notes[t] for t in _targets(doc) if t in notes))
                outcome = put(options.out, doc.output, text.encode("utf-8"), options.force)
            except Exception as exc:  # the same per-page failure boundary
                doc = failed(doc.path, exc)
            else:
                counts[outcome] += 1
                if outcome == "kept":
                    doc = doc.warn(f"{doc.output} exists and was edited; kept it (use --force to replace)")
        out.append(doc)
    return out, counts


def _targets(doc: Document) -> list[str]:
    return [f.target for f in doc.images] + [a.target for a in doc.attachments]


def import_sources(options: ImportOptions) -> tuple[list[Document], Counter]:
    """Run every phase; returns the documents (input order) and the file-write counts."""
    pages = collect(options.sources)
    docs, copies = resolve(read_all(pages, options), pages)
    if options.dry_run:
        return docs, Counter()
    return write_all(docs, copies, options)


# -- command line ------------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="import_legacy.py",
        description="Import saved pages of a legacy CMS site as Markdown content (news and policy).")
    p.add_argument("sources", nargs="+", metavar="SRC", type=Path, help="saved pages or folders of them")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="content folder to write into")
    p.add_argument("--report", required=True, type=Path, metavar="REPORT.json", help="where to write the report")
    p.add_argument("--dry-run", action="store_true", help="read and report, write nothing but the report")
    p.add_argument("--base-url", metavar="URL", help="the old site's address, to record each page's legacy_url")
    p.add_argument("--force", action="store_true", help="replace output files that were edited since the last run")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="pages read in parallel (default: the number of CPUs)")
    return p


def main(argv: list[str] | None = None) -> int:
    """0 when no page failed, 1 when any did; argparse exits 2 on bad arguments."""
    args = parser().parse_args(argv)
    missing = [str(s) for s in args.sources if not s.exists()]
    if missing:
        parser().error(f"SRC not found: {', '.join(missing)}")
    try:
        options = ImportOptions(tuple(args.sources), args.out, args.report, args.dry_run, args.base_url,
                                args.force, sys.stderr.isatty(), args.jobs)
    except ValueError as exc:
        parser().error(str(exc))
    started = time.perf_counter()
    docs, counts = import_sources(options)
    report = build(docs, counts)
    options.report.parent.mkdir(parents=True, exist_ok=True)
    options.report.write_text(dumps(report), encoding="utf-8")
    print(summary_text(report, out=str(options.out), report_path=str(options.report),
                       seconds=time.perf_counter() - started, dry_run=args.dry_run))
    return 1 if report["summary"]["failed"] else 0
