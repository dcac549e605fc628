"""Matching needs to a district's resources over the one resource model (issue 13).

``catalogue_for(root, as_of)`` loads every resource the district can offer as a
``Candidate`` with its RESOURCES.md attributes (spaces located in the district, platform
services, investor profiles, partner organisations, published policies), cached per district
and data version. ``match_need(text, category, …)`` parses the need
(``engine.understand``), ranks requirement by requirement (``engine.rank``, served by its index
``engine.rank_index``: the same results as ``rank.rank``) and returns what
``yiqiao demands match`` prints and the need page shows: the requirements with the words they
were read from, and per result each requirement met ✓ / unmet ✗ / unknown ? with the record's
value, never a raw score.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Max
from django.utils.translation import get_language

from yiqiao.policies.models import Policy
from yiqiao.registry.attributes import (
    investor_attributes,
    organisation_attributes,
    service_attributes,
    space_attributes,
)
from yiqiao.registry.models import InvestorProfile, Organisation, Region, Service, Space
from yiqiao.vocab import ATTRIBUTES, UNIT_LABELS, VOCABULARIES
from yiqiao.vocab.units import iso_label

from .engine import lexicon
from .engine.rank import Candidate, Ranked
from .engine.rank_index import RankIndex
from .engine.understand import ParsedNeed, Requirement, understand

#: Organisation kinds offered as partners (investors are offered through their profiles).
PARTNER_KINDS = (
    "enterprise",
    "university",
    "hospital",
    "institute",
    "platform",
    "incubator",
    "association",
    "government",
)
#: The policy library's categories → POLICY_CATEGORY (when the policy's own words name none).
POLICY_CATEGORY_OF_LABEL = {
    "上市": "financing_support",
    "金融支持": "financing_support",
    "临床试验": "clinical",
    "产品注册": "registration",
    "注册证": "registration",
    "人才": "talent",
    "平台服务": "service_subsidy",
    "成果转化": "tech_transfer",
    "招商落地": "landing",
    "研发创新": "rnd_subsidy",
    "空间保障": "rent_subsidy",
    "资质认定": "qualification",
    "产业化": "capex_subsidy",
    "企业成长": "qualification",
}


def policy_attributes(policy: Policy, *, as_of: dt.date) -> dict[str, Any]:
    """A published policy's descriptive attributes, read from its category, title, summary and
    tags with the need parser's word lists (the same words mean the same codes on both sides)."""
    text = " ".join([policy.title, policy.summary, " ".join(policy.tags or [])]).lower()
    version = policy.current_version
    in_force = (
        policy.status == Policy.Status.PUBLISHED
        and version is not None
        and version.effective_from <= as_of
        and (version.effective_to is None or version.effective_to >= as_of)
    )
    categories = [c for c, _, _ in lexicon.find(lexicon.POLICY_CATEGORY, text)]
    category = POLICY_CATEGORY_OF_LABEL.get(policy.category)
    if category is None or (categories and category not in categories):
        category = categories[0] if categories else category
    sectors = [c for c, _, _ in lexicon.find(lexicon.SECTOR, text) if c != "healthcare_general"]
    return {
        "policy.category": category,
        "policy.status": "active" if in_force else "expired",
        "policy.delivery": "auto" if policy.delivery == "auto" else "apply",
        "policy.sectors": sectors or ["healthcare_general"],
        "policy.milestones": [c for c, _, _ in lexicon.find(lexicon.MILESTONE, text)] or None,
        "policy.benefits": [c for c, _, _ in lexicon.find(lexicon.BENEFIT, text)] or None,
        "policy.applicant_types": [c for c, _, _ in lexicon.find(lexicon.APPLICANT_TYPE, text)]
        or None,
        "policy.level": "district",
        "policy.max_amount_yuan": None,
    }


# ---- the district's catalogue -------------------------------------------------------------


@dataclass
class Catalogue:
    candidates: list[Candidate]
    index: RankIndex
    version: tuple[Any, ...]
    urls: dict[str, str] = field(default_factory=dict)


def _district_path(root: Region | None) -> str | None:
    return root.path if root is not None else None


