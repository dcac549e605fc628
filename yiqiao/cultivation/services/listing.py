"""The 上市后备库: entering an enterprise (its rung becomes 上市后备库) and moving it through
the listing stages, forward only; reaching 上市 records the listed rung, board and date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.policies.services import organisation_fact_set
from yiqiao.registry.models import Organisation

from ..engine import stage_move_problem
from ..engine.ladder import BOARDS, LISTING_STAGE_LABELS
from ..models import ListingCandidate, ListingStageChange
from .recognitions import RecognitionInput, check_can_change, recognition_record

#: The policy field ``ipo_stage`` each listing stage implies.
IPO_STAGE_FACT = {
    "tutoring": "tutoring",
    "filing": "filing",
    "inquiry": "filing",
    "registration": "filing",
    "listed": "listed",
}


@transaction.atomic
def listing_enter(
    *,
    organisation: Organisation,
    board: str,
    entered_on: dt.date,
    by: User,
    sponsor: str = "",
    basis: str = "",
    note: str = "",
) -> ListingCandidate:
    """Put an enterprise in the 上市后备库 (once); it is recognised on the 上市后备库 rung (a
    rung skipped needs ``basis``, as for any recognition)."""
    check_can_change(organisation, by)
    if board not in BOARDS:
        raise ValidationError({"board": f"未知的上市板块：{board}"})
    if ListingCandidate.objects.filter(organisation=organisation).exists():
        raise ValidationError(f"{organisation.name} 已在上市后备库中")
    recognition_record(
        organisation=organisation,
        data=RecognitionInput(
            rung="pre_ipo", recognised_on=entered_on, evidence=note, skip_basis=basis
        ),
        by=by,
    )
    candidate = ListingCandidate(
        organisation=organisation,
        board=board,
        stage="reserve",
        stage_on=entered_on,
        entered_on=entered_on,
        sponsor=sponsor.strip()[:120],
        note=note.strip()[:300],
    )
    candidate.set_default_owner(by)
    candidate.save()
    ListingStageChange.objects.create(candidate=candidate, to_stage="reserve", on=entered_on, by=by)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=candidate, after=snapshot(candidate)
    )
    return candidate


@transaction.atomic
def listing_advance(
    *,
    candidate: ListingCandidate,
    to_stage: str,
    on: dt.date,
    by: User,
    row_version: int | None = None,
    stock_code: str = "",
    note: str = "",
) -> ListingCandidate:
    """Move a candidate to a later stage (never back, never dated before the current stage);
    at 上市 the enterprise is recognised as listed on its board with its stock code."""
    check_can_change(candidate.organisation, by)
    with versioned_change(
        ListingCandidate, candidate.pk, by=by, row_version=row_version,
        action=AuditEvent.Action.TRANSITION,
    ) as change:  # fmt: skip
        current = change.instance
        problem = stage_move_problem(current.stage, to_stage)
        if problem:
            raise ValidationError({"to_stage": problem})
        if on < current.stage_on:
            raise ValidationError({"on": f"日期 {on} 早于进入当前阶段的日期 {current.stage_on}"})
        if to_stage == "listed" and not (stock_code.strip() or current.stock_code):
            raise ValidationError({"stock_code": "上市须填写证券代码"})
        ListingStageChange.objects.create(
            candidate=current, from_stage=current.stage, to_stage=to_stage, on=on,
            note=note.strip()[:300], by=by,
        )  # fmt: skip
        change.note = f"{LISTING_STAGE_LABELS[current.stage]} → {LISTING_STAGE_LABELS[to_stage]}"
        current.stage, current.stage_on = to_stage, on
        if stock_code.strip():
            current.stock_code = stock_code.strip()[:20]
    organisation = change.instance.organisation
    organisation_fact_set(
        organisation=organisation, field="ipo_stage", value=IPO_STAGE_FACT[to_stage],
        as_of=on, by=by, source="上市后备库",
    )  # fmt: skip
    if to_stage == "listed":
        recognition_record(
            organisation=organisation,
            data=RecognitionInput(
                rung="listed", recognised_on=on, evidence=f"证券代码 {change.instance.stock_code}"
            ),
            by=by,
        )
        with versioned_change(
            Organisation, organisation.pk, by=by, update_fields=["listed_market"]
        ) as org_change:
            org_change.instance.listed_market = change.instance.board
            org_change.note = "上市板块"
        organisation_fact_set(
            organisation=organisation, field="listed_on", value=on, as_of=on, by=by,
            source="上市后备库",
        )  # fmt: skip
    return change.instance
