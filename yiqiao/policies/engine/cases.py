"""``yiqiao policies evaluate LIBRARY_DIR CASES.jsonl``: compute every policy of a library for
every case of a JSON-lines file (a stable contract, see yiqiao/policies/REFERENCE.md).

Input, one JSON object per line::

    {"id": "c1", "as_of": "2025-06-30", "profile": {"revenue_yuan": 120000000,
     "certificates": [{"category": "device_class3", "issued_on": "2024-03-01"}],
     "awards_received": [{"policy": "city.rd", "date": "2025-02-01", "amount_yuan": 500000}]}}

Output, one line per input line, in the same order::

    {"id": "c1", "results": {"POLICY_ID": {"eligible": true | false | "missing",
     "amount_yuan": 1234 | null, "missing_fields": ["..."]}}}

``eligible`` is ``"missing"`` when the policy would apply if missing data were supplied
(``missing_fields`` names that data); ``amount_yuan`` is the award in whole yuan after the
policy's caps and, across policies, 就高不重复 and shared caps (``--own-amounts``: before the
cross-policy rules). A policy not in effect on ``as_of`` is ``false``. Problems in the library
or in a case (unknown field, value of the wrong type) are written to stderr naming the file and
line, or the case line and field; the case is still computed with that value missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .calculate import calculate
from .checks import reference_issues
from .errors import PolicyError
from .fields import FieldDictionary, load_fields
from .library import fields_file_for, policy_files
from .model import ELIGIBLE, IF_DATA_SUPPLIED, Policy
from .parse import parse_policy
from .profile_values import lenient_profile
from .values import parse_date

_ELIGIBLE = {ELIGIBLE: True, IF_DATA_SUPPLIED: "missing"}


def load_for_cases(folder: Path, log: TextIO) -> tuple[FieldDictionary, list[Policy]]:
    """The dictionary and every policy of ``folder`` that parses; problems go to ``log``."""
    fields = load_fields(fields_file_for(folder))
    policies: list[Policy] = []
    for path in policy_files(folder):
        try:
            policies.append(parse_policy(path, fields))
        except PolicyError as exc:
            for issue in exc.issues:
                print(issue, file=log)
    for issue in reference_issues(policies):
        print(issue, file=log)
    return fields, policies


def evaluate_lines(
    fields: FieldDictionary,
    policies: list[Policy],
    lines: Iterable[str],
    log: TextIO,
    *,
    own_amounts: bool = False,
) -> Iterator[dict[str, Any]]:
    """One result object per input line (blank lines are skipped)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"第 {number} 行：不是合法的 JSON（{exc.msg}）", file=log)
            yield {"id": None, "results": {}, "error": f"invalid JSON: {exc.msg}"}
            continue
        if not isinstance(case, dict):
            print(f"第 {number} 行：应为 JSON 对象", file=log)
            yield {"id": None, "results": {}, "error": "not an object"}
            continue
        case_id = case.get("id")
        on = parse_date(case.get("as_of"))
        if on is None:
            print(f"第 {number} 行（{case_id}）：as_of {case.get('as_of')!r} 不是日期", file=log)
            yield {"id": case_id, "results": {}, "error": "as_of is not a date"}
            continue
        raw = case.get("profile") or {}
        if not isinstance(raw, dict):
            print(f"第 {number} 行（{case_id}）：profile 应为对象", file=log)
            raw = {}
        profile, warnings = lenient_profile(fields, raw)
        for warning in warnings:
            print(f"第 {number} 行（{case_id}）：{warning}", file=log)
        yield {"id": case_id, "results": _results(policies, profile, on, own_amounts)}


def _results(
    policies: list[Policy], profile: dict[str, object], on: Any, own_amounts: bool
) -> dict[str, dict[str, Any]]:
    calc = calculate(policies, profile, on)
    out: dict[str, dict[str, Any]] = {}
    for item in calc.items:
        e = item.explanation
        eligible = _ELIGIBLE.get(e.status, False)
        amount = None
        if eligible is True:
            value = e.amount if own_amounts else item.final_amount
            amount = int(round(value or 0.0))
        out[e.policy_id] = {
            "eligible": eligible,
            "amount_yuan": amount,
            "missing_fields": list(e.missing_fields) if eligible == "missing" else [],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 when the whole library loaded, 1 when a policy file had errors (the
    other policies' results are written either way), 2 when the dictionary itself is broken."""
    parser = argparse.ArgumentParser(prog="yiqiao policies evaluate", description=__doc__)
    parser.add_argument("library", type=Path, help="政策库目录（含 fields.yaml 与政策文件）")
    parser.add_argument("cases", type=Path, help="测算用例 JSON Lines 文件（- 为标准输入）")
    parser.add_argument("--out", type=Path, default=None, help="结果文件（默认标准输出）")
    parser.add_argument(
        "--own-amounts", action="store_true", help="报告各政策自身金额（不做就高不重复与共享上限）"
    )
    options = parser.parse_args(argv)

    class Counting:
        def __init__(self, stream: TextIO) -> None:
            self.stream = stream
            self.count = 0

        def write(self, text: str) -> int:
            if text.strip():
                self.count += 1
            return self.stream.write(text)

        def flush(self) -> None:
            self.stream.flush()

    log = Counting(sys.stderr)
    try:
        fields, policies = load_for_cases(options.library, log)  # type: ignore[arg-type]
        library_errors = log.count
    except PolicyError as exc:
        sys.stderr.write("".join(f"{issue}\n" for issue in exc.issues))
        return 2
    source = sys.stdin if str(options.cases) == "-" else options.cases.open(encoding="utf-8")
    target = sys.stdout if options.out is None else options.out.open("w", encoding="utf-8")
    try:
        for result in evaluate_lines(
            fields,
            policies,
            source,
            sys.stderr,
            own_amounts=options.own_amounts,
        ):
            target.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        if source is not sys.stdin:
            source.close()
        if target is not sys.stdout:
            target.close()
    return 1 if library_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
