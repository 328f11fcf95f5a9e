"""Safe YAML reading that remembers where every value came from.

PyYAML's safe composer gives nodes with marks; we build plain Python data from
them ourselves so we can (a) keep a line and column for every key and value,
(b) report duplicate keys, which PyYAML silently drops, and (c) refuse
recursive aliases and alias bombs instead of expanding them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import DefinitionError, Problem

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "Located", "read_text", "parse_yaml"]

MAX_FILE_BYTES = 1_000_000  # a procedure is a few kilobytes; anything this big is a mistake
MAX_NODES = 100_000  # values after alias expansion: stops "billion laughs"

PathKey = tuple[Hashable, ...]
_TOO_DEEP = "the YAML is nested too deeply to be a definition; refusing to read it"


@dataclass
class Located:
    """YAML data with the position of every value and every mapping key."""

    data: Any
    file: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its key.

        Falls back to the nearest enclosing value that has a position.
        """
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.values:
                return self.values[path]
        return (1, 1)

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.file, line, column, message)


def read_text(path: Path, display: str | None = None) -> str:
    """Read a definition file as UTF-8 text, refusing what cannot be one."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _single(
                name,
                f"file is {size:,} bytes; a definition may be at most {MAX_FILE_BYTES:,} bytes",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _single(name, f"cannot read the file ({exc.strerror})") from exc
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise _single(
            name,
            f"file is {len(raw):,} bytes; a definition may be at most {MAX_FILE_BYTES:,} bytes",
        )
    if b"\x00" in raw:
        raise _single(name, "this is a binary file, not a YAML or BPMN text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DefinitionError(
            [Problem(name, line, 1, "the file is not UTF-8 text; save it as UTF-8")]
        ) from exc
    return text


def parse_yaml(text: str, name: str, expected: str = "a procedure definition") -> Located:
    """Parse one YAML document into data with positions, or raise DefinitionError.

    ``expected`` names what the file should hold, for the message about an empty one.
    """
    empty = f"the file is empty; expected {expected}"
    if not text.strip():
        raise _single(name, empty)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "cannot be parsed"
        raise DefinitionError(
            [Problem(name, line, column, f"YAML syntax error: {reason}")]
        ) from exc
    except yaml.YAMLError as exc:
        raise _single(name, f"YAML syntax error: {exc}") from exc
    except RecursionError as exc:
        raise _single(name, _TOO_DEEP) from exc
    if root is None:
        raise _single(name, empty)
    builder = _Builder(name)
    try:
        data = builder.build(root, ())
    except RecursionError as exc:
        raise _single(name, _TOO_DEEP) from exc
    if builder.problems:
        raise DefinitionError(builder.problems)
    return Located(data, name, builder.values, builder.keys)


def _single(name: str, message: str) -> DefinitionError:
    return DefinitionError([Problem(name, 1, 1, message)])


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.values: dict[PathKey, tuple[int, int]] = {}
        self.keys: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def build(self, node: Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _at(
                self.name,
                node,
                f"the document expands to more than {MAX_NODES:,} values "
                "(an alias bomb?); refusing to read it",
            )
        self.values.setdefault(path, _position(node))
        if id(node) in self.active:
            raise _at(self.name, node, "recursive YAML alias: an anchor refers to itself")
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise _at(self.name, node, "unsupported YAML node")

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise _at(self.name, node, f"cannot read the value {node.value!r}: {exc}") from exc

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _at(
                    self.name,
                    key_node,
                    "YAML merge keys (<<) are not supported; write the keys out",
                )
            if not isinstance(key_node, ScalarNode):
                raise _at(self.name, key_node, "a mapping key must be a plain word")
            key = self._scalar(key_node)
            if not isinstance(key, Hashable):
                raise _at(self.name, key_node, "a mapping key must be a plain word")
            if key in result:
                line, column = _position(key_node)
                self.problems.append(Problem(self.name, line, column, f"duplicate key `{key}`"))
                continue
            self.keys[(*path, key)] = _position(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def _position(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _at(name: str, node: Node, message: str) -> DefinitionError:
    line, column = _position(node)
    return DefinitionError([Problem(name, line, column, message)])
