"""Reads of the policy app. All permission scoping for policies and screening runs lives here.

Policies are public documents: every signed-in user may read published ones; staff also read
drafts and policies under review. Managing a policy (its workflow) needs an editing role and a
scope that covers the policy's region. Screening runs are staff-only and visible to users whose
scope covers the run's region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from yiqiao.core.scope import user_scope
from yiqiao.registry.models import Organisation
from yiqiao.registry.queries import OrganisationFilters, organisation_list

from . import engine, packing
from .models import OrganisationFact, Policy, PolicyVersion, ScreeningGroup, ScreeningRun
from .profiles import field_dictionary as field_dictionary
from .profiles import organisation_profile
from .versions import engine_policy


@dataclass
class PolicyFilters:
    """Filters shared by the library page and the API."""

    q: str = ""
    status: str = ""
    delivery: str = ""
    group: str = ""
    category: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> PolicyFilters:
        def get(key: str) -> str:
            value = data.get(key, "")
            return str(value).strip()[:100] if value is not None else ""

        return cls(
            q=get("q"),
            status=get("status") if get("status") in Policy.Status.values else "",
            delivery=get("delivery") if get("delivery") in Policy.Delivery.values else "",
            group=get("group"),
            category=get("category"),
        )

    def as_query(self) -> dict[str, str]:
        data = {
            "q": self.q,
            "status": self.status,
            "delivery": self.delivery,
            "group": self.group,
            "category": self.category,
        }
        return {k: v for k, v in data.items() if v}


def _visible_policies(user: Any) -> QuerySet[Policy]:
    """Released policies for staff, drafts only of their own region subtree (or the platform
    library); outside users read published ones (the access rule in policies/access.py)."""
    return Policy.objects.restrict(user, "view")


def policy_list(*, user: Any, filters: PolicyFilters) -> QuerySet[Policy]:
    """Policies the user may read, filtered; with the current version (one query per page)."""
    qs = _visible_policies(user)
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(code__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(document__icontains=filters.q)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.delivery:
        qs = qs.filter(delivery=filters.delivery)
    if filters.group:
        qs = qs.filter(exclusive_group=filters.group)
    if filters.category:
        qs = qs.filter(category=filters.category)
    return qs.select_related("current_version").order_by("category", "code")


def policy_facets(*, user: Any) -> dict[str, list[str]]:
    """Distinct categories and exclusive groups for the filter bar (two queries)."""
    qs = _visible_policies(user).order_by()
    return {
        "categories": sorted(c for c in qs.values_list("category", flat=True).distinct() if c),
        "groups": sorted(g for g in qs.values_list("exclusive_group", flat=True).distinct() if g),
    }


def can_manage_policy(user: Any, policy: Policy) -> bool:
    """Editing role and a scope that covers the policy's region (platform library: admins)."""
    if not getattr(user, "can_edit_register", False):
        return False
    scope = user_scope(user)
    if scope.everything:
        return True
    if policy.region_id is None:
        return bool(user.role == "admin" or user.is_superuser)
    return policy.region_id in scope.region_ids


