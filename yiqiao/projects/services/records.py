"""What happens on a project: follow-up activities, signings (counted once), landing milestones rolled into the realised totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import bump_version, lock

from .. import summary
from ..engine import repeats
from ..models import Activity, Milestone, Project, Signing, Stage
from .checks import (
    _actor,
    _today,
    backdated_note,
    check_amount,
    check_attachment,
    check_not_future,
)


@transaction.atomic
def activity_record(
    *,
    project: Project,
    kind: str,
    happened_on: dt.date,
    summary: str,
    by: User,
    attachment: UploadedFile | None = None,
    next_follow_up_on: dt.date | None = None,
) -> Activity:
    """Log a contact with the investor; optionally set the next follow-up date."""
    check_not_future(happened_on, "跟进日期")
    if not summary.strip():
        raise ValidationError("请填写跟进内容")
    if kind not in Activity.Kind.values:
        raise ValidationError(f"未知的跟进方式“{kind}”")
    if next_follow_up_on is not None and next_follow_up_on < _today():
        raise ValidationError("下次跟进日期不能早于今天")
    check_attachment(attachment)
    activity = Activity(
        project=project, kind=kind, happened_on=happened_on, summary=summary, by=_actor(by)
    )
    if attachment is not None:
        activity.attachment.save(Path(attachment.name or "file").name, attachment, save=False)
    activity.save()
    if next_follow_up_on is not None:
        bump_version(Project, project.pk, next_follow_up_on=next_follow_up_on)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=activity, after=snapshot(activity)
    )
    return activity


@transaction.atomic
def signing_record(
    *,
    project: Project,
    signed_on: dt.date,
    agreement_type: str,
    amount: Decimal | None,
    currency: str,
    signatories: str,
    by: User,
    event_ref: str = "",
    note: str = "",
) -> Signing:
    """Record a signing once; see the module docstring for what is refused. A signing that
    repeats an earlier agreement (engine.repeats) is kept, marked, and adds nothing to the
    project's signed amount."""
    current = lock(Project, project.pk)
    tracker = summary.Tracker()
    tracker.watch(current.pk)
    check_not_future(signed_on, "签约日期")
    if agreement_type not in Signing.AgreementType.values:
        raise ValidationError(f"未知的协议类型“{agreement_type}”")
    # A strategic or framework agreement often names no sum; an investment agreement must.
    amount = Decimal(0) if amount is None else amount
    check_amount(amount, "签约金额")
    if agreement_type == Signing.AgreementType.INVESTMENT and amount <= 0:
        raise ValidationError("投资协议须填写大于0的签约金额（战略合作协议、框架协议可不填金额）")
    if amount < 0:
        raise ValidationError("签约金额不能为负数")
    if currency != current.currency:
        raise ValidationError(
            f"本项目以{current.get_currency_display()}（{current.currency}）计价，签约币种须一致；"
            "不同币种的金额不能直接相加，请按约定汇率折算后登记并在备注中注明汇率"
        )
    if current.stage == Stage.LOST:
        raise ValidationError("已终止的项目不能登记签约，请先恢复项目")
    if not signatories.strip():
        raise ValidationError("请填写签约方")
    duplicate = current.signings.filter(agreement_type=agreement_type, signed_on=signed_on).first()
    if duplicate is not None:
        raise ValidationError(
            f"该协议已登记（{signed_on:%Y-%m-%d} {duplicate.get_agreement_type_display()}），"
            "同一协议不重复计入"
        )
    signing = Signing.objects.create(
        project=current,
        signed_on=signed_on,
        agreement_type=agreement_type,
        amount=amount,
        currency=currency,
        signatories=signatories.strip()[:300],
        event_ref=event_ref.strip()[:200],
        note=note.strip()[:300],
        by=_actor(by),
    )
    repeat = _mark_repeats(signing, tracker)
    if repeat is None:
        first = signed_on if current.signed_on is None else min(current.signed_on, signed_on)
        bump_version(
            Project, current.pk, signed_amount=F("signed_amount") + amount, signed_on=first
        )
    else:
        # A repeat neither adds to the signed amount nor makes the project a signed one (a
        # deal entered again as a new project stays out of the signed figures).
        bump_version(Project, current.pk)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=signing,
        after=snapshot(signing),
        note=f"疑似重复签约：{repeats.REASON_LABELS[repeat.reason]}（首次签约 #{repeat.original_id}），"
        "不重复计入签约金额"
        if repeat is not None
        else "",
    )
    tracker.settle()
    return signing


def _facts(signing: Signing) -> repeats.SigningFacts:
    return repeats.SigningFacts(
        id=signing.pk,
        project_id=signing.project_id,
        signed_on=signing.signed_on,
        amount=signing.amount,
        currency=signing.currency,
        signatories=signing.signatories,
    )


