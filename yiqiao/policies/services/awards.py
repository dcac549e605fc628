"""Awards received and the 快申快享 flow: an application computed by the engine, reviewed by an
officer, paid — the payment becomes an :class:`Award` that the engine reads as received (caps
net of received, top-ups, 就高不重复) and that counts against the policy's budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.imports import Column, Progress, RowOutcome, chunks, import_audit_event
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Organisation
from yiqiao.registry.services.imports import RegionScopedImporter

from .. import engine
from ..models import Award, AwardApplication, Policy
from ..versions import engine_policy, library_policies
from .records import organisation_by_key


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(round(float(value), 2)))


def engine_decimal(value: float) -> Decimal:
    """A money amount typed by an officer (parsed by the engine) as a Decimal to the fen."""
    return _money(value)


@transaction.atomic
def award_record(
    *,
    organisation: Organisation,
    policy_code: str,
    amount: Decimal,
    awarded_on: dt.date,
    by: User | None,
    source: str = Award.Source.MANUAL,
    note: str = "",
    application: AwardApplication | None = None,
) -> Award:
    """Record an award the organisation received (from this platform or elsewhere). Audited."""
    code = policy_code.strip()
    if not code:
        raise ValidationError({"policy_code": "请填写政策编号"})
    if amount < 0:
        raise ValidationError({"amount": "金额不能为负"})
    award = Award.objects.create(
        organisation=organisation,
        policy=Policy.objects.filter(code=code).first(),
        policy_code=code[:120],
        amount=amount,
        awarded_on=awarded_on,
        source=source,
        application=application,
        note=note[:300],
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=award, after=snapshot(award),
        note=f"{organisation} · {code}",
    )  # fmt: skip
    return award


def application_estimate(
    organisation: Organisation, policy: Policy, as_of: dt.date
) -> tuple[engine.Explanation, float | None]:
    """The engine's verdict for one organisation and policy, and its amount after the whole
    library's 就高不重复 and shared caps (what the organisation would receive)."""
    from ..profiles import organisation_profile

    if policy.current_version is None:
        raise ValidationError("该政策没有可计算的版本")
    parsed = engine_policy(policy.current_version)
    library = library_policies([parsed])
    profile = organisation_profile(organisation, on=as_of)
    calc = engine.calculate(list(library.values()), profile, as_of)
    item = next(i for i in calc.items if i.explanation.policy_id == parsed.id)
    return item.explanation, item.final_amount


@transaction.atomic
def award_application_submit(
    *, organisation: Organisation, policy: Policy, as_of: dt.date, by: User
) -> AwardApplication:
    """Apply for a policy's award (快申快享): refused unless the engine finds the organisation
    eligible on ``as_of`` (missing data must be supplied first), or when an open application
    for the same policy exists. Records the computed amount and its trace. Audited."""
    if policy.status != Policy.Status.PUBLISHED:
        raise ValidationError("只能申请已发布的政策")
    open_statuses = [AwardApplication.Status.SUBMITTED, AwardApplication.Status.APPROVED]
    if AwardApplication.objects.filter(
        organisation=organisation, policy=policy, status__in=open_statuses
    ).exists():
        raise ValidationError("该机构已有此政策的在办申请")
    explanation, amount = application_estimate(organisation, policy, as_of)
    if explanation.status != engine.ELIGIBLE or amount is None:
        reason = explanation.summary
        raise ValidationError(f"测算结果为“{reason}”，暂不能申请")
    application = AwardApplication.objects.create(
        organisation=organisation,
        policy=policy,
        version=policy.current_version,
        as_of=as_of,
        amount_computed=_money(amount),
        trace=f"{explanation.benefit_trace}（依据：{explanation.source}）"[:4000],
        submitted_by=by,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=application,
        after=snapshot(application), note=f"{organisation} 申请 {policy.code}",
    )  # fmt: skip
    return application


def award_application_review(
    *,
    application: AwardApplication,
    approve: bool,
    by: User,
    amount: Decimal | None = None,
    note: str = "",
    row_version: int | None = None,
) -> AwardApplication:
    """Approve (with an amount, at most the computed one) or reject an application."""
    with versioned_change(
        AwardApplication, application.pk, by=by, row_version=row_version,
        action=AuditEvent.Action.TRANSITION,
    ) as change:  # fmt: skip
        current = change.instance
        target = AwardApplication.Status.APPROVED if approve else AwardApplication.Status.REJECTED
        if not current.can_move_to(target):
            raise ValidationError(
                f"当前状态为“{current.get_status_display()}”，不能{'核准' if approve else '退回'}"
            )
        if approve:
            granted = current.amount_computed if amount is None else amount
            if granted is None or granted < 0:
                raise ValidationError({"amount": "核准金额应为非负金额"})
            if current.amount_computed is not None and granted > current.amount_computed:
                raise ValidationError({"amount": "核准金额不能高于测算金额"})
            current.amount_approved = granted
        elif not note.strip():
            raise ValidationError({"note": "退回申请须说明原因"})
        current.status = target
        current.reviewed_by = by
        current.review_note = note[:300]
        change.note = f"{'核准' if approve else '退回'}：{note}".strip("：")
    return change.instance


