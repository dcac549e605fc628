"""Register rows as RESOURCES.md attributes (dotted names, fixed units, null = unknown).

One function per resource type turns a row into the attribute dictionary the matcher ranks on,
``yiqiao demands match`` prints and exports show, so a value means the same everywhere. Legacy
codes go through the stated mappings of ``yiqiao.vocab.legacy`` (a ``building`` is an
``office``). Nothing is guessed: a field the row leaves empty is ``None``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yiqiao.vocab.legacy import SPACE_KIND_LEGACY

from .models import InvestorProfile, Organisation, Region, Service, Space


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _inside(region: Region | None, root_path: str | None) -> bool | None:
    if region is None or root_path is None:
        return None
    return region.path.startswith(root_path)


def days_until(available_from: dt.date | None, status: str | None, as_of: dt.date) -> int | None:
    """Days from ``as_of`` until move-in: 0 for available space without a later date."""
    if available_from is not None:
        return max(0, (available_from - as_of).days)
    return 0 if status == "available" else None


def space_attributes(space: Space, *, as_of: dt.date) -> dict[str, Any]:
    status = space.status or ("available" if space.is_available else "leased")
    return {
        "space.kind": SPACE_KIND_LEGACY.get(space.kind, space.kind),
        "space.status": status,
        "space.tenure": space.tenure,
        "space.available_area_m2": _float(space.available_area_m2),
        "space.rent_yuan_per_m2_month": _float(space.rent_yuan_per_m2_month),
        "space.sale_price_yuan_per_m2": space.sale_price_yuan_per_m2,
        "space.floor_height_m": space.floor_height_m,
        "space.floor_load_kn_m2": space.floor_load_kn_m2,
        "space.floor_level": space.floor_level,
        "space.freight_elevator_t": space.freight_elevator_t,
        "space.gmp": space.gmp,
        "space.cleanroom_iso": space.cleanroom_iso,
        "space.bsl_level": space.bsl_level,
        "space.hazmat_allowed": space.hazmat_allowed,
        "space.utilities": space.utilities,
        "space.land_use": space.land_use,
        "space.fit_out": space.fit_out,
        "space.industry_tags": space.industry_tags,
        "space.days_until_available": days_until(space.available_from, status, as_of),
    }


def service_attributes(service: Service, *, district_path: str | None) -> dict[str, Any]:
    provider = service.provider
    return {
        "service.category": service.category,
        "service.provider_kind": provider.kind,
        "service.sectors": service.sectors,
        "service.capabilities": service.capabilities,
        "service.device_classes": service.device_classes,
        "service.phases": service.phases,
        "service.therapeutic_areas": service.therapeutic_areas,
        "service.scale_max_l": service.scale_max_l,
        "service.gmp": service.gmp,
        "service.lead_time_days": service.lead_time_days,
        "service.accreditations": service.accreditations,
        "service.markets": service.markets,
        "service.coverage_regions": service.coverage_regions,
        "service.voucher_accepted": service.voucher_accepted,
        "service.in_district": _inside(provider.region, district_path),
        "service.accepting_orders": bool(service.accepting_orders and provider.is_active),
    }


def investor_attributes(profile: InvestorProfile) -> dict[str, Any]:
    return {
        "investor.kind": profile.kind,
        "investor.stages": profile.stage_codes,
        "investor.sectors": profile.sector_codes,
        "investor.ticket_min_yuan": _float(profile.ticket_min_yuan),
        "investor.ticket_max_yuan": _float(profile.ticket_max_yuan),
        "investor.instruments": profile.instruments,
        "investor.currencies": profile.currencies,
        "investor.regions": profile.regions,
        "investor.lead_capable": profile.lead_capable,
        "investor.local_presence": profile.local_presence,
        "investor.active": bool(profile.active and profile.organisation.is_active),
    }


def organisation_attributes(org: Organisation, *, district_path: str | None) -> dict[str, Any]:
    return {
        "organisation.kind": org.kind,
        "organisation.chain_node": org.chain_position,
        "organisation.sectors": org.sectors,
        "organisation.capabilities": org.capabilities,
        "organisation.certifications": org.certifications,
        "organisation.coverage_regions": org.coverage_regions,
        "organisation.in_district": _inside(org.region, district_path),
        "organisation.hospital_grade": org.hospital_grade,
        "organisation.gcp_certified": org.gcp_certified,
        "organisation.therapeutic_areas": org.therapeutic_areas,
    }
