"""Reads of the cultivation app; every queryset goes through core.access."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from yiqiao.core.access import VIEW, access_object
from yiqiao.policies.engine import Explanation, explain
from yiqiao.policies.models import OrganisationRecord
from yiqiao.policies.profiles import organisation_profile, register_snapshot
from yiqiao.registry.models import Organisation, Region

from .criteria import CRITERIA_DIR, RungCriteria
from .criteria import criteria_in_force as criteria_in_force
from .engine import RUNGS, CriterionState, current_rung, explain_rows, rank_candidates, rung_index
from .engine.ladder import RUNG_LABELS
from .kpis import APPROVAL_DATE, metric_queryset
from .models import (
    CriteriaVersion,
    CultivationTarget,
    ListingCandidate,
    ListingStage,
    Recognition,
    TalentTeam,
)
from .services.recognitions import RUNG_FLAGS, held_by


def enterprise_list(user: Any) -> QuerySet[Organisation]:
    """Active enterprises the user may see."""
    return Organisation.objects.restrict(user, VIEW).filter(
        kind=Organisation.Kind.ENTERPRISE, is_active=True
    )


def _at_or_above(rung: str, on: dt.date) -> Q:
    """Organisations holding ``rung`` or a higher one on ``on`` (flag or valid recognition)."""
    higher = RUNGS[rung_index(rung) :]
    condition = Q()
    for name in higher:
        flag = RUNG_FLAGS.get(name)
        if flag:
            condition |= Q(**{flag: True})
    valid = Recognition.objects.filter(
        organisation=OuterRef("pk"),
        rung__in=higher,
        is_revoked=False,
        recognised_on__lte=on,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return condition | Q(Exists(valid))


def ladder_counts(user: Any, on: dt.date) -> dict[str, int]:
    """How many visible enterprises stand on each rung on ``on`` (the highest rung held)."""
    enterprises = enterprise_list(user)
    by_org: dict[int, list[str]] = {}
    valid = (
        Recognition.objects.filter(organisation__in=enterprises, is_revoked=False)
        .filter(recognised_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .values_list("organisation_id", "rung")
    )
    for org_id, rung in valid:
        by_org.setdefault(org_id, []).append(rung)
    flags = list(RUNG_FLAGS.items())
    flagged = enterprises.filter(
        Q(is_high_tech=True)
        | Q(is_specialised=True)
        | Q(is_little_giant=True)
        | Q(is_pre_ipo=True)
        | Q(is_listed=True)
    ).values_list("pk", *(f for _, f in flags))
    for pk, *values in flagged:
        by_org.setdefault(pk, []).extend(r for (r, _), v in zip(flags, values, strict=True) if v)
    counts = Counter(max(rungs, key=rung_index) for rungs in by_org.values())
    return {rung: counts.get(rung, 0) for rung in RUNGS}


@dataclass(frozen=True)
class CandidateRow:
    organisation: Organisation
    failed: int
    missing: int
    criteria: tuple[CriterionState, ...]

    @property
    def gaps(self) -> list[CriterionState]:
        return [c for c in self.criteria if not c.is_met]


@dataclass(frozen=True)
class CandidatePage:
    rung: str
    criteria: RungCriteria
    considered: int
    by_unmet: tuple[int, ...]
    rows: list[CandidateRow]

    @property
    def label(self) -> str:
        return RUNG_LABELS[self.rung]


def rung_candidates(user: Any, rung: str, on: dt.date, *, limit: int = 50) -> CandidatePage:
    """Visible enterprises below ``rung``, closest first, the shown ones explained criterion by
    criterion (one snapshot of the register, the policy engine's batch path)."""
    criteria = criteria_in_force(rung, on)
    below = enterprise_list(user).exclude(_at_or_above(rung, on))
    register = register_snapshot(below, on=on)
    ranking = rank_candidates(criteria.policy, register.snapshot, on, limit=limit)
    explained = explain_rows(criteria.policy, register.snapshot, ranking.rows.tolist(), on)
    ids = [int(register.organisation_ids[r]) for r in ranking.rows]
    organisations = Organisation.objects.in_bulk(ids)
    rows = [
        CandidateRow(organisations[pk], int(f), int(m), states)
        for pk, f, m, states in zip(ids, ranking.failed, ranking.missing, explained, strict=True)
    ]
    return CandidatePage(rung, criteria, ranking.considered, ranking.by_unmet, rows)


def recertification_due(user: Any, on: dt.date, *, within_days: int = 90) -> QuerySet[Recognition]:
    """高企 recognitions valid on ``on`` that lapse within ``within_days``, with no renewal
    recorded after them."""
    later = Recognition.objects.filter(
        organisation=OuterRef("organisation"),
        rung="high_tech",
        is_revoked=False,
        recognised_on__gt=OuterRef("recognised_on"),
    )
    return (
        Recognition.objects.restrict(user, VIEW)
        .filter(
            rung="high_tech",
            is_revoked=False,
            recognised_on__lte=on,
            expires_on__gte=on,
            expires_on__lte=on + dt.timedelta(days=within_days),
        )
        .exclude(Exists(later))
        .select_related("organisation")
        .order_by("expires_on", "pk")
    )


# ---- targets ------------------------------------------------------------------------------------


def metric_records(user: Any, region: Region, year: int, metric: str) -> QuerySet[Any]:
    """The records a target's realised count counts (visible to ``user``): the cockpit's own
    figure over the calendar year (see :mod:`.kpis`)."""
    return metric_queryset(
        metric, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), region=region, user=user
    )


