"""YAML that remembers where each value came from.

PyYAML's composer keeps a mark on every node; we walk the node tree ourselves so
that each value's line is known (strictyaml shows why messages need it) and so
that *no* implicit typing happens: ``2012-04-28 10:30`` or ``no`` stay strings
and the content schema, not YAML, decides what a value means.
"""
from __future__ import annotations

import yaml

Path = tuple
# libyaml's parser (bundled with PyYAML's wheels) keeps line marks and is ~10x faster.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class Located:
    """A parsed document plus the line of every value, keyed by its path."""

    def __init__(self, data, lines: dict[Path, int], first_line: int, duplicates=()):
        self.data = data
        self.lines = lines
        self.first_line = first_line
        self.duplicates = list(duplicates)  # (line, path) of keys given twice

    def line(self, path: Path = ()) -> int:
        """Line of *path*, or of its nearest located ancestor."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, self.first_line)


def _walk(node, path, lines, offset, dups):
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in out:
                dups.append((key_node.start_mark.line + offset, path + (key,)))
            out[key] = _walk(value_node, path + (key,), lines, offset, dups)
            lines[path + (key,)] = key_node.start_mark.line + offset
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, path + (i,), lines, offset, dups) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:null" and node.style is None:
        return None
    return node.value


def load(text: str, first_line: int = 1) -> Located:
    """Parse one YAML document; *first_line* is the file line of its first line."""
    offset = first_line
    try:
        try:
            node = yaml.compose(text, Loader=LOADER)
        except yaml.YAMLError:
            # Rare: parse again with the pure-Python parser, whose marks point closer to the mistake.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + offset) if mark else first_line
        context = f"{exc.context} (line {exc.context_mark.line + offset}): " if exc.context_mark else ""
        raise YamlSyntaxError(line, f"YAML syntax error: {context}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(first_line, f"YAML syntax error: {exc}") from None
    lines: dict[Path, int] = {}
    dups: list = []
    data = {} if node is None else _walk(node, (), lines, offset, dups)
    return Located(data, lines, first_line, dups)


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """Split ``---`` fenced front matter from a Markdown body.

    Returns (yaml_text or None, first yaml line, body, first body line).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, 1, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:]), i + 2
    raise YamlSyntaxError(1, "front matter opened with '---' is never closed")
