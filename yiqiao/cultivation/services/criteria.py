"""Dated versions of a rung's criteria, written by staff in the policy format."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.policies.engine import PolicyError, parse_policy, publish_issues, run_tests
from yiqiao.policies.profiles import field_dictionary

from ..criteria import SCREENED_RUNGS
from ..models import CriteriaVersion


def criteria_problems(text: str) -> list[str]:
    """Why a criteria text may not be stored: parse errors (with line and column), failing or
    missing test cases (at least one case that meets and one that does not)."""
    try:
        policy = parse_policy(text, field_dictionary())
    except PolicyError as exc:
        return [str(issue) for issue in exc.issues]
    problems = [str(issue) for issue in publish_issues(policy)]
    for outcome in run_tests(policy):
        if not outcome.passed:
            problems.append(f"测试用例“{outcome.case.name}”未通过：{outcome.message}")
    return problems


@transaction.atomic
def criteria_version_add(
    *, rung: str, text: str, effective_from: dt.date, note: str, by: User
) -> CriteriaVersion:
    """Store a new dated version of ``rung``'s criteria (admins only); refused with the parse
    or test problems when the text is not valid policy format or its cases fail."""
    scope = user_scope(by)
    if not (scope.everything or scope.is_admin):
        raise PermissionDenied("只有管理员可以修订梯度标准")
    if rung not in SCREENED_RUNGS:
        raise ValidationError({"rung": f"该层级没有入梯标准：{rung}"})
    problems = criteria_problems(text)
    if problems:
        raise ValidationError({"text": problems})
    number = (CriteriaVersion.objects.filter(rung=rung).aggregate(n=Max("number"))["n"] or 0) + 1
    version = CriteriaVersion.objects.create(
        rung=rung,
        number=number,
        effective_from=effective_from,
        text=text,
        note=note.strip()[:300],
        created_by=by,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=version, after=snapshot(version)
    )
    return version