def load_candidates(root: Region | None, as_of: dt.date) -> list[Candidate]:
    """Every resource the district offers, as candidates (one query per table)."""
    path = _district_path(root)
    out: list[Candidate] = []
    spaces = Space.objects.select_related("park")
    if path is not None:
        spaces = spaces.filter(park__path__startswith=path)
    for s in spaces.order_by("id"):
        out.append(
            Candidate(
                "space",
                f"space:{s.pk}",
                s.name,
                f"{s.description} {s.address} {s.park.name}",
                space_attributes(s, as_of=as_of),
            )
        )
    for sv in Service.objects.select_related("provider", "provider__region").order_by("id"):
        out.append(
            Candidate(
                "service",
                f"service:{sv.pk}",
                sv.name,
                f"{sv.description} {sv.provider.name} {sv.price_note}",
                service_attributes(sv, district_path=path),
            )
        )
    for p in InvestorProfile.objects.select_related("organisation").order_by("id"):
        out.append(
            Candidate(
                "investor",
                f"investor:{p.organisation_id}",
                p.organisation.name,
                f"{p.organisation.description} {p.region_preference}",
                investor_attributes(p),
            )
        )
    orgs = Organisation.objects.filter(is_active=True, kind__in=PARTNER_KINDS).select_related(
        "region"
    )
    # partners described in the vocabulary, or in the district: a generated enterprise elsewhere
    # with nothing recorded is no suggestion
    for o in orgs.order_by("id"):
        attrs = organisation_attributes(o, district_path=path)
        if o.chain_position is None and o.sectors is None and not attrs["organisation.in_district"]:
            continue
        out.append(Candidate("organisation", f"org:{o.pk}", o.name, o.description, attrs))
    for policy in Policy.objects.filter(status=Policy.Status.PUBLISHED).select_related(
        "current_version"
    ):
        out.append(
            Candidate(
                "policy",
                f"policy:{policy.code}",
                policy.title,
                policy.summary,
                policy_attributes(policy, as_of=as_of),
            )
        )
    return out


def data_version(root: Region | None, as_of: dt.date) -> tuple[Any, ...]:
    parts: list[Any] = [root.pk if root else None, as_of]
    for qs in (
        Space.objects.all(),
        Service.objects.all(),
        InvestorProfile.objects.all(),
        Organisation.objects.all(),
        Policy.objects.all(),
    ):
        row = qs.aggregate(n=Count("id"), last=Max("updated_at"))
        parts += [row["n"], row["last"]]
    return tuple(parts)


_CACHE: dict[Any, Catalogue] = {}
_LOCK = threading.Lock()
#: Districts whose catalogue a process keeps (least recently used first out): needs of a few
#: districts arrive interleaved, and keeping only one rebuilt it at every change of district.
MAX_CATALOGUES = 4


def catalogue_for(root: Region | None, as_of: dt.date) -> Catalogue:
    """The district's catalogue, rebuilt when the data changed (a cheap fingerprint)."""
    version = data_version(root, as_of)
    key = (root.pk if root else None, as_of)
    with _LOCK:
        cached = _CACHE.pop(key, None)
        if cached is None or cached.version != version:
            candidates = load_candidates(root, as_of)
            cached = Catalogue(candidates, RankIndex(candidates), version)
            for old in [k for k in _CACHE if k[0] == key[0]]:  # another day of the district
                del _CACHE[old]
        _CACHE[key] = cached  # most recently used last
        while len(_CACHE) > MAX_CATALOGUES:
            del _CACHE[next(iter(_CACHE))]
        return cached


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


# ---- results ------------------------------------------------------------------------------

STATUS_MARK = {"met": "✓", "unmet": "✗", "unknown": "?"}


def is_english(language: str | None) -> bool:
    return (language or get_language() or "zh-hans").lower().startswith("en")


class _ValueWords(NamedTuple):
    lang: str
    unrecorded: str
    yes: str
    no: str
    separator: str
    empty: str
    unit_at: int  # the unit label's place in UNIT_LABELS' (zh, en)
    unit_gap: str
    money_scale: int
    money_unit: str


_VALUE_WORDS = {
    False: _ValueWords("zh", "未登记", "是", "否", "、", "无", 0, "", 10000, "万元"),
    True: _ValueWords("en", "not recorded", "yes", "no", ", ", "none", 1, " ", 1_000_000, "M yuan"),
}


