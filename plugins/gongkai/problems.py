"""Content problems as values.

Every check appends a :class:`Problem` instead of raising, so one build reports
every mistake at once (Pelican's ``is_valid`` / pydantic's ``ValidationError``),
each located as ``path:line: field: message`` for the editor who has to fix it.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    code: str = "invalid"
    input: object = field(default=None, compare=False)  # the raw value; a mapping is not hashable

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '-'}: {self.message}"


class ContentError(Exception):
    """Raised once, after all content was read, when any problem was found."""

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        super().__init__(f"{count} content problem{'s' if count != 1 else ''} (listed above); "
                         "nothing was written, the previous output is untouched")

    def report(self) -> str:
        """One ``path:line: field: message`` line per problem, for the editor."""
        return "\n".join(str(p) for p in self.problems)


@dataclass
class ProblemLog:
    """Collects problems: of one file, or of a whole build run."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file, line, field_path, message, code="invalid", input=None):
        self.items.append(Problem(str(file), int(line or 1), field_path, message, code, input))

    def extend(self, problems):
        self.items.extend(problems)

    def __bool__(self):
        return bool(self.items)

    def clear(self):
        self.items.clear()


def did_you_mean(word: str, choices) -> str:
    """A MkDocs-style hint for a near miss, or ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
