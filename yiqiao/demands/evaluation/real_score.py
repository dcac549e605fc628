"""Score ``yiqiao demands match`` output against a judged set of real needs.

    python -m yiqiao.demands.evaluation.real_score SET.jsonl OUTPUT.jsonl [--details]

The set is JSON Lines in the team's format (EVAL_FORMATS.md §1): each item has ``id``, ``text``,
``expect.any_of`` (alternatives, each a ``type`` and ``all`` predicates over RESOURCES.md
attributes) and ``stated`` (the requirements a reader finds in the text). The output is what
``yiqiao demands match`` writes: one line per need with ``id``, ``requirements`` and ``results``
(each result a ``type`` and ``attributes`` keyed by dotted RESOURCES.md names).

Semantics, exactly:

- A result is **correct** iff its type equals an alternative's type and every predicate of that
  alternative holds on a *known* value. A predicate on an attribute the result leaves missing or
  null does not hold (unknown is not correct).
- A result **violates** a need iff at least one alternative has its type and, for every such
  alternative, some predicate is false on a known value. A result of a type no alternative names is
  not correct and not a violation.
- Top-5 precision = correct results among the first five / 5, whatever is returned, averaged over
  the set's needs; a need missing from the output scores 0.
- ``violations`` counts violating results among the first five over all needs.
- Parser recall/precision compare the output's ``requirements`` with ``stated`` (micro-averaged,
  one-to-one): two requirements agree when their names are equal, their operators are of one
  family (eq/in; ge/gt; le/lt; between; contains/covers; contains_any; contains_all; ne), and their
  values agree (numbers within 3 % relative, lists as sets, a scalar as a one-element set). Units
  are not compared: the name fixes the unit. With nothing parsed precision is 0; with nothing
  stated recall is 0.

The last printed line is one JSON object. ``--details`` prints one line per need first (never use
it on a frozen part: only the aggregate of a frozen part may be looked at).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from yiqiao.demands.evaluation.vocabulary import (
    ATTRIBUTES,
    DOMESTIC_REGIONS,
    OUTSIDE_HEALTHCARE_GENERAL,
    SECTOR_UMBRELLA,
    vocabulary,
)

TOP = 5
NUMBER_TOLERANCE = 0.03
"""Relative tolerance when a parsed number is compared with a stated one (unit rounding)."""

OPERATORS = frozenset(
    {
        "eq",
        "ne",
        "in",
        "ge",
        "le",
        "gt",
        "lt",
        "between",
        "contains",
        "contains_any",
        "contains_all",
        "covers",
        "is_true",
        "is_false",
    }
)
STATED_OPERATORS = frozenset(
    {"eq", "ne", "in", "ge", "le", "gt", "lt", "between", "contains", "covers"}
)
STATED_UNITS = frozenset({"m2", "yuan", "yuan_per_m2_month", "m", "kn_m2", "iso", "days", "t", "L"})
CATEGORIES = frozenset(
    {
        "space",
        "financing",
        "clinical",
        "capacity",
        "registration",
        "talent",
        "market",
        "policy",
        "other",
    }
)

_MISSING = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_list(value: Any) -> list[Any]:
    """A list attribute as a list; a scalar recorded where a list is expected is one element."""
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _covered(value: str, values: Sequence[Any]) -> bool:
    """Whether a list of SECTOR or REGION values covers ``value`` under RESOURCES.md's closures."""
    present = set(values)
    if value in present:
        return True
    if value in SECTOR_UMBRELLA:
        umbrella = SECTOR_UMBRELLA[value]
        if umbrella is not None and umbrella in present:
            return True
        if "healthcare_general" in present and value not in OUTSIDE_HEALTHCARE_GENERAL:
            return True
        if value == "healthcare_general":
            return any(
                v in SECTOR_UMBRELLA and v not in OUTSIDE_HEALTHCARE_GENERAL for v in present
            )
        if value in ("drug", "device"):
            return any(SECTOR_UMBRELLA.get(v) == value for v in present)
        return False
    return value in DOMESTIC_REGIONS and "national" in present


