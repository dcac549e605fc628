"""Parsing and schema validation of one policy file (one 政策事项, possibly several versions)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from .errors import Issue
from .expr import Expr
from .fields import FieldDictionary
from .model import (
    DELIVERIES,
    RESULT_STATUSES,
    STATUSES,
    Benefit,
    Group,
    Parameter,
    Policy,
    PolicyCase,
    PolicyVersion,
    SourceRef,
)
from .parse_benefits import benefit_expressions, guarded_fields, zero_divisions
from .parse_caps import parse_limits
from .parse_rules import Context, line_of, parse_benefit, parse_condition, parse_defines
from .values import parse_date, parse_number
from .yamlsrc import Source, as_mapping, as_sequence, check_keys, compose, plain, scalar

Items = dict[str, tuple[yaml.Node, yaml.Node]]

_VERSION_KEYS = frozenset(
    {
        "title", "summary", "category", "source", "version", "status", "effective_from",
        "effective_to", "delivery", "exclusive_group", "caps", "budget", "parameters",
        "conditions", "benefit", "define", "top_up", "exclusive_period", "note",
    }
)  # fmt: skip
_TOP_KEYS = _VERSION_KEYS | {"id", "fictional_sample", "tags", "tests", "versions"}


def parse_policy(path_or_text: str | Path, fields: FieldDictionary) -> Policy:
    """Parse and validate one policy file (a path, or YAML text).

    Top-level keys hold the policy; an optional ``versions`` list holds dated versions, each
    overriding top-level keys. Raises :class:`PolicyError` listing every problem with file,
    line, column and the dotted key path (unknown field, wrong type, bad operator, unparseable
    expression, overlapping versions, duplicate parameter dates, malformed tests...).
    """
    src, root = compose(path_or_text, "<policy>")
    top = as_mapping(src, root, "")
    src.raise_if_any()
    check_keys(src, top, "", _TOP_KEYS)
    policy_id = _required_text(src, top, "id", "", root)
    if policy_id and not all(part.replace("_", "a").isalnum() for part in policy_id.split(".")):
        src.error(top["id"][1], "id", "id 只能由字母、数字、下划线和点组成")
    base = {
        k: v
        for k, v in top.items()
        if k not in ("id", "tests", "versions", "tags", "fictional_sample")
    }
    raw_versions: list[tuple[Items, str, yaml.Node]] = []
    if "versions" in top:
        for index, node in enumerate(as_sequence(src, top["versions"][1], "versions")):
            path = f"versions[{index}]"
            items = as_mapping(src, node, path)
            check_keys(src, items, path, _VERSION_KEYS)
            raw_versions.append(({**base, **items}, path, node))
    else:
        raw_versions.append((base, "", root))
    references: list[tuple[str, int]] = []
    warnings: list[Issue] = []
    versions = [
        v
        for v in (
            _version(src, fields, items, path, node, policy_id, references, warnings)
            for items, path, node in raw_versions
        )
        if v
    ]
    versions.sort(key=lambda v: v.effective_from)
    _check_overlaps(src, versions, raw_versions)
    tests = _tests(src, fields, top.get("tests"))
    fictional = plain(top["fictional_sample"][1]) if "fictional_sample" in top else False
    if not isinstance(fictional, bool):
        src.error(
            top["fictional_sample"][1], "fictional_sample", "fictional_sample 应为 true 或 false"
        )
    tags_raw = plain(top["tags"][1]) if "tags" in top else []
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        src.error(top["tags"][1], "tags", "tags 应为文本列表")
        tags_raw = []
    src.raise_if_any()
    title = versions[-1].title if versions else ""
    return Policy(
        policy_id,
        title,
        src.file,
        tuple(versions),
        tests,
        fictional is True,
        fields,
        tuple(tags_raw),
        tuple(dict.fromkeys(warnings)),
        tuple(dict.fromkeys(references)),
    )


def _required_text(src: Source, items: Items, key: str, path: str, parent: yaml.Node) -> str:
    where = f"{path}.{key}" if path else key
    if key not in items:
        src.error(parent, where, f"缺少 {key}")
        return ""
    raw = plain(items[key][1])
    if not isinstance(raw, str | int) or isinstance(raw, bool) or raw == "":
        src.error(items[key][1], where, f"{key} 应为非空文本")
        return ""
    return str(raw)


def _optional_text(src: Source, items: Items, key: str, path: str) -> str:
    if key not in items:
        return ""
    raw = plain(items[key][1])
    if raw is None:
        return ""
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        src.error(items[key][1], f"{path}.{key}" if path else key, f"{key} 应为文本")
        return ""
    return str(raw)


def _date(
    src: Source, items: Items, key: str, path: str, parent: yaml.Node, required: bool
) -> date | None:
    where = f"{path}.{key}" if path else key
    if key not in items:
        if required:
            src.error(parent, where, f"缺少 {key}")
        return None
    raw = plain(items[key][1])
    if raw is None and not required:
        return None
    day = parse_date(raw)
    if day is None:
        src.error(items[key][1], where, f"{key} 应为日期（如 2024-01-01），实为 {raw!r}")
        return None
    return day


def _choice(
    src: Source, items: Items, key: str, path: str, parent: yaml.Node, allowed: tuple[str, ...]
) -> str:
    value = _required_text(src, items, key, path, parent)
    if value and value not in allowed:
        where = f"{path}.{key}" if path else key
        src.error(items[key][1], where, f"{key} 取值 {value} 无效，允许：{'、'.join(allowed)}")
        return ""
    return value


def _version(
    src: Source,
    fields: FieldDictionary,
    items: Items,
    path: str,
    node: yaml.Node,
    policy_id: str,
    references: list[tuple[str, int]],
    warnings: list[Issue],
) -> PolicyVersion | None:
    before = len(src.issues)
    prefix = f"{path}." if path else ""
    title = _required_text(src, items, "title", path, node)
    number_raw = plain(items["version"][1]) if "version" in items else 1
    if not isinstance(number_raw, int) or isinstance(number_raw, bool) or number_raw < 1:
        src.error(
            items["version"][1] if "version" in items else node,
            f"{prefix}version",
            "version 应为正整数",
        )
        number_raw = 0
    status = _choice(src, items, "status", path, node, STATUSES)
    delivery = _choice(src, items, "delivery", path, node, DELIVERIES)
    start = _date(src, items, "effective_from", path, node, required=True)
    end = _date(src, items, "effective_to", path, node, required=False)
    if start and end and end < start:
        src.error(
            items["effective_to"][1], f"{prefix}effective_to", "effective_to 早于 effective_from"
        )
    source = _source(src, items, path, node)
    parameters = _parameters(src, fields, items.get("parameters"), f"{prefix}parameters")
    ctx = Context(src, fields, frozenset(parameters), policy_id=policy_id)
    if "define" in items:
        parse_defines(ctx, items["define"][1], f"{prefix}define")
    conditions = None
    if "conditions" not in items:
        src.error(node, f"{prefix}conditions", "缺少 conditions")
    else:
        parsed = parse_condition(ctx, items["conditions"][1], f"{prefix}conditions")
        if parsed is not None:
            conditions = (
                parsed
                if isinstance(parsed, Group) and parsed.kind == "all"
                else Group("all", (parsed,), f"{prefix}conditions", parsed.line)
            )
    benefit = None
    if "benefit" not in items:
        src.error(node, f"{prefix}benefit", "缺少 benefit")
    else:
        benefit_ctx = ctx if conditions is None else ctx.restricted_by(conditions)
        benefit = parse_benefit(benefit_ctx, items["benefit"][1], f"{prefix}benefit")
    limits = parse_limits(ctx, items, prefix)
    exclusive = None
    if "exclusive_group" in items:
        exclusive = _optional_text(src, items, "exclusive_group", path) or None
    budget = None
    if "budget" in items and plain(items["budget"][1]) is not None:
        budget = parse_number(plain(items["budget"][1]))
        if budget is None or budget < 0:
            src.error(items["budget"][1], f"{prefix}budget", "budget 应为非负金额（如 5000万）")
    _check_parameter_coverage(src, parameters, start, items.get("parameters"), node, prefix)
    references.extend(ctx.references)
    if len(src.issues) > before or conditions is None or benefit is None or start is None:
        return None
    warnings.extend(ctx.warnings)
    warnings.extend(_division_warnings(src, conditions, benefit, parameters, start, items, prefix))
    changes = sorted(
        {
            d
            for p in parameters.values()
            for d, _ in p.values
            if d > start and (end is None or d <= end)
        }
    )
    return PolicyVersion(
        version=number_raw, title=title, status=status, effective_from=start, effective_to=end,
        delivery=delivery, exclusive_group=exclusive, cap_per_year=limits.cap_per_year,
        cap_group=limits.cap_group, cap_group_limit=limits.cap_group_limit, budget=budget, source=source,
        summary=_optional_text(src, items, "summary", path), category=_optional_text(src, items, "category", path),
        conditions=conditions, benefit=benefit, parameters=parameters, line=line_of(node),
        change_dates=tuple(changes), received_caps=tuple(limits.received_caps), top_up=limits.top_up,
        exclusive_period=limits.exclusive_period,
        references=frozenset(ref for ref, _ in ctx.references),
    )  # fmt: skip


def _division_warnings(
    src: Source,
    conditions: Group,
    benefit: Benefit,
    parameters: dict[str, Parameter],
    start: date,
    items: Items,
    prefix: str,
) -> list[Issue]:
    """A benefit dividing by a field that the conditions do not keep above zero."""
    values = {n: p.value_on(start) or 0.0 for n, p in parameters.items()}
    guarded = guarded_fields(conditions, values)
    line = line_of(items["benefit"][1])
    out = []
    seen: set[frozenset[str]] = set()
    expressions: list[Expr] = benefit_expressions(benefit)
    for expression in expressions:
        for names in zero_divisions(expression, frozenset(parameters)):
            if names <= guarded or names in seen:
                continue
            seen.add(names)
            shown = "、".join(sorted(names))
            out.append(
                Issue(
                    src.file,
                    line,
                    1,
                    f"{prefix}benefit",
                    f"公式除以可能为零的字段 {shown}：请加条件 {shown} > 0，或写成 max({shown}, 1)",
                )  # fmt: skip
            )
    return out


def _source(src: Source, items: Items, path: str, parent: yaml.Node) -> SourceRef:
    prefix = f"{path}.source" if path else "source"
    if "source" not in items:
        src.error(parent, prefix, "缺少 source（发文、文号、条款）")
        return SourceRef("", "", "")
    node = items["source"][1]
    sub = as_mapping(src, node, prefix)
    check_keys(
        src, sub, prefix, frozenset({"document", "number", "article", "url", "issuer", "note"})
    )
    return SourceRef(
        _required_text(src, sub, "document", prefix, node),
        _optional_text(src, sub, "number", prefix),
        _required_text(src, sub, "article", prefix, node),
        _optional_text(src, sub, "url", prefix),
        _optional_text(src, sub, "issuer", prefix),
    )


def _parameters(
    src: Source, fields: FieldDictionary, entry: tuple[yaml.Node, yaml.Node] | None, path: str
) -> dict[str, Parameter]:
    result: dict[str, Parameter] = {}
    if entry is None:
        return result
    for name, key_node, node in _items(src, entry[1], path):
        where = f"{path}.{name}"
        if name in fields:
            src.error(key_node, where, f"参数名 {name} 与字段同名")
            continue
        if not name.isidentifier():
            src.error(key_node, where, f"参数名 {name} 只能由字母、数字和下划线组成")
            continue
        items = as_mapping(src, node, where)
        check_keys(src, items, where, frozenset({"label", "unit", "reference", "values"}))
        label = _required_text(src, items, "label", where, node)
        if "values" not in items:
            src.error(node, f"{where}.values", "缺少 values（日期: 取值）")
            continue
        values: list[tuple[date, float]] = []
        values_node = items["values"][1]
        if not isinstance(values_node, yaml.MappingNode):
            src.error(values_node, f"{where}.values", "values 应为 日期: 取值 的映射")
            continue
        for date_node, value_node in values_node.value:
            when = scalar(date_node)
            if not isinstance(when, date):
                src.error(date_node, f"{where}.values", f"参数生效日期应为日期，实为 {when!r}")
                continue
            if any(d == when for d, _ in values):
                src.error(
                    date_node,
                    f"{where}.values.{when}",
                    f"参数 {name} 的日期 {when} 重复：同一日期有两个取值（参数期重叠）",
                )
                continue
            number = (
                parse_number(scalar(value_node))
                if isinstance(value_node, yaml.ScalarNode)
                else None
            )
            if number is None:
                src.error(value_node, f"{where}.values.{when}", "参数取值应为数字（如 200万、10%）")
                continue
            values.append((when, number))
        values.sort()
        result[name] = Parameter(
            name,
            label,
            _optional_text(src, items, "unit", where),
            tuple(values),
            _optional_text(src, items, "reference", where),
        )
    return result


def _items(src: Source, node: yaml.Node, path: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    from .yamlsrc import mapping_items

    return list(mapping_items(src, node, path))


def _check_parameter_coverage(
    src: Source,
    parameters: dict[str, Parameter],
    start: date | None,
    entry: tuple[yaml.Node, yaml.Node] | None,
    node: yaml.Node,
    prefix: str,
) -> None:
    if start is None:
        return
    for name, parameter in parameters.items():
        if parameter.values and parameter.value_on(start) is None:
            src.error(
                entry[1] if entry else node,
                f"{prefix}parameters.{name}",
                f"参数 {name} 在版本生效日 {start} 尚无取值（最早 {parameter.values[0][0]}）",
            )


def _check_overlaps(
    src: Source, versions: list[PolicyVersion], raw: list[tuple[Items, str, yaml.Node]]
) -> None:
    seen: dict[int, PolicyVersion] = {}
    by_line = {line_of(node): (path, node) for _, path, node in raw}
    for version in versions:
        if version.version in seen:
            path, node = by_line[version.line]
            src.error(node, f"{path}.version", f"版本号 {version.version} 重复")
        seen[version.version] = version
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            path, node = by_line[later.line]
            end = earlier.effective_to or "无截止日"
            src.error(
                node,
                f"{path}.effective_from",
                f"版本 {later.version}（自 {later.effective_from}）与版本 {earlier.version}（{earlier.effective_from} 至 {end}）的生效期重叠",
            )
        if later.version <= earlier.version:
            path, node = by_line[later.line]
            src.error(node, f"{path}.version", "较晚生效的版本的版本号须更大")


_ELIGIBLE_WORDS = {True: "eligible", False: "ineligible", "missing": "eligible_if_data_supplied"}


def _expect(
    src: Source, fields: FieldDictionary, node: yaml.Node, path: str
) -> tuple[str, float | None, tuple[str, ...] | None] | None:
    """``{status, amount}`` or, as the evaluate command writes them, ``{eligible: true|false|
    "missing", amount_yuan, missing_fields}``; ``missing_fields`` is optional."""
    expect = as_mapping(src, node, path)
    check_keys(
        src, expect, path,
        frozenset({"status", "amount", "eligible", "amount_yuan", "missing_fields", "note"}),
    )  # fmt: skip
    status = ""
    if "eligible" in expect and "status" not in expect:
        raw = plain(expect["eligible"][1])
        status = _ELIGIBLE_WORDS.get(raw, "") if isinstance(raw, bool | str) else ""
        if not status:
            src.error(
                expect["eligible"][1], f"{path}.eligible", "eligible 应为 true、false 或 missing"
            )
            return None
    else:
        status = _choice(src, expect, "status", path, node, RESULT_STATUSES)
    amount = None
    key = "amount" if "amount" in expect else ("amount_yuan" if "amount_yuan" in expect else None)
    if key is not None:
        raw_amount = plain(expect[key][1])
        amount = parse_number(raw_amount) if raw_amount is not None else None
        if raw_amount is not None and amount is None:
            src.error(expect[key][1], f"{path}.{key}", f"{key} 应为金额")
    elif status == "eligible":
        src.error(node, f"{path}.amount", "预期符合条件时须给出 amount")
    missing: tuple[str, ...] | None = None
    if "missing_fields" in expect:
        raw_missing = plain(expect["missing_fields"][1])
        if not isinstance(raw_missing, list) or not all(isinstance(m, str) for m in raw_missing):
            src.error(
                expect["missing_fields"][1],
                f"{path}.missing_fields",
                "missing_fields 应为字段名列表",
            )
            return None
        missing = tuple(raw_missing)
    if not status:
        return None
    return status, amount, missing


def _tests(
    src: Source, fields: FieldDictionary, entry: tuple[yaml.Node, yaml.Node] | None
) -> tuple[PolicyCase, ...]:
    from .profile_values import parse_profile

    if entry is None:
        return ()
    cases = []
    for index, node in enumerate(as_sequence(src, entry[1], "tests")):
        path = f"tests[{index}]"
        items = as_mapping(src, node, path)
        if "as_of" in items and "on" not in items:
            items["on"] = items.pop("as_of")
        check_keys(src, items, path, frozenset({"name", "on", "profile", "expect", "note"}))
        name = _required_text(src, items, "name", path, node)
        on = _date(src, items, "on", path, node, required=True)
        profile = (
            parse_profile(src, fields, items["profile"][1], f"{path}.profile")
            if "profile" in items
            else None
        )
        if "profile" not in items:
            src.error(node, f"{path}.profile", "缺少 profile")
        if "expect" not in items:
            src.error(node, f"{path}.expect", "缺少 expect")
            continue
        expected = _expect(src, fields, items["expect"][1], f"{path}.expect")
        if on is None or profile is None or expected is None:
            continue
        status, amount, missing = expected
        cases.append(PolicyCase(name, on, profile, status, amount, line_of(node), missing))
    return tuple(cases)