def _mark_repeats(signing: Signing, tracker: summary.Tracker) -> repeats.Repeat | None:
    """Compare a new signing with the originals of about the same amount (engine.repeats).

    When it repeats one, it is marked and returned. When it is an earlier original of signings
    already recorded (an agreement entered afterwards), those become its repeats: their
    amounts leave their projects' signed amounts, their own repeats point at the new original.
    """
    if signing.amount <= 0:
        return None
    tolerance = repeats.AMOUNT_TOLERANCE
    near = list(
        Signing.objects.filter(
            currency=signing.currency,
            repeat_of__isnull=True,
            amount__gte=signing.amount * (1 - tolerance),
            amount__lte=signing.amount / (1 - tolerance),
        ).exclude(pk=signing.pk)
    )
    new = _facts(signing)
    repeat = repeats.find_original(new, [_facts(s) for s in near])
    if repeat is not None:
        signing.repeat_of_id = repeat.original_id
        signing.repeat_reason = repeat.reason
        signing.save(update_fields=["repeat_of", "repeat_reason"])
        return repeat
    for later in near:
        reason = repeats.match(_facts(later), new)
        if reason is None:
            continue
        tracker.watch(later.project_id)  # its signing stops counting: its figures change
        Signing.objects.filter(repeat_of=later).update(repeat_of=signing)
        Signing.objects.filter(pk=later.pk).update(repeat_of=signing, repeat_reason=reason)
        remaining = (
            Signing.objects.filter(project_id=later.project_id, repeat_of__isnull=True)
            .order_by("signed_on")
            .values_list("signed_on", flat=True)
            .first()
        )
        bump_version(
            Project,
            later.project_id,
            signed_amount=F("signed_amount") - later.amount,
            signed_on=remaining,
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            instance=later,
            before={"repeat_of": None},
            after={"repeat_of": signing.pk, "repeat_reason": reason},
            note=f"补录的签约 #{signing.pk} 早于本签约：{repeats.REASON_LABELS[reason]}，"
            "本签约不再计入签约金额",
        )
    return None


@transaction.atomic
def milestone_record(
    *,
    project: Project,
    kind: str,
    achieved_on: dt.date,
    by: User,
    realised_capex: Decimal = Decimal("0"),
    capital_arrived: Decimal = Decimal("0"),
    jobs: int | None = None,
    revenue: Decimal | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> Milestone:
    """Record a landing milestone and roll its figures into the project's realised totals.

    ``evidence`` (a permit, licence, bank slip or photo; office documents, PDF or images) is
    what lets the cockpit's 开工率/投产率/资金到位率 count the milestone."""
    current = lock(Project, project.pk)
    check_not_future(achieved_on, "节点日期")
    if kind not in Milestone.Kind.values:
        raise ValidationError(f"未知的落地节点“{kind}”")
    for value, label in (
        (realised_capex, "完成投资"),
        (capital_arrived, "到位资金"),
        (revenue, "年营收"),
    ):
        check_amount(value, label)
    if jobs is not None and jobs < 0:
        raise ValidationError("就业人数不能为负数")
    if current.signed_on is None:
        raise ValidationError("项目尚无签约记录，不能登记落地节点")
    if achieved_on < current.signed_on:
        raise ValidationError(f"节点日期早于首次签约日期（{current.signed_on:%Y-%m-%d}）")
    if current.milestones.filter(kind=kind, achieved_on=achieved_on).exists():
        raise ValidationError("同一天的同类落地节点已登记，不重复计入")
    check_attachment(evidence)
    milestone = Milestone(
        project=current,
        kind=kind,
        achieved_on=achieved_on,
        realised_capex=realised_capex,
        capital_arrived=capital_arrived,
        jobs=jobs,
        revenue=revenue,
        note=note.strip()[:300],
        by=_actor(by),
    )
    if evidence is not None:
        milestone.evidence.save(Path(evidence.name or "file").name, evidence, save=False)
    milestone.save()
    updates: dict[str, Any] = {
        "realised_capex": F("realised_capex") + realised_capex,
        "capital_arrived": F("capital_arrived") + capital_arrived,
    }
    later = current.milestones.filter(achieved_on__gt=achieved_on)
    if jobs is not None and not later.filter(jobs__isnull=False).exists():
        updates["realised_jobs"] = jobs
    if revenue is not None and not later.filter(revenue__isnull=False).exists():
        updates["realised_revenue"] = revenue
    bump_version(Project, current.pk, **updates)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=milestone,
        after=snapshot(milestone),
        note=backdated_note(achieved_on),
    )
    return milestone
