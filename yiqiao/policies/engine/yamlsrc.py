"""Reading YAML with line marks, so that every error names its file, line and field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Issue, PolicyError

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass
class Source:
    """Collects issues for one file while a YAML tree is being read."""

    file: str
    issues: list[Issue] = field(default_factory=list)

    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        """Record an issue at ``node`` (its start mark gives line and column)."""
        line = column = 0
        if node is not None:
            line = node.start_mark.line + 1
            column = node.start_mark.column + 1
        self.issues.append(Issue(self.file, line, column, path, message))

    def raise_if_any(self) -> None:
        """Raise :class:`PolicyError` with every issue recorded so far."""
        if self.issues:
            raise PolicyError(self.issues)


def compose(path_or_text: str | Path, default_name: str = "<text>") -> tuple[Source, yaml.Node]:
    """Compose (not construct) a YAML document, keeping the marks of every node.

    ``path_or_text`` is a path when it is a :class:`Path` or a one-line string naming an
    existing file; otherwise it is YAML text.
    """
    text: str
    name = default_name
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.endswith((".yaml", ".yml"))
    ):
        file_path = Path(path_or_text)
        name = str(file_path)
        try:
            text = file_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError([Issue(name, 0, 0, "-", f"无法读取文件：{exc}")]) from exc
    else:
        text = path_or_text
    src = Source(name)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        column = mark.column + 1 if mark is not None else 0
        raise PolicyError(
            [Issue(name, line, column, "-", f"YAML 语法错误：{exc.problem}")]
        ) from exc
    if node is None:
        raise PolicyError([Issue(name, 0, 0, "-", "文件为空")])
    return src, node


def scalar(node: yaml.Node) -> object:
    """Construct the Python value of a scalar node (int, float, bool, None, date, str); a value
    YAML takes for a date but that is no calendar date (``2024-13-01``) stays text."""
    return plain(node)


def plain(node: yaml.Node) -> object:
    """Construct any node to plain Python values (lists, dicts, scalars)."""
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except ValueError:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        return _plain_lenient(node)
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()


def _plain_lenient(node: yaml.Node) -> object:
    if isinstance(node, yaml.SequenceNode):
        return [plain(child) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    return str(node.value)


def mapping_items(
    src: Source, node: yaml.Node, path: str
) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """Yield ``(key, key_node, value_node)`` of a mapping; duplicate keys are reported."""
    if not isinstance(node, yaml.MappingNode):
        src.error(node, path, "应为映射（键: 值）")
        return
    seen: set[str] = set()
    for key_node, value_node in node.value:
        # raw text, not the YAML 1.1 value: a key such as `on` must not become True
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        if key in seen:
            src.error(key_node, f"{path}.{key}" if path else key, f"键 {key} 重复")
            continue
        seen.add(key)
        yield key, key_node, value_node


def as_mapping(src: Source, node: yaml.Node, path: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node as ``{key: (key_node, value_node)}`` (duplicates reported)."""
    return {k: (kn, vn) for k, kn, vn in mapping_items(src, node, path)}


def as_sequence(src: Source, node: yaml.Node, path: str) -> list[yaml.Node]:
    """The items of a sequence node, or [] with an issue."""
    if not isinstance(node, yaml.SequenceNode):
        src.error(node, path, "应为列表")
        return []
    return list(node.value)


def check_keys(
    src: Source,
    items: dict[str, tuple[yaml.Node, yaml.Node]],
    path: str,
    allowed: frozenset[str],
) -> None:
    """Report every key of ``items`` that is not in ``allowed``."""
    for key, (key_node, _) in items.items():
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            src.error(key_node, where, f"未知的键 {key}，允许：{'、'.join(sorted(allowed))}")
