"""The demo district's described register: ``yiqiao/demo/data/register/*.yaml`` into the database.

The files (see their README) hold spaces, platform services, investor profiles and partner
organisations written from public park listings, platform catalogues and fund announcements,
each in RESOURCES.md's attributes. Records naming a ``demo_key`` describe an organisation the
demo generator already wrote (its attributes are filled in); the others are added. Spaces and
services are added beside the generator's own, which keep their legacy fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from yiqiao.core.text import name_normalise

from ..models import InvestorProfile, Organisation, Region, Service, Space

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "register"

ORG_ATTRIBUTES = (
    "sectors",
    "capabilities",
    "certifications",
    "coverage_regions",
    "hospital_grade",
    "gcp_certified",
    "therapeutic_areas",
)
SERVICE_ATTRIBUTES = (
    "sectors",
    "capabilities",
    "device_classes",
    "phases",
    "therapeutic_areas",
    "scale_max_l",
    "gmp",
    "accreditations",
    "markets",
    "coverage_regions",
    "voucher_accepted",
)
SPACE_ATTRIBUTES = (
    "status",
    "tenure",
    "sale_price_yuan_per_m2",
    "floor_height_m",
    "floor_load_kn_m2",
    "floor_level",
    "freight_elevator_t",
    "gmp",
    "cleanroom_iso",
    "bsl_level",
    "hazmat_allowed",
    "utilities",
    "land_use",
    "fit_out",
    "industry_tags",
)


def _records(name: str, key: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)[key])


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class RegisterLoader:
    """Writes the described register; ``orgs`` maps the demo's organisation keys to rows."""

    def __init__(
        self,
        *,
        orgs: dict[str, Organisation],
        regions: dict[str, Region],
        owner_unit_for: Any,
        today: dt.date,
        link_chain: Any = None,
        uscc_for: Any = None,
    ) -> None:
        self.uscc_for = uscc_for
        self.link_chain = link_chain
        self.demo_orgs = orgs
        self.regions = regions
        self.owner_unit_for = owner_unit_for
        self.today = today
        self.by_key: dict[str, Organisation] = {}
        self.counts: dict[str, int] = {}
        self.added_kinds: dict[str, int] = {}

    def region(self, code: str | None, fallback: str = "xs.jc.th") -> Region:
        return self.regions.get(code or fallback) or self.regions[fallback]

    def organisations(self) -> None:
        added = updated = 0
        for rec in _records("organisations.yaml", "organisations"):
            org = self.demo_orgs.get(rec.get("demo_key") or "")
            if org is None:
                region = self.region(rec.get("region"))
                park = self.regions.get(rec.get("park") or "")
                org = Organisation(
                    name=rec["name"],
                    name_normalised=name_normalise(rec["name"])[:120],
                    kind=rec["kind"],
                    region=region,
                    park=park,
                    description=rec.get("description") or "",
                    owner_unit=self.owner_unit_for(region.code, park.code if park else None),
                )
                if self.uscc_for is not None and org.kind == "enterprise":
                    org.uscc = self.uscc_for("91", region.code, None)
                added += 1
                self.added_kinds[org.kind] = self.added_kinds.get(org.kind, 0) + 1
            else:
                updated += 1
            org.chain_position = rec.get("chain_node")
            for field in ORG_ATTRIBUTES:
                setattr(org, field, rec.get(field))
            if not org.description and rec.get("description"):
                org.description = rec["description"]
            org.refresh_derived()
            org.save()
            if self.link_chain is not None and rec.get("chain_node") and not rec.get("demo_key"):
                self.link_chain(org, rec["chain_node"])
            self.by_key[rec["key"]] = org
        self.counts["organisations_added"] = added
        self.counts["organisations_described"] = updated

    def investors(self) -> None:
        n = 0
        for rec in _records("investors.yaml", "investors"):
            org = self.demo_orgs.get(rec.get("demo_key") or "")
            if org is None:
                region = self.region(rec.get("region"), fallback="xs.jc")
                org = Organisation(
                    name=rec["name"],
                    name_normalised=name_normalise(rec["name"])[:120],
                    kind="investor",
                    region=region,
                    description=rec.get("description") or "",
                    owner_unit=self.owner_unit_for(region.code, None),
                )
                org.refresh_derived()
                org.save()
                self.added_kinds["investor"] = self.added_kinds.get("investor", 0) + 1
            profile, _ = InvestorProfile.objects.get_or_create(organisation=org)
            profile.kind = rec.get("kind")
            profile.stage_codes = rec.get("stages")
            profile.sector_codes = rec.get("sectors")
            profile.instruments = rec.get("instruments")
            profile.currencies = rec.get("currencies")
            profile.regions = rec.get("regions")
            profile.lead_capable = rec.get("lead_capable")
            profile.local_presence = rec.get("local_presence")
            profile.active = rec.get("active") is not False
            profile.ticket_min_yuan = _decimal(rec.get("ticket_min_yuan"))
            profile.ticket_max_yuan = _decimal(rec.get("ticket_max_yuan"))
            if rec.get("fund_size_yuan") is not None:
                profile.fund_size_yuan = _decimal(rec["fund_size_yuan"])
            if rec.get("ticket_note"):
                profile.region_preference = str(rec["ticket_note"])[:120]
            profile.save()
            n += 1
        self.counts["investor_profiles"] = n

    def services(self) -> None:
        objs = []
        for rec in _records("services.yaml", "services"):
            provider = self.by_key[rec["provider_key"]]
            service = Service(
                provider=provider,
                name=rec["name"],
                category=rec["category"],
                description=rec.get("description") or "",
                lead_time_days=rec.get("lead_time_days"),
                price_note=(rec.get("price_note") or "")[:200],
                accepting_orders=rec.get("accepting_orders") is not False,
            )
            for field in SERVICE_ATTRIBUTES:
                setattr(service, field, rec.get(field))
            objs.append(service)
        for service in objs:
            service.save()
        self.counts["services"] = len(objs)

    def spaces(self) -> None:
        by_name = {o.name: o for o in self.demo_orgs.values()} | {
            o.name: o for o in self.by_key.values()
        }
        n = 0
        for rec in _records("spaces.yaml", "spaces"):
            park = self.region(rec["park"])
            days = rec.get("days_until_available")
            available_from = None
            if rec.get("status") != "available" and days is not None:
                available_from = self.today + dt.timedelta(days=int(days))
            space = Space(
                name=rec["name"],
                kind=rec["kind"],
                park=park,
                address=rec.get("address") or "",
                total_area_m2=Decimal(str(rec.get("total_area_m2") or rec["available_area_m2"])),
                available_area_m2=Decimal(str(rec["available_area_m2"])),
                rent_yuan_per_m2_month=_decimal(rec.get("rent_yuan_per_m2_month")),
                owner=by_name.get(rec.get("operator") or ""),
                description=rec.get("description") or "",
                is_available=rec.get("status") == "available",
                owner_unit=self.owner_unit_for("xs.jc.th", park.code),
                available_from=available_from,
            )
            for field in SPACE_ATTRIBUTES:
                setattr(space, field, rec.get(field))
            space.full_clean(exclude=["owner", "owner_unit", "park"])
            space.save()
            n += 1
        self.counts["spaces"] = n

    def load(self) -> dict[str, int]:
        self.organisations()
        self.investors()
        self.services()
        self.spaces()
        return self.counts


def described_counts() -> dict[str, Any]:
    """What loading the files adds, for tests and summaries: organisation kinds added (records
    without a ``demo_key``), investors without one, demo keys described, spaces, services."""
    from collections import Counter

    orgs = _records("organisations.yaml", "organisations")
    investors = _records("investors.yaml", "investors")
    added: Counter[str] = Counter(r["kind"] for r in orgs if not r.get("demo_key"))
    added["investor"] += sum(1 for r in investors if not r.get("demo_key"))
    return {
        "added_kinds": added,
        "investor_demo_keys": {r["demo_key"] for r in investors if r.get("demo_key")},
        "spaces": len(_records("spaces.yaml", "spaces")),
        "services": len(_records("services.yaml", "services")),
    }
