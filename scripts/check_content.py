#!/usr/bin/env python3
"""Validate the portal's content without building it (``make check``)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from gongkai.check import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
