"""The field dictionary: every name a policy may use, with its Chinese label, type and unit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .yamlsrc import Source, as_mapping, check_keys, compose, mapping_items, plain, scalar

FIELD_TYPES = frozenset({"number", "money", "int", "bool", "date", "enum", "set", "str", "list"})
ITEM_TYPES = FIELD_TYPES - {"list"}
NUMERIC_TYPES = frozenset({"number", "money", "int"})
CODED_TYPES = frozenset({"enum", "str"})
SOURCES = frozenset({"register", "fact"})
_FIELD_KEYS = frozenset({"label", "type", "unit", "source", "values", "description", "items"})
_ITEM_KEYS = frozenset({"label", "type", "unit", "values", "description", "required"})
AWARDS_RECEIVED = "awards_received"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the dictionary.

    ``values`` maps each allowed code to its Chinese label (enum and set fields); ``unit`` is
    shown after numbers (``元`` for money). ``names`` labels codes for display only, without
    restricting them (a region code shown as the region's name); see
    :meth:`FieldDictionary.with_names`.
    """

    name: str
    label: str
    type: str
    unit: str
    source: str
    values: Mapping[str, str]
    description: str = ""
    items: Mapping[str, FieldSpec] | None = None
    required: bool = False
    names: Mapping[str, str] | None = None

    @property
    def is_numeric(self) -> bool:
        """True for number, money and int fields (usable in arithmetic)."""
        return self.type in NUMERIC_TYPES

    def value_label(self, code: str) -> str:
        """The Chinese label of an enum/set code, else its display name (``names``), else the
        code itself."""
        label = self.values.get(code)
        if label is None and self.names is not None:
            label = self.names.get(code)
        return label or code


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

    def with_names(self, names: Mapping[str, Mapping[str, str]]) -> FieldDictionary:
        """This dictionary with display names for the codes of some fields (field name → a
        mapping code → name, which may be lazy); validation is unchanged."""
        fields = {
            key: replace(spec, names=names[key]) if key in names else spec
            for key, spec in self.fields.items()
        }
        return FieldDictionary(fields, self.file)

    def label(self, name: str) -> str:
        """The Chinese label of a field, or of ``list.item_field`` (``注册证·取证日期``)."""
        spec = self.fields.get(name)
        if spec is not None:
            return spec.label
        head, _, tail = name.partition(".")
        parent = self.fields.get(head)
        if parent is not None and parent.items is not None and tail in parent.items:
            return f"{parent.label}·{parent.items[tail].label}"
        return name


def _awards_received_spec() -> FieldSpec:
    """The built-in list of awards already received (feeds caps net of received, top-ups)."""
    items = {
        "policy": FieldSpec("policy", "政策编号", "str", "", "fact", {}, "", None, True),
        "date": FieldSpec("date", "兑现日期", "date", "", "fact", {}, "", None, True),
        "amount_yuan": FieldSpec("amount_yuan", "金额", "money", "元", "fact", {}, "", None, True),
    }
    return FieldSpec(
        AWARDS_RECEIVED, "已获奖励资助", "list", "", "fact", {},
        "每条记录：政策编号 policy、兑现日期 date、金额 amount_yuan", items,
    )  # fmt: skip


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
    if AWARDS_RECEIVED not in result:
        result[AWARDS_RECEIVED] = _awards_received_spec()
    return FieldDictionary(result, src.file)


def _parse_field(
    src: Source,
    name: str,
    key_node: yaml.Node,
    node: yaml.Node,
    parent: str | None = None,
    parent_source: str = "",
) -> FieldSpec | None:
    path = f"fields.{parent}.items.{name}" if parent else f"fields.{name}"
    if parent is not None and not name.isidentifier():
        src.error(key_node, path, f"列表项字段名 {name} 只能由字母、数字和下划线组成")
        return None
    if not name.isidentifier() and not all(part.isidentifier() for part in name.split(".")):
        src.error(key_node, path, f"字段名 {name} 只能由字母、数字和下划线组成")
        return None
    items = as_mapping(src, node, path)
    check_keys(src, items, path, _ITEM_KEYS if parent is not None else _FIELD_KEYS)
    if parent is not None:
        items = {**items}
        if "source" not in items:
            items["source"] = (node, yaml.ScalarNode("tag:yaml.org,2002:str", parent_source))
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
    allowed = ITEM_TYPES if parent is not None else FIELD_TYPES
    if text["type"] not in allowed:
        src.error(
            items["type"][1],
            f"{path}.type",
            f"未知类型 {text['type']}，允许：{'、'.join(sorted(allowed))}",
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
    required = False
    if "required" in items:
        flag = plain(items["required"][1])
        if not isinstance(flag, bool):
            src.error(items["required"][1], f"{path}.required", "required 应为 true 或 false")
            return None
        required = flag
    sub: dict[str, FieldSpec] | None = None
    if text["type"] == "list":
        if "items" not in items:
            src.error(node, f"{path}.items", "列表字段必须用 items 声明每条记录的字段")
            return None
        sub = {}
        for item_name, item_key, item_node in mapping_items(
            src, items["items"][1], f"{path}.items"
        ):
            spec = _parse_field(src, item_name, item_key, item_node, name, text["source"])
            if spec is not None:
                sub[item_name] = spec
        if not sub:
            return None
    elif "items" in items:
        src.error(items["items"][0], f"{path}.items", "只有 list 类型的字段可以有 items")
        return None
    return FieldSpec(
        name, text["label"], text["type"], unit, text["source"], values,
        text.get("description", ""), sub, required,
    )  # fmt: skip
