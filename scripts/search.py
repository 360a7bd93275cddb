#!/usr/bin/env python3
"""Staff search over the Whoosh index the build wrote (Whoosh query syntax).

Examples:
  scripts/search.py 社会抚养费
  scripts/search.py 'title:计划生育 AND date:[2011 to 2012]' --type policy
  scripts/search.py services --lang en --json
"""
import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from gongkai.search.collect import TYPE_ORDER  # noqa: E402
from gongkai.search.index import search_whoosh  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split("\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", help="words, phrases, fields (title:, doc_number:, tags:, date:…), AND/OR/NOT")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--type", action="append", choices=TYPE_ORDER, help="only this content type (repeatable)")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")
    parser.add_argument("--index", default=str(ROOT / "output.cache" / "search"),
                        help="the build's search cache folder (SEARCH['cache_path']; default: output.cache/search, "
                             "beside the output of `make html`)")
    args = parser.parse_args(argv)
    try:
        total, hits = search_whoosh(args.index, args.lang, args.query, args.type or (), args.limit)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"total": total, "hits": [asdict(h) for h in hits]}, ensure_ascii=False, indent=1))
        return 0
    print(f"{total} result{'s' if total != 1 else ''} for {args.query}")
    for n, hit in enumerate(hits, start=1):
        print(f"{n:3}. {hit.title}  [{hit.type} {hit.date}]  /{hit.url}  ({hit.score})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