def can_read_workings(user: Any, policy: Policy) -> bool:
    """Whether the user reads a policy's workings (budget, test cases, source, revisions, status
    changes and who made them): staff whose scope covers the policy's region, and every staff
    member for the platform library. Another district's staff, like an enterprise, read what a
    published policy offers and asks, not its issuer's internal record."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if not scope.is_staff_role:
        return False
    return policy.region_id is None or policy.region_id in scope.region_ids


def visible_policies(user: Any) -> QuerySet[Policy]:
    """The policies the user may read (drafts only to their unit and the units above it)."""
    return _visible_policies(user)


def access_policy(user: Any, policy_id: int, *, for_edit: bool = False) -> Policy:
    """One policy the user may read (404 otherwise); with for_edit, may manage (403)."""
    policy = (
        _visible_policies(user)
        .select_related("current_version", "region")
        .filter(pk=policy_id)
        .first()
    )
    if policy is None:
        raise Http404("政策不存在或无权查看")
    if for_edit and not can_manage_policy(user, policy):
        raise PermissionDenied("当前账号无权变更该政策的状态")
    return policy


def policy_versions(policy: Policy) -> list[PolicyVersion]:
    return list(policy.versions.select_related("created_by").order_by("-number"))


# ---- the policy calculator for one organisation ---------------------------------------------


def published_engine_policies() -> list[tuple[Policy, engine.Policy]]:
    """Published policies with their parsed current text (one query; parsing is cached)."""
    out = []
    for policy in (
        Policy.objects.filter(status=Policy.Status.PUBLISHED, current_version__isnull=False)
        .select_related("current_version")
        .order_by("category", "code")
    ):
        assert policy.current_version is not None
        out.append((policy, engine_policy(policy.current_version)))
    return out


@dataclass
class CalculatorView:
    """Everything the calculator panel, its export and the API show for one organisation."""

    organisation: Organisation
    on: dt.date
    policies: list[Policy]
    calculation: engine.Calculation
    profile: dict[str, object]

    def rows(self) -> list[tuple[Policy, engine.CalculatedPolicy]]:
        return list(zip(self.policies, self.calculation.items, strict=True))

    def eligible(self) -> list[tuple[Policy, engine.CalculatedPolicy]]:
        return [
            (p, c)
            for p, c in self.rows()
            if c.explanation.status == engine.ELIGIBLE and not c.superseded
        ]

    def superseded(self) -> list[tuple[Policy, engine.CalculatedPolicy]]:
        return [(p, c) for p, c in self.rows() if c.superseded]

    def quick_apply(self) -> list[tuple[Policy, engine.CalculatedPolicy]]:
        return [(p, c) for p, c in self.rows() if c.explanation.status == engine.IF_DATA_SUPPLIED]

    def near_misses(self) -> list[tuple[Policy, engine.CalculatedPolicy]]:
        return [(p, c) for p, c in self.rows() if c.explanation.is_near_miss]

    def missing_fields(self) -> list[tuple[str, str, list[str]]]:
        """(field, label, titles of the policies that need it), most needed first."""
        needed: dict[str, list[str]] = {}
        for policy, item in self.quick_apply():
            for name in item.explanation.missing_fields:
                needed.setdefault(name, []).append(policy.title)
        fields = field_dictionary()
        return sorted(
            (
                (name, fields[name].label if name in fields else name, titles)
                for name, titles in needed.items()
            ),
            key=lambda t: (-len(t[2]), t[0]),
        )

    @property
    def total(self) -> float:
        return self.calculation.total


def organisation_calculator(organisation: Organisation, *, on: dt.date) -> CalculatorView:
    """Explain every published policy for the organisation on ``on`` (fixed number of queries)."""
    pairs = published_engine_policies()
    profile = organisation_profile(organisation, on=on)
    calculation = engine.calculate([e for _, e in pairs], profile, on)
    return CalculatorView(organisation, on, [p for p, _ in pairs], calculation, profile)


def organisation_facts(organisation: Organisation, *, limit: int = 50) -> list[OrganisationFact]:
    return list(
        OrganisationFact.objects.filter(organisation=organisation)
        .select_related("entered_by")
        .order_by("-as_of", "field")[:limit]
    )


# ---- screening runs ---------------------------------------------------------------------------


def _visible_runs(user: Any) -> QuerySet[ScreeningRun]:
    scope = user_scope(user)
    qs = ScreeningRun.objects.all()
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    return qs.filter(Q(region_id__in=scope.region_ids) | Q(created_by_id=user.pk))


def can_author_policy(user: Any) -> bool:
    """Officers and admins with a region (or everything) write policy drafts of their region."""
    return can_start_run(user)


def can_start_run(user: Any) -> bool:
    scope = user_scope(user)
    return bool(
        getattr(user, "can_edit_register", False) and (scope.everything or scope.region_ids)
    )


def run_list(*, user: Any, limit: int = 50) -> list[ScreeningRun]:
    return list(
        _visible_runs(user)
        .select_related("created_by", "draft_policy")
        .order_by("-created_at")[:limit]
    )


def access_run(user: Any, run_id: int) -> ScreeningRun:
    """One run the user may see (404 otherwise)."""
    run = (
        _visible_runs(user)
        .select_related("created_by", "draft_policy", "region")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404("筛查批次不存在或无权查看")
    return run


def run_organisations(run: ScreeningRun) -> QuerySet[Organisation]:
    """The register a run screens: active organisations in the creator's scope."""
    return organisation_list(user=run.created_by, filters=OrganisationFilters())


