"""Typed profile values: reading test profiles from YAML and checking runtime profiles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import yaml

from .errors import ProfileError
from .fields import FieldDictionary, FieldSpec
from .values import parse_date, parse_number
from .yamlsrc import Source, as_sequence, mapping_items, plain


def coerce(spec: FieldSpec, value: object) -> object:
    """Check and normalise one profile value for ``spec``; None stays None (missing).

    number/money → float, int → int, bool → bool, date → date (also from text such as
    ``2024-03-01``, ``2024/3/1``, ``2024年3月1日``), enum/str → str, set → frozenset[str],
    list → tuple of item dicts (each item checked; a required item field must be present).
    Raises :class:`ProfileError` on a wrong type, an unknown code or an incomplete item.
    """
    if value is None:
        return None
    kind = spec.type
    if kind == "list":
        return coerce_list(spec, value)
    if kind in ("number", "money", "int"):
        number: float | None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float | Decimal):
            number = float(value)
        else:
            number = parse_number(value)
        if number is None:
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为数字，实为 {value!r}")
        if kind == "int":
            if number != int(number):
                raise ProfileError(f"字段 {spec.name}（{spec.label}）应为整数，实为 {value!r}")
            return int(number)
        return number
    if kind == "bool":
        if not isinstance(value, bool):
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为 true/false，实为 {value!r}")
        return value
    if kind == "date":
        if isinstance(value, datetime):
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为日期，实为 {value!r}")
        day = parse_date(value)
        if day is None:
            raise ProfileError(
                f"字段 {spec.name}（{spec.label}）应为日期（如 2024-03-01），实为 {value!r}"
            )
        return day
    if kind == "set":
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为代码集合，实为 {value!r}")
        codes = frozenset(str(v) for v in value)
        unknown = sorted(c for c in codes if spec.values and c not in spec.values)
        if unknown:
            raise ProfileError(f"字段 {spec.name}（{spec.label}）含未知代码 {'、'.join(unknown)}")
        return codes
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProfileError(f"字段 {spec.name}（{spec.label}）应为文本代码，实为 {value!r}")
    code = str(value)
    if kind == "enum" and code not in spec.values:
        raise ProfileError(f"字段 {spec.name}（{spec.label}）取值 {code} 不在可选值中")
    return code


def coerce_list(spec: FieldSpec, value: object) -> tuple[dict[str, object], ...]:
    """Check the items of a list field (see :func:`coerce`)."""
    assert spec.items is not None
    if isinstance(value, str | bytes | dict) or not isinstance(value, list | tuple):
        raise ProfileError(f"字段 {spec.name}（{spec.label}）应为记录列表，实为 {value!r}")
    out = []
    for index, item in enumerate(value):
        out.append(coerce_item(spec, item, index))
    return tuple(out)


def coerce_item(spec: FieldSpec, item: object, index: int) -> dict[str, object]:
    """Check one item of a list field; messages name the item (``第 2 条``, 1-based)."""
    assert spec.items is not None
    where = f"{spec.label}（{spec.name}）第 {index + 1} 条"
    if not isinstance(item, dict):
        raise ProfileError(f"{where}应为键值记录，实为 {item!r}")
    unknown = sorted(str(k) for k in item if k not in spec.items)
    if unknown:
        allowed = "、".join(spec.items)
        raise ProfileError(f"{where}含未知字段 {'、'.join(unknown)}（允许：{allowed}）")
    result: dict[str, object] = {}
    for name, sub in spec.items.items():
        raw = item.get(name)
        if raw is None:
            if sub.required:
                raise ProfileError(f"{where}缺少{sub.label}（{name}）")
            continue
        try:
            result[name] = coerce(sub, raw)
        except ProfileError as exc:
            raise ProfileError(f"{where}：{exc}") from exc
    return result


def check_profile(fields: FieldDictionary, profile: Mapping[str, object]) -> dict[str, object]:
    """A normalised copy of ``profile``; keys not in the dictionary are dropped."""
    return {name: coerce(fields[name], value) for name, value in profile.items() if name in fields}


def parse_profile(
    src: Source, fields: FieldDictionary, node: yaml.Node, path: str
) -> dict[str, object] | None:
    """A test profile from YAML; unknown fields and wrong types are reported with their line."""
    result: dict[str, object] = {}
    ok = True
    for name, key_node, value_node in mapping_items(src, node, path):
        spec = fields.get(name)
        if spec is None:
            src.error(key_node, f"{path}.{name}", f"未知字段 {name}：字段必须先在字段字典中声明")
            ok = False
            continue
        if spec.type == "list" and isinstance(value_node, yaml.SequenceNode):
            items = []
            for index, item_node in enumerate(as_sequence(src, value_node, f"{path}.{name}")):
                raw_item: object = (
                    {str(k.value): plain(v) for k, v in item_node.value}  # keys as written
                    if isinstance(item_node, yaml.MappingNode)
                    else plain(item_node)
                )
                try:
                    items.append(coerce_item(spec, raw_item, index))
                except ProfileError as exc:
                    src.error(item_node, f"{path}.{name}[{index}]", str(exc))
                    ok = False
            result[name] = tuple(items)
            continue
        try:
            result[name] = coerce(spec, plain(value_node))
        except ProfileError as exc:
            src.error(value_node, f"{path}.{name}", str(exc))
            ok = False
    return result if ok else None


_TRUE = {"true", "yes", "y", "1", "是", "有", "√"}
_FALSE = {"false", "no", "n", "0", "否", "无", "×"}
_ITEM_ALIASES = {"amount": "amount_yuan"}


def _lenient(spec: FieldSpec, value: object) -> object:
    """Read a value the way a person may have written it, then check it with :func:`coerce`:
    booleans as 是/否/yes/1, a code given by its Chinese label, one code for a set."""
    if value is None or value == "":
        return None
    kind = spec.type
    if kind == "bool" and not isinstance(value, bool):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if (
        kind in ("enum", "str")
        and isinstance(value, str)
        and spec.values
        and value not in spec.values
    ):
        by_label = {label: code for code, label in spec.values.items()}
        value = by_label.get(value.strip(), value.strip())
    if kind == "set":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple | set | frozenset) and spec.values:
            by_label = {label: code for code, label in spec.values.items()}
            value = [by_label.get(str(v), v) for v in value]
    if kind == "list" and isinstance(value, list | tuple):
        assert spec.items is not None
        items = []
        for item in value:
            if isinstance(item, dict):
                item = {_ITEM_ALIASES.get(str(k), str(k)): v for k, v in item.items()}
                item = {
                    k: (_lenient(spec.items[k], v) if k in spec.items else v)
                    for k, v in item.items()
                }
            items.append(item)
        value = items
    return coerce(spec, value)


def lenient_profile(
    fields: FieldDictionary, raw: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """A profile from outside input (JSON, a form): values read leniently; a key the dictionary
    does not declare is ignored and a value that does not fit its field counts as missing, each
    with a warning naming the field. Never raises."""
    profile: dict[str, object] = {}
    warnings: list[str] = []
    for name, value in raw.items():
        spec = fields.get(name)
        if spec is None:
            warnings.append(f"未知字段 {name}：已忽略")
            continue
        try:
            profile[name] = _lenient(spec, value)
        except ProfileError as exc:
            warnings.append(f"{exc}：按缺少数据处理")
    return profile, warnings
