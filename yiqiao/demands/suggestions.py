"""Suggestions on a demand: the demand read as requirements (its text parsed, the fields the
user confirmed in force), ranked requirement by requirement over the district's catalogue
(``matching``), policy eligibility from the policies app (policies.eligibility)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from yiqiao.policies.eligibility import organisation_policy_eligibility
from yiqiao.policies.models import Policy

from .matching import (
    STATUS_MARK,
    ResultView,
    catalogue_for,
    is_english,
    match_need,
    parsed_for_demand,
    requirement_rows,
    unread_rows,
)
from .models import Demand
from .resources import district_keys, district_of

KIND_LABEL = {
    "policy": "政策",
    "space": "载体",
    "service": "平台服务",
    "investor": "投资机构",
    "organisation": "合作机构",
}


@dataclass
class Suggestion:
    """One suggested resource for a demand, ready for the page and the API: each requirement
    the need states, met ✓ / unmet ✗ / unknown ? with the record's value (no raw score)."""

    key: str
    kind: str
    kind_label: str
    title: str
    checks: list[dict[str, Any]]
    reasons: list[str]
    url: str = ""
    is_accepted: bool = False

    @property
    def to_verify(self) -> bool:
        """A requirement the record leaves unknown: "待核实" before it is recommended."""
        return any(c["status"] == "unknown" and not c["preference"] for c in self.checks)


@dataclass
class SuggestionSet:
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    unread: list[dict[str, str]] = field(default_factory=list)


# ---- demand → suggestions ----------------------------------------------------------------


def _urls(keys: list[str]) -> dict[str, str]:
    """Page links of the suggested records (policies by their code, one query)."""
    from django.urls import reverse

    out: dict[str, str] = {}
    codes = [k.split(":", 1)[1] for k in keys if k.startswith("policy:")]
    policy_pk = dict(Policy.objects.filter(code__in=codes).values_list("code", "pk"))
    for key in keys:
        kind, raw = key.split(":", 1)
        if kind == "policy" and raw in policy_pk:
            out[key] = reverse("policies:policy-detail", args=[policy_pk[raw]])
        elif kind == "space" and raw.isdigit():
            out[key] = reverse("registry:space-detail", args=[int(raw)])
        elif kind in {"org", "investor"} and raw.isdigit():
            out[key] = reverse("registry:organisation-detail", args=[int(raw)])
    return out


def _policy_check(verdict: Any, language: str | None = None) -> dict[str, Any]:
    """The organisation's eligibility for a suggested policy, as one more ✓ / ? row."""
    if is_english(language):
        if verdict.status == "eligible":
            amount = verdict.amount_yuan
            worth = f", estimated at about {amount / 1_000_000:.2f}M yuan" if amount else ""
            value, status = f"eligible{worth}", "met"
        else:
            value, status = "company data incomplete, to be checked", "unknown"
        return {
            "name": "policy.eligibility",
            "label": "Policy eligibility",
            "status": status,
            "mark": STATUS_MARK[status],
            "value": value,
            "recorded": True,
            "preference": False,
        }
    if verdict.status == "eligible":
        amount = (
            f"，测算可享受约{verdict.amount_yuan / 10000:.1f}万元" if verdict.amount_yuan else ""
        )
        value, status = f"符合{amount}", "met"
    else:
        value, status = "企业资料不全，待核实", "unknown"
    return {
        "name": "policy.eligibility",
        "label": "企业申报条件",
        "status": status,
        "mark": STATUS_MARK[status],
        "value": value,
        "recorded": True,
        "preference": False,
    }


def suggest(demand: Demand, *, limit: int = 10, today: date | None = None) -> SuggestionSet:
    """Ranked resources for a demand, requirement by requirement (``engine.rank``, the same
    ranking ``yiqiao demands match`` prints); marks those already referred.

    Only the need's district is searched; organisations, investors and services of other
    districts are never named; the asking organisation is never suggested to itself; a policy
    the organisation does not qualify for is left out (the policies app's verdict)."""
    today = today or timezone.localdate()
    org = demand.organisation
    root = district_of(org.region)
    parsed = parsed_for_demand(demand)
    own = (f"org:{org.pk}", f"investor:{org.pk}")
    catalogue = catalogue_for(root, today)
    ours = district_keys(root)
    outcome = match_need(
        parsed.text,
        root=root,
        as_of=today,
        top=len(catalogue.candidates),
        exclude_keys=own,
        parsed=parsed,
    )
    results = [
        r
        for r in outcome.results
        if r.candidate.type not in {"organisation", "investor", "service"}
        or r.candidate.key in ours
    ]
    codes = [r.candidate.key.split(":", 1)[1] for r in results if r.candidate.type == "policy"]
    verdicts: dict[str, Any] = {}
    if codes:
        verdicts = organisation_policy_eligibility(org, on=today, codes=codes).verdicts
    accepted = set(demand.responses.exclude(resource_key="").values_list("resource_key", flat=True))
    # Checks are shown in the page's language; the reasons a referral records stay Chinese.
    chosen: list[tuple[ResultView, list[dict[str, Any]], list[dict[str, Any]]]] = []
    for r in results:
        checks = r.checks()
        recorded = r.checks("zh-hans") if is_english(None) else checks
        if r.candidate.type == "policy":
            verdict = verdicts.get(r.candidate.key.split(":", 1)[1])
            if verdict is None or verdict.status in {"ineligible", "not_in_effect"}:
                continue
            checks.append(_policy_check(verdict))
            if recorded is not checks:
                recorded.append(_policy_check(verdict, "zh-hans"))
        chosen.append((r, checks, recorded))
        if len(chosen) >= limit:
            break
    urls = _urls([r.candidate.key for r, _, _ in chosen])
    out = [
        Suggestion(
            key=r.candidate.key,
            kind=r.candidate.type,
            kind_label=KIND_LABEL.get(r.candidate.type, r.candidate.type),
            title=r.candidate.title,
            checks=checks,
            reasons=[_reason(c) for c in recorded],
            url=urls.get(r.candidate.key, ""),
            is_accepted=r.candidate.key in accepted,
        )
        for r, checks, recorded in chosen
    ]
    notes = []
    if not parsed.requirements:
        notes.append(
            gettext(
                "需求中未读出具体要求（面积、租金、资质、轮次等），无法核验推荐，请补充后再匹配"
            )
        )
    return SuggestionSet(out, notes, requirement_rows(parsed), unread_rows(parsed))


def _reason(check: dict[str, Any]) -> str:
    if check["status"] == "met":
        return f"满足：{check['label']}（{check['value']}）"
    if check["status"] == "unknown":
        return f"待核实：{check['label']}（{check['value']}）"
    return f"不满足：{check['label']}（登记为{check['value']}）"


def find_suggestion(demand: Demand, key: str) -> Suggestion | None:
    """The suggestion with ``key`` among the demand's current top 50 (the server re-derives the
    title and reasons rather than trusting the client)."""
    for s in suggest(demand, limit=50).suggestions:
        if s.key == key:
            return s
    return None