@dataclass
class RunResult:
    """One (organisation, policy) result of a run, read from its group (what a stored row held:
    the list pages, exports and the API show these)."""

    organisation_id: int
    organisation: Organisation
    policy: Policy
    status: str
    delivery: str
    rule_version: int | None
    amount: Decimal | None
    amount_before_caps: Decimal | None
    reasons: str
    missing_fields: list[str]

    @property
    def policy_id(self) -> int:
        return self.policy.pk

    def get_status_display(self) -> str:
        return str(ScreeningGroup.Status(self.status).label)

    def get_delivery_display(self) -> str:
        return str(Policy.Delivery(self.delivery).label) if self.delivery else ""


_BLOBS = ("organisations", "amounts", "amounts_before_caps", "texts")


def _yuan(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2)))


def _group_results(
    group: ScreeningGroup,
    ids: npt.NDArray[np.int64],
    positions: range | list[int],
    organisations: dict[int, Organisation],
) -> list[RunResult]:
    """Results of ``group`` at ``positions`` of its members (``ids``, decoded)."""
    from .engine.values import format_money

    amounts = before = None
    if group.amounts is not None:
        amounts = packing.unpack_floats(group.amounts)
        before = packing.unpack_floats(group.amounts_before_caps)
    out = []
    for k in positions:
        org_id = int(ids[k])
        reasons = group.reasons
        amount = before_caps = None
        if amounts is not None and before is not None:
            amount, before_caps = _yuan(amounts[k]), _yuan(before[k])
            if float(amounts[k]) + 0.005 < float(before[k]):
                reasons += f"；受共享上限限制（原 {format_money(float(before[k]))}）"
        elif group.texts:
            reasons = group.texts[k]
        out.append(
            RunResult(
                organisation_id=org_id,
                organisation=organisations.get(org_id)
                or Organisation(id=org_id, name=f"（机构 #{org_id} 已删除）"),
                policy=group.policy,
                status=group.status,
                delivery=group.delivery,
                rule_version=group.rule_version,
                amount=amount,
                amount_before_caps=before_caps,
                reasons=reasons,
                missing_fields=list(group.missing_fields),
            )
        )
    return out


def _organisations(ids: Iterable[int]) -> dict[int, Organisation]:
    return Organisation.objects.only("id", "name", "uscc").in_bulk(list(ids))


