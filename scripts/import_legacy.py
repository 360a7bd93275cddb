#!/usr/bin/env python3
"""Import a saved legacy CMS site: ``python scripts/import_legacy.py SRC... --out content/ --report report.json``."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from gongkai.legacy import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
