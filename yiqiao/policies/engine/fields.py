"""The field dictionary: every name a policy may use, with its Chinese label, type and unit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .yamlsrc import Source, as_mapping, check_keys, compose, mapping_items, plain, scalar

FIELD_TYPES = frozenset({"number", "money", "int", "bool", "date", "enum", "set", "str"})
NUMERIC_TYPES = frozenset({"number", "money", "int"})
CODED_TYPES = frozenset({"enum", "str"})
SOURCES = frozenset({"register", "fact"})
_FIELD_KEYS = frozenset({"label", "type", "unit", "source", "values", "description"})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the dictionary.

    ``values`` maps each allowed code to its Chinese label (enum and set fields); ``unit`` is
    shown after numbers (``元`` for money).
    """

    name: str
    label: str
    type: str
    unit: str
    source: str
    values: Mapping[str, str]
    description: str = ""

    @property
    def is_numeric(self) -> bool:
        """True for number, money and int fields (usable in arithmetic)."""
        return self.type in NUMERIC_TYPES

    def value_label(self, code: str) -> str:
        """The Chinese label of an enum/set code (the code itself when unlabelled)."""
        return self.values.get(code, code)


@dataclass(frozen=True)
class FieldDictionary:
    """All fields by name. Policies may only use names declared here."""

    fields: Mapping[str, FieldSpec]
    file: str = "<fields>"

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def __getitem__(self, name: str) -> FieldSpec:
        return self.fields[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def get(self, name: str) -> FieldSpec | None:
        """The field named ``name``, or None."""
        return self.fields.get(name)


def load_fields(path_or_text: str | Path) -> FieldDictionary:
    """Load and validate a field dictionary (``fields.yaml``).

    Format: ``fields: {name: {label, type, unit?, source, values?, description?}}``; ``values``
    (enum/set) is a mapping code → Chinese label or a list of codes. Raises
    :class:`~yiqiao.policies.engine.errors.PolicyError` naming file, line and field.
    """
    src, root = compose(path_or_text, "<fields>")
    top = as_mapping(src, root, "")
    check_keys(src, top, "", frozenset({"fields", "note", "fictional_sample"}))
    result: dict[str, FieldSpec] = {}
    if "fields" not in top:
        src.error(root, "fields", "缺少 fields")
        src.raise_if_any()
    for name, key_node, node in mapping_items(src, top["fields"][1], "fields"):
        spec = _parse_field(src, name, key_node, node)
        if spec is not None:
            result[name] = spec
    src.raise_if_any()
    return FieldDictionary(result, src.file)


def _parse_field(src: Source, name: str, key_node: yaml.Node, node: yaml.Node) -> FieldSpec | None:
    path = f"fields.{name}"
    if not name.isidentifier() and not all(part.isidentifier() for part in name.split(".")):
        src.error(key_node, path, f"字段名 {name} 只能由字母、数字和下划线组成")
        return None
    items = as_mapping(src, node, path)
    check_keys(src, items, path, _FIELD_KEYS)
    ok = True
    text: dict[str, str] = {}
    for key in ("label", "type", "source", "unit", "description"):
        if key not in items:
            if key in ("label", "type", "source"):
                src.error(node, f"{path}.{key}", f"缺少 {key}")
                ok = False
            continue
        value = scalar(items[key][1]) if isinstance(items[key][1], yaml.ScalarNode) else None
        if not isinstance(value, str):
            src.error(items[key][1], f"{path}.{key}", f"{key} 应为文本")
            ok = False
            continue
        text[key] = value
    if not ok:
        return None
    if text["type"] not in FIELD_TYPES:
        src.error(
            items["type"][1],
            f"{path}.type",
            f"未知类型 {text['type']}，允许：{'、'.join(sorted(FIELD_TYPES))}",
        )
        return None
    if text["source"] not in SOURCES:
        src.error(
            items["source"][1], f"{path}.source", f"未知来源 {text['source']}，允许：register、fact"
        )
        return None
    values: dict[str, str] = {}
    if "values" in items:
        raw = plain(items["values"][1])
        if isinstance(raw, dict):
            values = {str(k): str(v) for k, v in raw.items()}
        elif isinstance(raw, list):
            values = {str(k): str(k) for k in raw}
        else:
            src.error(items["values"][1], f"{path}.values", "values 应为映射或列表")
            return None
    if text["type"] == "enum" and not values:
        src.error(node, f"{path}.values", "枚举字段必须列出 values")
        return None
    unit = text.get("unit", "元" if text["type"] == "money" else "")
    return FieldSpec(
        name, text["label"], text["type"], unit, text["source"], values, text.get("description", "")
    )