class RunResults:
    """A run's results narrowed to a status, a delivery and a policy, as a sequence: ``len``,
    ``count()`` and slices (Django's paginator takes it as it took a queryset). Ordered by
    policy (category, code), then as each group lists its organisations; a slice reads only the
    groups it touches (their packed ids) and the names of the organisations it shows."""

    def __init__(
        self,
        run: ScreeningRun,
        *,
        status: str = "",
        delivery: str = "",
        policy_id: int | None = None,
    ) -> None:
        groups = run.groups.defer(*_BLOBS).select_related("policy")
        if status:
            groups = groups.filter(status=status)
        if delivery:
            groups = groups.filter(delivery=delivery)
        if policy_id:
            groups = groups.filter(policy_id=policy_id)
        self.groups = list(groups.order_by("policy__category", "policy__code", "number"))
        self.ends = np.cumsum([g.size for g in self.groups], dtype=np.int64)

    def count(self) -> int:
        return int(self.ends[-1]) if self.ends.size else 0

    def __len__(self) -> int:
        return self.count()

    def _blobs(self, groups: list[ScreeningGroup]) -> dict[int, ScreeningGroup]:
        return ScreeningGroup.objects.only(*_BLOBS).in_bulk([g.pk for g in groups])

    @overload
    def __getitem__(self, index: int) -> RunResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[RunResult]: ...

    def __getitem__(self, index: int | slice) -> RunResult | list[RunResult]:
        if not isinstance(index, slice):
            position = index + self.count() if index < 0 else index
            if not 0 <= position < self.count():
                raise IndexError(index)
            return self[position : position + 1][0]
        start, stop, _ = index.indices(self.count())
        if stop <= start:
            return []
        first = int(np.searchsorted(self.ends, start, side="right"))
        last = int(np.searchsorted(self.ends, stop - 1, side="right"))
        picked = self.groups[first : last + 1]
        blobs = self._blobs(picked)
        spans = []
        for k, group in enumerate(picked, start=first):
            begin = int(self.ends[k]) - group.size
            ids = packing.unpack_ints(blobs[group.pk].organisations)
            spans.append(
                (group, ids, range(max(start, begin) - begin, min(stop, int(self.ends[k])) - begin))
            )
        names = _organisations(int(ids[k]) for _, ids, r in spans for k in r)
        out: list[RunResult] = []
        for group, ids, positions in spans:
            _copy_blobs(group, blobs[group.pk])
            out.extend(_group_results(group, ids, positions, names))
        return out

    def __iter__(self) -> Iterator[RunResult]:
        return self.iterator()

    def iterator(self, chunk_size: int = 2000) -> Iterator[RunResult]:
        """Every result in order, reading one group's ids at a time and names by chunk."""
        for group in self.groups:
            _copy_blobs(group, self._blobs([group])[group.pk])
            ids = packing.unpack_ints(group.organisations)
            for begin in range(0, ids.size, chunk_size):
                positions = range(begin, min(begin + chunk_size, ids.size))
                names = _organisations(int(ids[k]) for k in positions)
                yield from _group_results(group, ids, positions, names)


def _copy_blobs(target: ScreeningGroup, source: ScreeningGroup) -> None:
    for name in _BLOBS:
        setattr(target, name, getattr(source, name))


def run_results(
    run: ScreeningRun, *, status: str = "", delivery: str = "", policy_id: int | None = None
) -> RunResults:
    """The run's results (optionally of one status, delivery and policy), in list order."""
    return RunResults(run, status=status, delivery=delivery, policy_id=policy_id)


def run_status_counts(run: ScreeningRun) -> dict[str, int]:
    rows = run.groups.order_by().values("status").annotate(n=Sum("size"))
    return {r["status"]: int(r["n"]) for r in rows}


def policy_run_organisations(
    run: ScreeningRun, policy_id: int, *, status: str = ScreeningGroup.Status.ELIGIBLE
) -> npt.NDArray[np.int64]:
    """Ids of the organisations with ``status`` for the policy in the run ("who qualifies"),
    ascending."""
    blobs = run.groups.filter(policy_id=policy_id, status=status).values_list(
        "organisations", flat=True
    )
    parts = [packing.unpack_ints(b) for b in blobs]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def organisation_run_results(run: ScreeningRun, organisation_id: int) -> list[RunResult]:
    """Every result of one organisation in the run (the policies it qualifies for, would with
    more data, or misses by one condition): one index row and the groups it names."""
    block = (
        run.index.filter(last_organisation_id__gte=organisation_id)
        .order_by("last_organisation_id")
        .first()
    )
    if block is None or block.first_organisation_id > organisation_id:
        return []
    ids = packing.unpack_ints(block.organisations)
    at = int(np.searchsorted(ids, organisation_id))
    if at >= ids.size or int(ids[at]) != organisation_id:
        return []
    offsets = packing.unpack_ints(block.offsets)
    numbers = packing.unpack_ints(block.groups)
    mine = numbers[(int(offsets[at - 1]) if at else 0) : int(offsets[at])].tolist()
    if not mine:
        return []
    organisation = _organisations([organisation_id])
    out: list[RunResult] = []
    for group in run.groups.filter(number__in=mine).select_related("policy"):
        members = packing.unpack_ints(group.organisations)
        if group.status == ScreeningGroup.Status.ELIGIBLE:
            position = [int(np.flatnonzero(members == organisation_id)[0])]
        else:
            position = [int(np.searchsorted(members, organisation_id))]
        out.extend(_group_results(group, members, position, organisation))
    out.sort(key=lambda r: (r.policy.category, r.policy.code, r.status))
    return out


