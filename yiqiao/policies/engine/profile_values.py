"""Typed profile values: reading test profiles from YAML and checking runtime profiles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import yaml

from .errors import ProfileError
from .fields import FieldDictionary, FieldSpec
from .values import parse_number
from .yamlsrc import Source, mapping_items, plain


def coerce(spec: FieldSpec, value: object) -> object:
    """Check and normalise one profile value for ``spec``; None stays None (missing).

    number/money → float, int → int, bool → bool, date → date, enum/str → str,
    set → frozenset[str]. Raises :class:`ProfileError` on a wrong type or unknown code.
    """
    if value is None:
        return None
    kind = spec.type
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
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为日期，实为 {value!r}")
        return value
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
        try:
            result[name] = coerce(spec, plain(value_node))
        except ProfileError as exc:
            src.error(value_node, f"{path}.{name}", str(exc))
            ok = False
    return result if ok else None