def award_application_pay(
    *,
    application: AwardApplication,
    paid_on: dt.date,
    by: User,
    reference: str = "",
    row_version: int | None = None,
) -> AwardApplication:
    """Record the payment of an approved application; the paid amount becomes an award the
    organisation has received (one transaction)."""
    with transaction.atomic():
        with versioned_change(
            AwardApplication, application.pk, by=by, row_version=row_version,
            action=AuditEvent.Action.TRANSITION,
        ) as change:  # fmt: skip
            current = change.instance
            if not current.can_move_to(AwardApplication.Status.PAID):
                raise ValidationError(f"当前状态为“{current.get_status_display()}”，不能登记兑付")
            current.status = AwardApplication.Status.PAID
            current.paid_on = paid_on
            current.payment_reference = reference[:80]
            change.note = f"兑付 {current.amount_approved} 元"
        paid = change.instance
        award_record(
            organisation=paid.organisation, policy_code=paid.policy.code,
            amount=paid.amount_approved or Decimal(0), awarded_on=paid_on, by=by,
            source=Award.Source.PAYMENT, application=paid, note=reference,
        )  # fmt: skip
    return paid


class AwardImporter(RegionScopedImporter):
    """Import awards received (paid by this bureau before the platform, or by other levels of
    government): organisation, policy code, date, amount."""

    target = "policy_awards"
    label = "已获奖励资助"
    title = "已获奖励资助导入模板"
    model = Award
    columns = [
        Column("机构名称或统一社会信用代码", "organisation", True, "桐华示例药业有限公司"),
        Column("政策编号", "policy_code", True, "national.major_drug", aliases=("policy",)),
        Column("兑付日期", "awarded_on", True, "2024-09-01", aliases=("date",)),
        Column("金额（元）", "amount", True, "500000", aliases=("amount_yuan", "金额")),
        Column("说明", "note", False, "国家重大新药创制专项"),
    ]

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, object]:
        organisation = organisation_by_key(
            self.user, values.get("organisation", "").strip(), errors
        )
        code = values.get("policy_code", "").strip()
        if not code:
            errors.append("政策编号不能为空")
        day = engine.values.parse_date(values.get("awarded_on", "").strip() or None)
        if day is None:
            errors.append(f"兑付日期“{values.get('awarded_on', '')}”应为日期（如 2024-09-01）")
        number = engine.values.parse_number(values.get("amount", "").strip())
        amount = None
        if number is None or number < 0:
            errors.append(f"金额“{values.get('amount', '')}”应为非负金额")
        else:
            try:
                amount = _money(number)
            except InvalidOperation:
                errors.append("金额无法识别")
        return {
            "organisation": organisation, "policy_code": code[:120], "awarded_on": day,
            "amount": amount, "note": values.get("note", "").strip()[:300],
        }  # fmt: skip

    def file_key(self, data: Mapping[str, object]) -> list[str]:
        organisation = data.get("organisation")
        return [
            f"{getattr(organisation, 'pk', '')}:{data.get('policy_code')}:{data.get('awarded_on')}:{data.get('amount')}"
        ]

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        for outcome in outcomes:
            if outcome.errors:
                continue
            data = outcome.data
            exists = Award.objects.filter(
                organisation=data["organisation"], policy_code=data["policy_code"],
                awarded_on=data["awarded_on"], amount=data["amount"],
            ).exists()  # fmt: skip
            outcome.action = "unchanged" if exists else "create"

    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        policies = dict(Policy.objects.values_list("code", "pk"))
        rows = [o for o in outcomes if o.action == "create"]
        for part in chunks(rows):
            created = Award.objects.bulk_create(
                [
                    Award(
                        organisation=o.data["organisation"],
                        policy_id=policies.get(o.data["policy_code"]),
                        policy_code=o.data["policy_code"],
                        amount=o.data["amount"],
                        awarded_on=o.data["awarded_on"],
                        source=Award.Source.IMPORT,
                        note=o.data["note"],
                        created_by=self.user if getattr(self.user, "pk", None) else None,
                    )  # fmt: skip
                    for o in part
                ]
            )
            AuditEvent.objects.bulk_create(
                [
                    import_audit_event(self.user, AuditEvent.Action.CREATE, a, None, snapshot(a))
                    for a in created
                ]
            )
