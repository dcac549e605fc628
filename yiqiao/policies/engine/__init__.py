"""YiQiao policy engine (政策计算器 / 免申即享): pure Python + numpy, no Django.

Stable API for the Django side
------------------------------
Loading and validation::

    fields = load_fields("library/fields.yaml")            # -> FieldDictionary
    policy = parse_policy(path_or_yaml_text, fields)       # -> Policy, or raises PolicyError
    fields, policies = load_library("library/")            # every file of a folder
    check_publishable(policy)                               # raises PolicyError if it may not be published
    publish_issues(policy) -> list[Issue]                   # same checks, as a list
    run_tests(policy) -> tuple[CaseOutcome, ...]            # the policy's own test cases
    library_issues(policies) -> list[Issue]                 # duplicate ids, inconsistent shared caps

``PolicyError.issues`` is a tuple of :class:`Issue` (file, line, column, field path, message in
Chinese); ``str(error)`` prints one ``file:line:column: [field] message`` per line.

One enterprise (policy calculator)::

    result = explain(policy, profile, on)                   # -> Explanation
    calc = calculate(policies, profile, on)                 # -> Calculation (+ exclusive groups, shared caps)

``profile`` is a mapping field name → value (None or absent = missing) with the field's Python
type: number/money float or int, int int, bool bool, date ``datetime.date``, enum/str str, set
a set/frozenset of codes; ``check_profile(fields, raw)`` normalises and type-checks a raw dict.
``Explanation.status`` is one of ``eligible``, ``ineligible``, ``eligible_if_data_supplied``
(missing data is never "ineligible" by itself) or ``not_in_effect``; ``conditions`` lists every
node (``ConditionResult.text`` e.g. ``上年度研发投入 1200万元，要求 ≥ 2000万元，差 800万元``),
``benefit_trace`` e.g. ``min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元``,
``amount`` (eligible only, after the policy's own per-year cap), ``source`` (document, number,
article), ``missing_fields``/``missing_labels``, ``failing`` and ``is_near_miss``.

The whole register (screening runs)::

    snapshot = snapshot_from_profiles(fields, profiles)     # from dicts (checked), or
    snapshot = snapshot_from_arrays(fields, size, columns, missing, vocab)  # fast path, no copy
    result = screen(policies, snapshot, on, statuses={"published"}, total_budget=None)

``ScreeningResult`` holds long-form numpy arrays (int32 row = enterprise index in the
snapshot, int32 policy = index into ``policies``), grouped by policy, enterprises ascending:

- ``award_enterprise / award_policy / award_amount``: eligible pairs after 就高不重复 and shared
  caps; ``award_amount_before_caps``; ``award_delivery`` (0 auto, 1 apply, 2 manual);
  ``auto_awards()`` = indices of the 免申即享 list. Version: ``policies[p].version``.
- ``superseded_enterprise / _policy / _amount``: eligible pairs dropped by 就高不重复.
- 快申快享 (eligible if data supplied): ``quick_apply_rows(p)`` per policy, or
  ``quick_apply_long()`` / ``quick_enterprise`` / ``quick_policy`` for all (expanded on first
  access from per-policy bitmaps); ``missing_fields(i)`` names the missing fields of row i.
- ``near_enterprise / near_policy / near_condition``: outreach leads, exactly one top-level
  condition false (label: ``policies[p].top_labels[near_condition]``), at most
  ``near_miss_limit`` listed per policy; exact counts in ``policies[p].near_misses``.
- ``policies[p]`` (:class:`ScreenedPolicy`): version, delivery, eligible, amount, superseded,
  quick_apply, near_misses, budget, ``over_budget``; ``total_amount`` / ``over_budget`` for the
  run (``total_budget=`` argument); ``distinct_atoms`` / ``distinct_trees`` show the sharing.

Options: ``statuses={"published"}`` (default: every version in effect, so a draft's budget
impact can be screened), ``near_miss_tolerance=0.3`` (a failing numeric lower bound must be
reached to 70 %), ``near_miss_limit=1000``, ``near_misses=False`` to skip them.

Policy file format: see ``yiqiao/policies/library/README.md``; the expression grammar is in
:mod:`yiqiao.policies.engine.expr`. Command line: ``yiqiao.policies.engine.cli.main``.
"""

from __future__ import annotations

from .calculate import CalculatedPolicy, Calculation, calculate
from .checks import CaseOutcome, check_publishable, library_issues, publish_issues, run_tests
from .errors import Issue, PolicyError, ProfileError
from .explain import ConditionResult, Explanation, explain
from .fields import FieldDictionary, FieldSpec, load_fields
from .library import load_library, policy_files
from .model import (
    DELIVERIES,
    ELIGIBLE,
    IF_DATA_SUPPLIED,
    INELIGIBLE,
    NOT_IN_EFFECT,
    OPERATORS,
    STATUSES,
    Policy,
    PolicyCase,
    PolicyVersion,
)
from .parse import parse_policy
from .profile_values import check_profile
from .screen import screen
from .screen_result import ScreenedPolicy, ScreeningResult
from .snapshot import Snapshot, snapshot_from_arrays, snapshot_from_profiles
from .synthetic import synthetic_policies, synthetic_snapshot

__all__ = [
    "DELIVERIES",
    "ELIGIBLE",
    "IF_DATA_SUPPLIED",
    "INELIGIBLE",
    "NOT_IN_EFFECT",
    "OPERATORS",
    "STATUSES",
    "CalculatedPolicy",
    "Calculation",
    "CaseOutcome",
    "ConditionResult",
    "Explanation",
    "FieldDictionary",
    "FieldSpec",
    "Issue",
    "Policy",
    "PolicyCase",
    "PolicyError",
    "PolicyVersion",
    "ProfileError",
    "ScreenedPolicy",
    "ScreeningResult",
    "Snapshot",
    "calculate",
    "check_profile",
    "check_publishable",
    "explain",
    "library_issues",
    "load_fields",
    "load_library",
    "parse_policy",
    "policy_files",
    "publish_issues",
    "run_tests",
    "screen",
    "snapshot_from_arrays",
    "snapshot_from_profiles",
    "synthetic_policies",
    "synthetic_snapshot",
]