def draft_choices(user: Any) -> list[Policy]:
    """Draft/review policies the user may include in a run to measure their budget impact."""
    return list(
        _visible_policies(user)
        .filter(status__in=[Policy.Status.DRAFT, Policy.Status.REVIEW])
        .filter(current_version__isnull=False)
        .order_by("code")
    )


# ---- reach of a draft (the editor's preview) ----------------------------------------------


@dataclass(frozen=True)
class ThresholdStep:
    """What relaxing one threshold would add: the bound as written, how many more
    enterprises would qualify and how much more would be paid."""

    bound: str
    added: int
    added_amount: float


@dataclass(frozen=True)
class NearGroup:
    """Near misses failing one top-level condition, and the effect of relaxing it."""

    label: str
    count: int
    steps: tuple[ThresholdStep, ...] = ()


@dataclass(frozen=True)
class DraftReach:
    """How far a draft reaches on the register in the user's scope, on one date."""

    as_of: dt.date
    enterprises: int
    eligible: int
    amount: float
    superseded: int
    quick_apply: int
    near_misses: int
    near: tuple[NearGroup, ...]
    examples: tuple[tuple[Organisation, float], ...]


REACH_STEPS = (0.9, 0.8, 0.7)  # relaxed bounds tried for the commonest near-miss thresholds


def _two_figures(value: float) -> float:
    """``value`` rounded to two significant figures (1,463万 → 1,500万)."""
    if value <= 0:
        return value
    from math import floor, log10

    scale: float = 10 ** (floor(log10(value)) - 1)
    return round(value / scale) * scale


def _screen_draft(
    library: list[engine.Policy], draft: engine.Policy, snapshot: engine.Snapshot, as_of: dt.date
) -> tuple[engine.ScreeningResult, int]:
    policies = [p for p in library if p.id != draft.id] + [draft]
    result = engine.screen(policies, snapshot, as_of, near_miss_limit=max(snapshot.size, 1))
    return result, len(policies) - 1


def _relaxed(draft: engine.Policy, as_of: dt.date, top: int, bound: float) -> engine.Policy:
    """``draft`` with the lower bound of its top-level condition ``top`` set to ``bound``."""
    from dataclasses import replace

    from .engine.expr import Num

    version = draft.version_on(as_of)
    assert version is not None
    children = list(version.conditions.children)
    children[top] = replace(children[top], operand=Num(bound, str(bound)))  # type: ignore[arg-type]
    changed = replace(version, conditions=replace(version.conditions, children=tuple(children)))
    return replace(draft, versions=tuple(changed if v is version else v for v in draft.versions))


