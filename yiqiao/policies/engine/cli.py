"""``yiqiao policies validate PATH...``: check policy files and run their test cases.

Each PATH is a policy file or a folder of them. The field dictionary is ``fields.yaml`` in the
same folder, or ``--fields FILE``. Every error is printed as ``file:line:column: [field]
message``; the exit status is 1 when any file has an error or a failing test, else 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import library_issues, publish_issues
from .errors import Issue, PolicyError
from .fields import FieldDictionary, load_fields
from .library import fields_file_for, policy_files
from .model import Policy
from .parse import parse_policy


def _fields_for(
    path: Path, explicit: Path | None, cache: dict[Path, FieldDictionary]
) -> FieldDictionary:
    target = explicit or fields_file_for(path)
    if target not in cache:
        cache[target] = load_fields(target)
    return cache[target]


def validate(
    paths: list[Path], fields_file: Path | None = None
) -> tuple[list[Policy], list[Issue], int]:
    """Parse every policy under ``paths``, run its tests and the publishing checks.

    Returns (parsed policies, issues, number of test cases run).
    """
    issues: list[Issue] = []
    policies: list[Policy] = []
    cases = 0
    cache: dict[Path, FieldDictionary] = {}
    for path in paths:
        if not path.exists():
            issues.append(Issue(str(path), 0, 0, "-", "路径不存在"))
            continue
        files = policy_files(path) if path.is_dir() else [path]
        try:
            fields = _fields_for(path, fields_file, cache)
        except PolicyError as exc:
            issues.extend(exc.issues)
            continue
        for file in files:
            try:
                policy = parse_policy(file, fields)
            except PolicyError as exc:
                issues.extend(exc.issues)
                continue
            policies.append(policy)
    for policy in policies:
        cases += len(policy.tests)
        issues.extend(publish_issues(policy, policies))
    issues.extend(library_issues(policies))
    return policies, issues, cases


def main(argv: list[str] | None = None) -> int:
    """Validate the policy files named in ``argv`` (a leading ``validate`` is accepted)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["evaluate"]:
        from .cases import main as evaluate_main

        return evaluate_main(args[1:])
    if args[:1] == ["validate"]:
        args = args[1:]
    parser = argparse.ArgumentParser(prog="yiqiao policies validate", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, help="政策文件或目录")
    parser.add_argument(
        "--fields", type=Path, default=None, help="字段字典（默认为同目录 fields.yaml）"
    )
    options = parser.parse_args(args)
    policies, issues, cases = validate(options.paths, options.fields)
    for issue in issues:
        print(issue)
    if issues:
        print(f"校验未通过：{len(issues)} 个问题（已解析 {len(policies)} 个政策）", file=sys.stderr)
        return 1
    print(f"校验通过：{len(policies)} 个政策，{cases} 个测试用例全部通过")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
