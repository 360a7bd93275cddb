"""Serve a built site the way a host configured from its ``_headers`` file would.

The pages are then checked under the real response headers (CSP with
``frame-ancestors``, ``nosniff`` and the rest), not only under their ``<meta>``
policy, so a header that breaks the portal's own scripts or styles shows up.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    """``_headers`` (Netlify format) as {path pattern: {header: value}}; '#' lines are comments."""
    rules: dict[str, dict[str, str]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
            continue
        name, sep, value = line.strip().partition(":")
        if current is None or not sep:
            raise ValueError(f"_headers:{number}: expected '  Name: value' under a path line, found {line!r}")
        current[name.strip()] = value.strip()
    return rules


class _HeaderHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve_with_headers(directory: Path, headers: dict[str, str]) -> http.server.ThreadingHTTPServer:
    """Serve *directory* on a free loopback port, adding *headers* to every response."""
    handler = type("Handler", (_HeaderHandler,), {"extra_headers": dict(headers)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