def draft_reach(*, user: Any, draft: engine.Policy, as_of: dt.date) -> DraftReach:
    """Screen ``draft`` with the published library over the active register in ``user``'s
    scope on ``as_of``: who qualifies and for how much (after 就高不重复 and shared caps), who
    would with more data, and the near misses by failing condition — for the commonest numeric
    lower bounds, how many more would qualify (and for how much) were the bound lower."""
    from .engine.evaluate import resolve_operand
    from .engine.model import Atom
    from .engine.values import format_number
    from .profiles import register_snapshot

    organisations = organisation_list(user=user, filters=OrganisationFilters())
    register = register_snapshot(organisations, on=as_of)
    library = [parsed for _, parsed in published_engine_policies()]
    result, index = _screen_draft(library, draft, register.snapshot, as_of)
    info = result.policies[index]
    mine = result.award_policy == index
    amounts = result.award_amount[mine]
    rows = result.award_enterprise[mine]
    top_rows = sorted(zip(amounts.tolist(), rows.tolist(), strict=True), reverse=True)[:10]
    ids = [int(register.organisation_ids[r]) for _, r in top_rows]
    names = Organisation.objects.in_bulk(ids)
    examples = tuple((names[i], a) for (a, _), i in zip(top_rows, ids, strict=True) if i in names)
    version = draft.version_on(as_of)
    near: list[NearGroup] = []
    which = result.near_condition[result.near_policy == index]
    if version is not None and which.size:
        counts = sorted(
            ((int(n), int(k)) for k, n in zip(*np.unique(which, return_counts=True), strict=True)),
            reverse=True,
        )
        params = version.parameters_on(as_of)
        for rank, (count, top) in enumerate(counts):
            node = version.conditions.children[top]
            steps: list[ThresholdStep] = []
            numeric = isinstance(node, Atom) and node.op in ("ge", "gt")
            numeric = numeric and node.type in ("number", "money", "int")  # type: ignore[union-attr]
            if numeric and rank < 2:
                bound = resolve_operand(node, params, as_of)  # type: ignore[arg-type]
                for share in REACH_STEPS:
                    lower = _two_figures(float(bound) * share)
                    if lower >= float(bound):
                        continue
                    relaxed = _relaxed(draft, as_of, top, lower)
                    again, at = _screen_draft(library, relaxed, register.snapshot, as_of)
                    more = again.award_policy == at
                    steps.append(
                        ThresholdStep(
                            bound=format_number(lower, node.unit or ""),  # type: ignore[union-attr]
                            added=int(more.sum()) - int(mine.sum()),
                            added_amount=float(again.award_amount[more].sum())
                            - float(amounts.sum()),
                        )
                    )
            near.append(NearGroup(info.top_labels[top], count, tuple(steps)))
    return DraftReach(
        as_of=as_of,
        enterprises=register.snapshot.size,
        eligible=int(mine.sum()),
        amount=float(amounts.sum()),
        superseded=info.superseded,
        quick_apply=info.quick_apply,
        near_misses=info.near_misses,
        near=tuple(near),
        examples=examples,
    )


# ---- 快申快享 applications and awards received -------------------------------------------------


def organisation_awards(organisation: Organisation, *, limit: int = 20) -> list[Any]:
    """Awards the organisation has received, latest first."""
    from .models import Award

    awards = Award.objects.filter(organisation=organisation).select_related("policy")
    return list(awards.order_by("-awarded_on", "-id")[:limit])


def open_applications(organisation: Organisation) -> dict[int, Any]:
    """policy id → the organisation's open (submitted or approved) application."""
    from .models import AwardApplication

    rows = AwardApplication.objects.filter(
        organisation=organisation,
        status__in=[AwardApplication.Status.SUBMITTED, AwardApplication.Status.APPROVED],
    )
    return {a.policy_id: a for a in rows}


def may_apply(user: Any, organisation: Organisation) -> bool:
    """The enterprise's own users, and officers who may edit the register (on its behalf)."""
    scope = user_scope(user)
    if scope.organisation_id == organisation.pk:
        return True
    return bool(getattr(user, "can_edit_register", False)) and organisation.is_active


def application_list(*, user: Any, status: str = "") -> QuerySet[Any]:
    """Applications of organisations in the user's scope, newest first."""
    from .models import AwardApplication

    qs = AwardApplication.objects.restrict(user, "view").select_related(
        "organisation", "policy", "submitted_by", "reviewed_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def access_application(user: Any, application_id: int) -> Any:
    """One application the user may change (404 unseen, 403 not allowed)."""
    from yiqiao.core.access import access_object

    from .models import AwardApplication

    return access_object(
        AwardApplication.objects.select_related("organisation", "policy"),
        user,
        application_id,
        "change",
    )