def predicate_holds(predicate: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool | None:
    """True or False on a known value; None when the attribute is missing or null (unknown)."""
    actual = attributes.get(predicate["attr"], _MISSING)
    if actual is _MISSING or actual is None:
        return None
    op = predicate["op"]
    expected: Any = predicate.get("value")
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return not isinstance(actual, list | dict) and actual in expected
    if op in ("ge", "le", "gt", "lt", "between"):
        if not _is_number(actual):
            return False
        if op == "ge":
            return bool(actual >= expected)
        if op == "le":
            return bool(actual <= expected)
        if op == "gt":
            return bool(actual > expected)
        if op == "lt":
            return bool(actual < expected)
        low, high = expected
        return bool(low <= actual <= high)
    if op == "contains":
        return expected in _as_list(actual)
    if op == "contains_any":
        return any(v in _as_list(actual) for v in expected)
    if op == "contains_all":
        return all(v in _as_list(actual) for v in expected)
    if op == "covers":
        return _covered(expected, _as_list(actual))
    if op == "is_true":
        return actual is True
    if op == "is_false":
        return actual is False
    raise ValueError(f"unknown operator {op!r}")


def _alternatives(item: Mapping[str, Any], result_type: Any) -> list[Mapping[str, Any]]:
    return [alt for alt in item["expect"]["any_of"] if alt["type"] == result_type]


def result_is_correct(item: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """A result is correct iff some alternative of its type holds on known values throughout."""
    attributes = result.get("attributes") or {}
    return any(
        all(predicate_holds(p, attributes) is True for p in alt.get("all", []))
        for alt in _alternatives(item, result.get("type"))
    )


def result_violates(item: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """A result violates iff alternatives of its type exist and each has a known, failing predicate."""
    attributes = result.get("attributes") or {}
    alternatives = _alternatives(item, result.get("type"))
    return bool(alternatives) and all(
        any(predicate_holds(p, attributes) is False for p in alt.get("all", []))
        for alt in alternatives
    )


def _op_family(op: str) -> str:
    return {
        "eq": "member",
        "in": "member",
        "is_true": "member",
        "is_false": "member",
        "ge": "lower",
        "gt": "lower",
        "le": "upper",
        "lt": "upper",
        "contains": "includes",
        "covers": "includes",
    }.get(op, op)


def _normal_value(op: str, value: Any) -> Any:
    if op == "is_true":
        return [True]
    if op == "is_false":
        return [False]
    if op == "between":
        return list(value) if isinstance(value, list | tuple) else [value]
    return _as_list(value)


def _same_value(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return math.isclose(a, b, rel_tol=NUMBER_TOLERANCE, abs_tol=1e-9)
    return bool(a == b)


def requirements_agree(parsed: Mapping[str, Any], stated: Mapping[str, Any]) -> bool:
    """Whether a parsed requirement states what a stated one says (name, operator family, value)."""
    if parsed.get("name") != stated["name"]:
        return False
    parsed_op, stated_op = str(parsed.get("op")), str(stated["op"])
    if _op_family(parsed_op) != _op_family(stated_op):
        return False
    left = _normal_value(parsed_op, parsed.get("value"))
    right = _normal_value(stated_op, stated.get("value"))
    if stated_op == "between" or parsed_op == "between":
        return len(left) == len(right) and all(
            _same_value(a, b) for a, b in zip(left, right, strict=True)
        )
    if len(left) != len(right):
        return False
    unmatched = list(right)
    for a in left:
        match = next((i for i, b in enumerate(unmatched) if _same_value(a, b)), None)
        if match is None:
            return False
        unmatched.pop(match)
    return True


def _agreeing_pairs(
    parsed: Sequence[Mapping[str, Any]], stated: Sequence[Mapping[str, Any]]
) -> int:
    """How many stated requirements a one-to-one pairing with parsed ones can satisfy (greedy)."""
    free = list(range(len(parsed)))
    pairs = 0
    for wanted in stated:
        hit = next((i for i in free if requirements_agree(parsed[i], wanted)), None)
        if hit is not None:
            free.remove(hit)
            pairs += 1
    return pairs


def score_item(item: Mapping[str, Any], output: Mapping[str, Any] | None) -> dict[str, Any]:
    """One need's figures: correct and violating results in the top five, parser agreement."""
    results = list((output or {}).get("results") or [])[:TOP]
    parsed = list((output or {}).get("requirements") or [])
    stated = list(item.get("stated") or [])
    correct = sum(1 for r in results if result_is_correct(item, r))
    return {
        "id": item["id"],
        "correct": correct,
        "violations": sum(1 for r in results if result_violates(item, r)),
        "returned": len(results),
        "stated": len(stated),
        "parsed": len(parsed),
        "agreeing": _agreeing_pairs(parsed, stated),
    }


def score(
    items: Iterable[Mapping[str, Any]], outputs: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Aggregate figures of a set against the matcher's output (see the module docstring)."""
    by_id: dict[str, Mapping[str, Any]] = {}
    for output in outputs:
        key = str(output.get("id"))
        if key in by_id:
            raise ValueError(f"output has need {key!r} twice")
        by_id[key] = output
    rows = [score_item(item, by_id.get(str(item["id"]))) for item in items]
    n = len(rows)
    stated = sum(r["stated"] for r in rows)
    parsed = sum(r["parsed"] for r in rows)
    agreeing = sum(r["agreeing"] for r in rows)
    return {
        "top5_precision": round(sum(r["correct"] for r in rows) / (TOP * n), 4) if n else 0.0,
        "violations": sum(r["violations"] for r in rows),
        "needs_with_zero_correct": sum(1 for r in rows if r["correct"] == 0),
        "parser_recall": round(agreeing / stated, 4) if stated else 0.0,
        "parser_precision": round(agreeing / parsed, 4) if parsed else 0.0,
        "n": n,
    }


def _check_value(attr: str, op: str, value: Any) -> list[str]:
    """Problems with one predicate's value against the attribute's datatype and vocabulary."""
    datatype = ATTRIBUTES[attr]
    kind, _, vocab_name = datatype.partition(":")
    allowed = vocabulary(vocab_name) if vocab_name else None
    problems: list[str] = []
    if op in ("is_true", "is_false"):
        if kind != "bool":
            problems.append(f"{attr}: {op} on a {datatype} attribute")
        return problems
    if op in ("ge", "le", "gt", "lt"):
        if kind not in ("number", "int") or not _is_number(value):
            problems.append(f"{attr}: {op} needs a number attribute and value")
        return problems
    if op == "between":
        if (
            kind not in ("number", "int")
            or not isinstance(value, list)
            or len(value) != 2
            or not all(_is_number(v) for v in value)
            or value[0] > value[1]
        ):
            problems.append(f"{attr}: between needs [low, high] numbers on a number attribute")
        return problems
    if op in ("contains", "covers"):
        if kind != "list":
            problems.append(f"{attr}: {op} on a {datatype} attribute")
        elif allowed is not None and value not in allowed:
            problems.append(f"{attr}: {value!r} is not in {vocab_name}")
        if op == "covers" and vocab_name not in ("SECTOR", "REGION"):
            problems.append(f"{attr}: covers applies to SECTOR or REGION lists")
        return problems
    if op in ("contains_any", "contains_all", "in"):
        if not isinstance(value, list) or not value:
            return [f"{attr}: {op} needs a non-empty list"]
        if (op == "in") == (kind == "list"):
            problems.append(f"{attr}: {op} on a {datatype} attribute")
        if allowed is not None:
            problems.extend(
                f"{attr}: {v!r} is not in {vocab_name}" for v in value if v not in allowed
            )
        return problems
    if op in ("eq", "ne"):
        if kind == "bool" and not isinstance(value, bool):
            problems.append(f"{attr}: {op} needs true/false")
        elif kind in ("number", "int") and not _is_number(value):
            problems.append(f"{attr}: {op} needs a number")
        elif allowed is not None and kind == "enum" and value not in allowed:
            problems.append(f"{attr}: {value!r} is not in {vocab_name}")
        return problems
    return [f"{attr}: unknown operator {op!r}"]


def check_item(item: Mapping[str, Any]) -> list[str]:
    """Problems that make an item unusable: fields, attribute names, operators, vocabulary values."""
    problems: list[str] = []
    for field in ("id", "text", "expect", "stated", "source"):
        if field not in item:
            problems.append(f"missing field {field!r}")
    if problems:
        return problems
    if item.get("category") is not None and item["category"] not in CATEGORIES:
        problems.append(f"category {item['category']!r} is not one of the contract's")
    alternatives = item["expect"].get("any_of") or []
    if not alternatives:
        problems.append("expect.any_of is empty")
    for alt in alternatives:
        if alt.get("type") not in vocabulary("TYPE"):
            problems.append(f"alternative type {alt.get('type')!r} is not a TYPE")
            continue
        for predicate in alt.get("all", []):
            attr, op = predicate.get("attr"), predicate.get("op")
            if attr not in ATTRIBUTES:
                problems.append(f"unknown attribute {attr!r}")
            elif not str(attr).startswith(f"{alt['type']}."):
                problems.append(f"{attr} is not an attribute of a {alt['type']}")
            elif op not in OPERATORS:
                problems.append(f"{attr}: unknown operator {op!r}")
            else:
                problems.extend(_check_value(attr, op, predicate.get("value")))
    for requirement in item["stated"]:
        name, op = requirement.get("name"), requirement.get("op")
        if not isinstance(name, str) or not (name in ATTRIBUTES or name.startswith("need.")):
            problems.append(f"stated name {name!r} is neither an attribute nor need.*")
        if op not in STATED_OPERATORS:
            problems.append(f"stated {name}: operator {op!r} is not allowed in stated")
        elif name in ATTRIBUTES:
            problems.extend(_check_value(name, op, requirement.get("value")))
        unit = requirement.get("unit")
        if unit is not None and unit not in STATED_UNITS:
            problems.append(f"stated {name}: unit {unit!r} is not one of the contract's")
    return problems


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Lines of a JSON Lines file (blank lines skipped), with the line number in any error."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Print the set's figures as one JSON line (per-need lines first with ``--details``)."""
    parser = argparse.ArgumentParser(description="Score demands-match output on a judged set.")
    parser.add_argument("set", type=Path, help="judged set (JSON Lines)")
    parser.add_argument("output", type=Path, help="output of `yiqiao demands match` (JSON Lines)")
    parser.add_argument(
        "--details", action="store_true", help="one line per need first (never on frozen)"
    )
    args = parser.parse_args(argv)
    try:
        items = load_jsonl(args.set)
        outputs = load_jsonl(args.output)
        for item in items:
            problems = check_item(item)
            if problems:
                raise ValueError(f"{args.set}: item {item.get('id')!r}: {'; '.join(problems)}")
        figures = score(items, outputs)
    except (OSError, ValueError) as error:
        sys.stderr.write(f"real_score: {error}\n")
        return 2
    if args.details:
        by_id = {str(o.get("id")): o for o in outputs}
        for item in items:
            sys.stdout.write(json.dumps(score_item(item, by_id.get(str(item["id"])))) + "\n")
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
