"""Plain-JSON forms of resources, needs and policy eligibility (for judged sets and snapshots).

A resource is ``{"kind", "id", "title", "text", "tags", "attributes": {...}}`` where the
attribute keys are the field names of the kind's attribute dataclass; lists become tuples.
A need is the field names of ``Need``, with ``deadline`` as an ISO date string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from .model import (
    EngineInputError,
    InvestorAttributes,
    Need,
    OrganisationAttributes,
    PolicyAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)

_ATTRIBUTES: dict[str, type] = {
    "space": SpaceAttributes,
    "service": ServiceAttributes,
    "investor": InvestorAttributes,
    "organisation": OrganisationAttributes,
    "policy": PolicyAttributes,
}


def _tuples(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def _known(cls: type, data: Mapping[str, Any], what: str) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise EngineInputError(f"{what}含未知字段：{'、'.join(unknown)}")
    return _tuples(data)


def resource_from_dict(data: Mapping[str, Any]) -> Resource:
    """Build a ``Resource`` from its JSON form; unknown fields are refused."""
    kind = data.get("kind")
    if kind not in _ATTRIBUTES:
        raise EngineInputError(f"未知的资源类型：{kind}")
    raw = data.get("attributes")
    attributes = None
    if raw is not None:
        cls = _ATTRIBUTES[kind]
        attributes = cls(**_known(cls, raw, f"资源 {data.get('id')} 的属性"))
    return Resource(
        kind=kind,
        id=str(data["id"]),
        title=str(data.get("title", "")),
        text=str(data.get("text", "")),
        tags=tuple(data.get("tags", ())),
        attributes=attributes,
    )


def need_from_dict(data: Mapping[str, Any]) -> Need:
    """Build a ``Need`` from its JSON form; unknown fields are refused."""
    values = _known(Need, data, "需求")
    if isinstance(values.get("deadline"), str):
        values["deadline"] = date.fromisoformat(values["deadline"])
    return Need(**values)


def eligibility_from_dict(data: Mapping[str, Any]) -> dict[str, PolicyEligibility]:
    """``{"policy id": {"status", "amount_yuan", "missing"}}`` to eligibility records."""
    return {
        policy_id: PolicyEligibility(**_known(PolicyEligibility, value, "政策资格"))
        for policy_id, value in data.items()
    }