@dataclass(frozen=True)
class TargetProgress:
    target: CultivationTarget
    realised: int

    @property
    def share(self) -> float | None:
        return self.realised / self.target.target if self.target.target else None


def target_progress(user: Any, year: int) -> list[TargetProgress]:
    """The visible targets of ``year`` with their realised counts (one count query each)."""
    targets = (
        CultivationTarget.objects.restrict(user, VIEW)
        .filter(year=year)
        .select_related("region")
        .order_by("region__path", "metric")
    )
    return [
        TargetProgress(t, metric_records(user, t.region, t.year, t.metric).count()) for t in targets
    ]


def access_target(user: Any, pk: Any) -> CultivationTarget:
    return access_object(CultivationTarget.objects.select_related("region"), user, pk)


# ---- one enterprise -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseLadder:
    organisation: Organisation
    rung: str | None
    recognitions: list[Recognition]
    next_rung: str | None
    next_criteria: RungCriteria | None
    explanation: Explanation | None


def enterprise_ladder(user: Any, organisation: Organisation, on: dt.date) -> EnterpriseLadder:
    """An enterprise's rung, recognitions, and the next rung's criteria explained for it."""
    held = held_by(organisation)
    rung = current_rung(held, on)
    recognitions = list(organisation.recognitions.order_by("-recognised_on", "-pk"))
    index = rung_index(rung) + 1
    next_rung = RUNGS[index] if index < len(RUNGS) and RUNGS[index] != "listed" else None
    if next_rung is None:
        return EnterpriseLadder(organisation, rung, recognitions, None, None, None)
    criteria = criteria_in_force(next_rung, on)
    explanation = explain(criteria.policy, organisation_profile(organisation, on=on), on)
    return EnterpriseLadder(organisation, rung, recognitions, next_rung, criteria, explanation)


# ---- 上市后备库, approvals, talent --------------------------------------------------------------


def listing_list(user: Any) -> list[ListingCandidate]:
    """The visible 上市后备库, latest stage moves first."""
    return list(
        ListingCandidate.objects.restrict(user, VIEW)
        .select_related("organisation")
        .order_by("-stage_on", "-pk")[:500]
    )


def listing_counts(rows: list[ListingCandidate]) -> list[tuple[str, int]]:
    counts = Counter(c.stage for c in rows)
    return [(str(label), counts.get(code, 0)) for code, label in ListingStage.choices]


def approval_list(user: Any, year: int) -> list[OrganisationRecord]:
    """Approvals dated in ``year`` of enterprises the user may see."""
    condition = Q()
    for field, date_key in APPROVAL_DATE.items():
        dated = Q(field=field, **{f"data__{date_key}__startswith": f"{year}-"})
        if field == "trials":
            dated &= Q(data__event="approved")
        condition |= dated
    return list(
        OrganisationRecord.objects.filter(organisation__in=enterprise_list(user))
        .filter(condition)
        .select_related("organisation")
        .order_by("-recorded_on", "-pk")[:1000]
    )


def approval_counts(records: list[OrganisationRecord]) -> list[tuple[str, list[int], int]]:
    """Per kind: counts by quarter (Q1..Q4) and the year's total."""
    labels = {
        "certificates": "医疗器械注册证",
        "drug_approvals": "药品注册证书",
        "trials": "临床试验批准",
    }
    out = []
    for field, label in labels.items():
        quarters = [0, 0, 0, 0]
        for record in records:
            if record.field == field:
                month = int(str(record.data.get(APPROVAL_DATE[field], "0000-01"))[5:7])
                quarters[(month - 1) // 3] += 1
        out.append((label, quarters, sum(quarters)))
    return out


def talent_team_list(user: Any) -> list[TalentTeam]:
    return list(
        TalentTeam.objects.restrict(user, VIEW)
        .select_related("host", "project", "platform")
        .order_by("-brought_in_on", "-pk")[:500]
    )


def shipped_text(rung: str) -> str:
    """The text of the criteria file shipped for ``rung``."""
    return (CRITERIA_DIR / f"{rung}.yaml").read_text(encoding="utf-8")


def criteria_versions(rung: str) -> list[CriteriaVersion]:
    """The dated versions staff wrote for ``rung``, latest first (shared reference data)."""
    return list(
        CriteriaVersion.objects.filter(rung=rung)
        .select_related("created_by")
        .order_by("-effective_from", "-number")
    )
