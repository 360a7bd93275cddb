"""Security headers from one definition: ``SECURITY_HEADERS`` in pelicanconf.py.

A static host decides the HTTP headers, so the build writes them for the two
common kinds of host from the same setting the pages use: every page gets the
Content-Security-Policy in a ``<meta>`` tag (minus the directives a meta tag
cannot carry, such as ``frame-ancestors``) and the Referrer-Policy in
``<meta name="referrer">``; ``nginx-security-headers.conf`` holds ``add_header``
lines to ``include`` in the server block, and ``_headers`` is the file Netlify
and Cloudflare Pages read.  Change the setting and all three follow.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pelican import signals
from pelican.generators import Generator

CSP = "Content-Security-Policy"
# Directives browsers ignore in <meta http-equiv> (CSP Level 3, section 3.3).
META_IGNORED = ("frame-ancestors", "report-uri", "report-to", "sandbox")
# Each would let injected markup run script or style: the portal needs none of them.
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'")
HEADER_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
DIRECTIVE_RE = re.compile(r"^[a-z][a-z-]*$")
# Characters that would break out of an nginx quoted string or a header line.
BAD_VALUE_RE = re.compile(r"[\"$\\\x00-\x1f\x7f]")
NGINX_FILE = "nginx-security-headers.conf"
NETLIFY_FILE = "_headers"


class HeadersError(ValueError):
    """SECURITY_HEADERS is malformed; the message lists every problem."""

    exitcode = 2


@dataclass(frozen=True)
class SecurityHeaders:
    """The checked setting: the CSP as directives, then the other headers in order."""

    csp: tuple[tuple[str, str], ...]
    others: tuple[tuple[str, str], ...]

    @classmethod
    def from_settings(cls, settings: dict) -> "SecurityHeaders":
        raw = settings.get("SECURITY_HEADERS")
        where = "pelicanconf.py: SECURITY_HEADERS"
        if not isinstance(raw, dict):
            raise HeadersError(f"{where} must be a dict of header name -> value, found {type(raw).__name__}")
        problems = []
        policy = raw.get(CSP)
        if not isinstance(policy, dict) or not policy:
            problems.append(f"{where}: '{CSP}' must be a dict of directive -> sources, "
                            f"e.g. {{\"default-src\": \"'self'\"}}, found {policy!r}")
            policy = {}
        for directive, sources in policy.items():
            if not DIRECTIVE_RE.match(str(directive)):
                problems.append(f"{where}: {CSP}: '{directive}' is not a directive name (lower-case, e.g. 'img-src')")
            problems += _value_problems(f"{where}: {CSP}: '{directive}'", sources)
            for unsafe in UNSAFE_SOURCES:
                if isinstance(sources, str) and unsafe in sources.split():
                    problems.append(f"{where}: {CSP}: '{directive}' allows {unsafe}; the portal has no inline "
                                    "script, handler or style attribute, so it must never need it")
        others = []
        for name, value in raw.items():
            if name == CSP:
                continue
            if not HEADER_NAME_RE.match(str(name)):
                problems.append(f"{where}: '{name}' is not a header name")
            problems += _value_problems(f"{where}: '{name}'", value)
            others.append((str(name), value))
        if problems:
            raise HeadersError("\n".join(problems))
        return cls(tuple(policy.items()), tuple(others))

    @property
    def csp_header(self) -> str:
        return "; ".join(f"{directive} {sources}" for directive, sources in self.csp)

    @property
    def csp_meta(self) -> str:
        """The policy a page can state itself: the header's, without header-only directives."""
        return "; ".join(f"{d} {s}" for d, s in self.csp if d not in META_IGNORED)

    @property
    def referrer_policy(self) -> str | None:
        return dict(self.others).get("Referrer-Policy")

    def items(self) -> list[tuple[str, str]]:
        return [(CSP, self.csp_header), *self.others]

    def nginx(self) -> str:
        lines = ["# Security headers of the portal, generated from SECURITY_HEADERS in pelicanconf.py.",
                 "# include this file in the server block; 'always' adds them to error responses too.",
                 "# A location block with its own add_header lines must include it again (nginx does",
                 "# not merge add_header across levels)."]
        lines += [f'add_header {name} "{value}" always;' for name, value in self.items()]
        return "\n".join(lines) + "\n"

    def netlify(self) -> str:
        lines = ["# Security headers of the portal, generated from SECURITY_HEADERS in pelicanconf.py.", "/*"]
        lines += [f"  {name}: {value}" for name, value in self.items()]
        return "\n".join(lines) + "\n"


def _value_problems(where: str, value) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"{where} must be non-empty text, found {value!r}"]
    bad = BAD_VALUE_RE.search(value)
    if bad:
        return [f"{where} contains {bad.group(0)!r}, which cannot appear in a header value"]
    return []


class HeadersGenerator(Generator):
    """Puts the headers in the template context, then writes the server files."""

    def generate_context(self):
        self.headers = self.context["SECURITY"] = SecurityHeaders.from_settings(self.settings)

    def generate_output(self, writer):
        for name, text in ((NGINX_FILE, self.headers.nginx()), (NETLIFY_FILE, self.headers.netlify())):
            with open(os.path.join(writer.output_path, name), "w", encoding="utf-8") as fh:
                fh.write(text)


def get_generators(pelican):
    return HeadersGenerator


def register():
    signals.get_generators.connect(get_generators)
