"""Demo data of the policy app: sync the library and give a share of the demo enterprises
plausible facts, so screening finds eligible, missing-data and near-miss cases.

    from yiqiao.policies.demo import load_demo_policy_data
    summary = load_demo_policy_data(seed=7)

Deterministic for a seed and idempotent: facts are keyed by (organisation, field, as_of) and
inserted with ignore_conflicts, the library sync writes nothing for unchanged files.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiqiao.demo.generators import DemoContext
from yiqiao.registry.models import Organisation, Region

from .engine import FieldSpec
from .models import OrganisationFact
from .profiles import LIBRARY_DIR, fact_to_json, field_dictionary
from .services import SyncReport, policy_library_sync

#: Share of demo enterprises that receive facts; the rest only have register columns.
FACT_SHARE = 0.6
SOURCE = "演示数据（虚构）"

# Money ranges (yuan, log-uniform) for fact fields whose scale differs from the default.
_MONEY_RANGES: dict[str, tuple[float, float]] = {
    "tax_paid_yuan": (3e5, 5e7),
    "investment_landed_yuan": (5e6, 8e8),
    "fixed_asset_investment_yuan": (2e6, 3e8),
    "relocation_cost_yuan": (2e5, 1e7),
    "poc_project_budget_yuan": (2e5, 6e6),
    "grant_to_equity_request_yuan": (5e5, 2e7),
    "angel_round_yuan": (2e6, 8e7),
    "cro_spend_yuan": (5e4, 1e7),
    "cdmo_spend_yuan": (5e4, 2e7),
    "pilot_platform_spend_yuan": (5e4, 8e6),
    "platform_service_revenue_yuan": (5e5, 8e7),
    "rent_yuan_per_sqm_month": (25, 150),
}


@dataclass(frozen=True)
class DemoPolicySummary:
    """What the seeding did."""

    sync: SyncReport
    enterprises_with_facts: int
    facts_created: int

    def __str__(self) -> str:
        return (
            f"政策库：{self.sync}；为 {self.enterprises_with_facts} 家企业"
            f"补充数据项 {self.facts_created} 条"
        )


def _money(rng: random.Random, low: float, high: float) -> float:
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return float(round(value, -3) if value >= 1e4 else round(value, 2))


def _value(
    rng: random.Random, spec: FieldSpec, org: tuple[Any, ...], today: dt.date
) -> object | None:
    """A plausible value for one fact field of one enterprise (None: leave it missing)."""
    _pk, revenue, rd_spend, founded_on = org
    name = spec.name
    if name == "rd_spend_prior_yuan" and rd_spend is not None:
        return float(round(float(rd_spend) * rng.uniform(0.6, 1.05), -3))
    if name == "revenue_prior_yuan" and revenue is not None:
        return float(round(float(revenue) * rng.uniform(0.7, 1.1), -3))
    if spec.type == "money":
        low, high = _MONEY_RANGES.get(name, (1e5, 2e7))
        return _money(rng, low, high)
    if spec.type == "number":
        return float(round(rng.uniform(150, 6000)))
    if spec.type == "int":
        return rng.choices([0, 1, 2, 3], weights=[75, 18, 5, 2])[0]
    if spec.type == "bool":
        return rng.random() < 0.55
    if spec.type == "date":
        start = founded_on or dt.date(today.year - 8, 1, 1)
        span = max((today - start).days, 1)
        return start + dt.timedelta(days=rng.randrange(span))
    if spec.type == "enum" and spec.values:
        return rng.choice(list(spec.values))
    if spec.type == "set" and spec.values:
        return frozenset(rng.sample(list(spec.values), k=1))
    return None


def load_demo_policy_data(
    seed: int = 7, *, share: float = FACT_SHARE, folder: str | Path = LIBRARY_DIR
) -> DemoPolicySummary:
    """Sync the library ``folder`` (issued by the demo district when it exists) and add facts
    for a seeded ``share`` of the enterprises registered in that district. Fast (bulk) and
    idempotent."""
    from yiqiao.registry.demo import DEMO_DISTRICT_CODE

    district = Region.objects.filter(code=DEMO_DISTRICT_CODE).first()
    sync = policy_library_sync(folder=folder, region=district)
    fields = field_dictionary()
    fact_fields = [fields[n] for n in fields if fields[n].source == "fact"]
    today = timezone.localdate()
    as_of = dt.date(today.year, 1, 1)
    orgs = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, is_active=True)
    if district is not None:
        orgs = orgs.filter(region__path__startswith=district.path)
    rows = list(
        orgs.order_by("pk").values_list("pk", "revenue_yuan", "rd_spend_yuan", "founded_on")
    )
    rng = random.Random(seed)
    facts: list[OrganisationFact] = []
    chosen = 0
    for org in rows:
        if rng.random() >= share:
            continue
        chosen += 1
        # Each enterprise gets a random subset of the fact fields: the rest stays missing, so
        # some policies land on the 快申快享 list instead of being decided.
        for spec in rng.sample(fact_fields, k=rng.randint(3, max(3, len(fact_fields) // 2))):
            value = _value(rng, spec, org, today)
            if value is None:
                continue
            facts.append(
                OrganisationFact(
                    organisation_id=org[0],
                    field=spec.name,
                    value=fact_to_json(spec, value),
                    year=as_of.year - 1,
                    as_of=as_of,
                    source=SOURCE,
                )
            )
    with transaction.atomic():
        before = OrganisationFact.objects.count()
        OrganisationFact.objects.bulk_create(facts, batch_size=2000, ignore_conflicts=True)
        created = OrganisationFact.objects.count() - before
    return DemoPolicySummary(sync, chosen, created)


def policies_demo(context: DemoContext) -> DemoPolicySummary:
    """The policies' part of `yiqiao demo`: the library and enterprise facts."""
    summary = load_demo_policy_data(seed=context.seed)
    # The policy library and the enterprise facts the calculator and screening use.
    context.notes.append(str(summary))
    return summary