def value_label(name: str, value: Any, language: str | None = None) -> str:
    """How a page shows an attribute value: vocabulary labels, units, 是/否, 未登记 (in
    English when ``language``, by default the active one, is English: labels, units, yes/no,
    money in M yuan)."""
    words = _VALUE_WORDS[is_english(language)]
    if value is None:
        return words.unrecorded
    attribute = ATTRIBUTES.get(name)
    if isinstance(value, bool):
        return words.yes if value else words.no
    if attribute is not None and attribute.vocabulary:
        vocab = VOCABULARIES[attribute.vocabulary]
        values = value if isinstance(value, list | tuple) else [value]
        return words.separator.join(vocab.label(str(v), words.lang) for v in values) or words.empty
    if attribute is not None and attribute.unit == "iso" and isinstance(value, int | float):
        return iso_label(value, words.lang)
    unit = UNIT_LABELS.get(attribute.unit or "", ("", ""))[words.unit_at] if attribute else ""
    unit = f"{words.unit_gap}{unit}" if unit else ""
    if isinstance(value, list | tuple):
        if name.endswith("_yuan") and all(isinstance(v, int | float) for v in value):
            return "–".join(f"{v / words.money_scale:g}" for v in value) + words.money_unit
        return "–".join(_number(v) for v in value) + unit
    if name.endswith("_yuan") and isinstance(value, int | float):
        return f"{value / words.money_scale:g}{words.money_unit}"
    return f"{_number(value)}{unit}" if isinstance(value, int | float) else str(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


OP_LABEL = {
    "eq": "为",
    "in": "为",
    "ge": "≥",
    "le": "≤",
    "between": "介于",
    "contains": "含",
    "covers": "覆盖",
}


def requirement_label(req: Requirement, language: str | None = None) -> str:
    """A requirement in words: "可用面积 介于 4000–6000㎡" ("Usable area between 4000–6000
    m²" when ``language``, by default the active one, is English)."""
    if is_english(language):
        attribute = ATTRIBUTES.get(req.name)
        name = attribute.en if attribute else NEED_LABELS_EN.get(req.name, req.name)
        op = OP_LABEL_EN.get(req.op, req.op)
        if attribute is not None and attribute.unit == "iso" and req.op == "le":
            op = "at least"  # a smaller ISO class is cleaner
        return f"{name} {op} {value_label(req.name, req.value, 'en')}"
    attribute = ATTRIBUTES.get(req.name)
    name = attribute.zh if attribute else NEED_LABELS.get(req.name, req.name)
    op = OP_LABEL.get(req.op, req.op)
    if attribute is not None and attribute.unit == "iso" and req.op == "le":
        op = "不低于"  # a smaller ISO class is cleaner
    return f"{name} {op} {value_label(req.name, req.value)}"


NEED_LABELS = {
    "need.round_amount_yuan": "融资/资金额",
    "need.ticket_yuan": "单家出资",
    "need.round_role": "投资角色",
}
NEED_LABELS_EN = {
    "need.round_amount_yuan": "Round / funding amount",
    "need.ticket_yuan": "Ticket per investor",
    "need.round_role": "Investor role",
}
OP_LABEL_EN = {
    "eq": "is",
    "in": "is",
    "ge": "≥",
    "le": "≤",
    "between": "between",
    "contains": "includes",
    "covers": "covers",
}


@dataclass
class ResultView:
    ranked: Ranked
    url: str = ""

    @property
    def candidate(self) -> Candidate:
        return self.ranked.candidate

    def checks(self, language: str | None = None) -> list[dict[str, Any]]:
        rows = []
        for v in self.ranked.verdicts:
            value = self.candidate.attributes.get(v.requirement.name)
            rows.append(
                {
                    "name": v.requirement.name,
                    "label": requirement_label(v.requirement, language),
                    "status": v.status,
                    "mark": STATUS_MARK[v.status],
                    "value": value_label(v.requirement.name, value, language),
                    "recorded": value is not None,
                    "preference": v.requirement.preference,
                }
            )
        return rows

    def reasons(self, language: str | None = None) -> list[str]:
        out = []
        if is_english(language):
            for row in self.checks("en"):
                if row["status"] == "met":
                    out.append(f"Met: {row['label']} ({row['value']})")
                elif row["status"] == "unknown":
                    out.append(f"To check: {row['label']} (not recorded)")
                else:
                    out.append(f"Not met: {row['label']} (recorded as {row['value']})")
            return out
        for row in self.checks("zh-hans"):
            if row["status"] == "met":
                out.append(f"满足：{row['label']}（{row['value']}）")
            elif row["status"] == "unknown":
                out.append(f"待核实：{row['label']}（登记信息未填写）")
            else:
                out.append(f"不满足：{row['label']}（登记为{row['value']}）")
        return out


@dataclass
class MatchOutcome:
    parsed: ParsedNeed
    results: list[ResultView]

    def as_json(self, need_id: Any) -> dict[str, Any]:
        reqs = [r for r in self.parsed.requirements if not r.preference]
        return {
            "id": need_id,
            "requirements": [r.as_json(self.parsed.text) for r in reqs],
            "preferences": [
                r.as_json(self.parsed.text) for r in self.parsed.requirements if r.preference
            ],
            "unread": [
                {
                    "text": self.parsed.text[u.span[0] : u.span[1]],
                    "span": list(u.span),
                    "reason": u.reason,
                }
                for u in self.parsed.unread
            ],
            "results": [
                {
                    "type": r.candidate.type,
                    "key": r.candidate.key,
                    "title": r.candidate.title,
                    "attributes": dict(r.candidate.attributes),
                    "requirements": [
                        {"name": v.requirement.name, "status": v.status} for v in r.ranked.verdicts
                    ],
                    "reasons": r.reasons(),
                }
                for r in self.results
            ],
        }


def match_need(
    text: str,
    *,
    category: str | None = None,
    root: Region | None,
    as_of: dt.date,
    top: int = 10,
    exclude_keys: tuple[str, ...] = (),
    include_unmet: bool = False,
    parsed: ParsedNeed | None = None,
) -> MatchOutcome:
    """Parse and rank one need against the district's catalogue."""
    catalogue = catalogue_for(root, as_of)
    parsed = parsed or understand(text, category)
    ranked = catalogue.index.rank(
        parsed, top=top, include_unmet=include_unmet, exclude_keys=exclude_keys
    )
    return MatchOutcome(parsed, [ResultView(r) for r in ranked])


# ---- a recorded need: its text and the fields the user confirmed --------------------------

#: The need form's categories → the contract's (``yiqiao demands match``).
CONTRACT_CATEGORY = {"partner": "market"}
#: The first resource type a need states something about → the form's category.
CATEGORY_OF_TYPE = {"space": "space", "investor": "financing", "policy": "policy"}
#: Requirements read from a form field carry no span of the text.
FORM_SPAN = (0, 0)


def contract_category(category: str | None) -> str | None:
    if not category:
        return None
    return CONTRACT_CATEGORY.get(category, category)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def form_requirements(
    *,
    area_min_m2: Any = None,
    area_max_m2: Any = None,
    rent_max_yuan_per_m2_month: Any = None,
    cleanroom_iso: Any = None,
    funding_amount_yuan: Any = None,
    funding_stage: str = "",
) -> list[Requirement]:
    """The requirements the need form's typed fields state (RESOURCES.md names and units)."""
    from yiqiao.vocab.legacy import stage_from_legacy

    out: list[Requirement] = []
    lo, hi = _num(area_min_m2), _num(area_max_m2)
    if lo is not None and hi is not None:
        out.append(Requirement("space.available_area_m2", "between", [lo, hi], "m2", FORM_SPAN))
    elif lo is not None:
        out.append(Requirement("space.available_area_m2", "ge", lo, "m2", FORM_SPAN))
    elif hi is not None:
        out.append(Requirement("space.available_area_m2", "le", hi, "m2", FORM_SPAN))
    rent = _num(rent_max_yuan_per_m2_month)
    if rent is not None:
        out.append(
            Requirement("space.rent_yuan_per_m2_month", "le", rent, "yuan_per_m2_month", FORM_SPAN)
        )
    if cleanroom_iso is not None:
        out.append(Requirement("space.cleanroom_iso", "le", int(cleanroom_iso), "iso", FORM_SPAN))
    amount = _num(funding_amount_yuan)
    if amount is not None and amount > 0:
        out.append(Requirement("need.round_amount_yuan", "eq", amount, "yuan", FORM_SPAN))
    stage = stage_from_legacy(funding_stage) if funding_stage else None
    if stage is not None:
        out.append(Requirement("investor.stages", "contains", stage, None, FORM_SPAN))
    return out


def _same(a: Requirement, b: Requirement) -> bool:
    if a.name != b.name or a.op != b.op:
        return False
    va = a.value if isinstance(a.value, list) else [a.value]
    vb = b.value if isinstance(b.value, list) else [b.value]
    if len(va) != len(vb):
        return False
    for x, y in zip(va, vb, strict=True):
        if isinstance(x, int | float) and isinstance(y, int | float):
            if abs(float(x) - float(y)) > 0.01 * max(abs(float(x)), 1.0):
                return False
        elif x != y:
            return False
    return True


def with_form_values(parsed: ParsedNeed, stated: list[Requirement]) -> ParsedNeed:
    """The parsed need with the form's fields in force: a field the user filled replaces what
    the text says about the same attribute (the text's requirement is kept, with its words, when
    the field only confirms it); types a field speaks about are added after the text's."""
    by_name = {r.name for r in stated}
    kept = [r for r in parsed.requirements if r.name not in by_name]
    merged: list[Requirement] = []
    for form in stated:
        text_read = next(
            (r for r in parsed.requirements if r.name == form.name and not r.preference), None
        )
        merged.append(text_read if text_read is not None and _same(text_read, form) else form)
    types = list(parsed.types)
    for r in merged:
        tp = r.resource_type
        if tp == "need":
            tp = "investor"
        if tp not in types:
            types.append(tp)
    return ParsedNeed(parsed.text, parsed.category, types, merged + kept, list(parsed.unread))


def parsed_for_demand(demand: Any) -> ParsedNeed:
    """A recorded need as the ranking reads it: its text parsed, the confirmed fields in force."""
    parsed = understand(demand.text, contract_category(demand.category))
    stated = form_requirements(
        area_min_m2=demand.area_min_m2,
        area_max_m2=demand.area_max_m2,
        rent_max_yuan_per_m2_month=demand.rent_max_yuan_per_m2_month,
        cleanroom_iso=demand.cleanroom_iso,
        funding_amount_yuan=demand.funding_amount_yuan,
        funding_stage=demand.funding_stage,
    )
    return with_form_values(parsed, stated)


# ---- intake: what the text says, as the form's fields --------------------------------------


def _round(value: float, digits: int = 0) -> float | int:
    rounded = round(float(value), digits)
    return int(rounded) if float(rounded).is_integer() else rounded


def form_prefill(parsed: ParsedNeed) -> dict[str, Any]:
    """The need form's fields the text fills (hard requirements only; a preference fills none)."""
    from yiqiao.vocab.legacy import STAGE_LEGACY

    out: dict[str, Any] = {}
    for r in parsed.requirements:
        if r.preference:
            continue
        v = r.value
        if r.name == "space.available_area_m2" and "area" not in out:
            out["area"] = True
            if r.op == "between":
                out["area_min_m2"], out["area_max_m2"] = _round(v[0]), _round(v[1])
            elif r.op == "ge":
                out["area_min_m2"] = _round(v)
            elif r.op == "le":
                out["area_max_m2"] = _round(v)
            elif r.op == "eq":
                out["area_min_m2"] = out["area_max_m2"] = _round(v)
        elif r.name == "space.rent_yuan_per_m2_month" and r.op in ("le", "between", "eq"):
            out.setdefault(
                "rent_max_yuan_per_m2_month", _round(v[1] if r.op == "between" else v, 2)
            )
        elif r.name == "space.cleanroom_iso" and r.op in ("le", "eq") and 5 <= float(v) <= 9:
            out.setdefault("cleanroom_iso", int(v))
        elif r.name == "need.round_amount_yuan":
            out.setdefault("funding_amount_yuan", _round(v[1] if isinstance(v, list) else v))
        elif r.name == "investor.stages" and r.op == "contains":
            old = next((o for o, new in STAGE_LEGACY.items() if new == v), None)
            if old is not None:
                out.setdefault("funding_stage", old)
    out.pop("area", None)
    stated_types = [t for t in parsed.types if parsed.for_type(t)]
    if not parsed.category and stated_types and stated_types[0] in CATEGORY_OF_TYPE:
        out["category"] = CATEGORY_OF_TYPE[stated_types[0]]
    return out


def requirement_rows(parsed: ParsedNeed) -> list[dict[str, Any]]:
    """The requirements as a page lists them: in words, with the words they were read from."""
    return [
        {
            "name": r.name,
            "label": requirement_label(r),
            "text": parsed.text[r.span[0] : r.span[1]] if r.span != FORM_SPAN else "",
            "from_form": r.span == FORM_SPAN,
            "preference": r.preference,
        }
        for r in parsed.requirements
    ]


def unread_rows(parsed: ParsedNeed) -> list[dict[str, str]]:
    return [{"text": parsed.text[u.span[0] : u.span[1]], "reason": u.reason} for u in parsed.unread]


def read_for_intake(text: str, category: str | None = None) -> dict[str, Any]:
    """What the intake form shows as the user types: the fields to prefill, every requirement
    read (with its words) and what could not be read (with the reason)."""
    parsed = understand(text or "", contract_category(category))
    rows = requirement_rows(parsed)
    unread = unread_rows(parsed)
    if not (text or "").strip():
        message = ""
    elif not rows and not unread:
        message = "未从描述中读出面积、租金、洁净等级等具体要求，请在下方表单中填写"
    elif unread:
        message = "以下内容未能识别，需求将按原文保存，请在表单中填写或改写描述"
    else:
        message = ""
    return {
        "fields": form_prefill(parsed),
        "requirements": rows,
        "unread": unread,
        "message": message,
        "truncated": len(text or "") > len(parsed.text),
    }
