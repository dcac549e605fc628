"""Which investors fit a financing need: an adapter onto the demands ranking engine (one engine).

A financing need is stated as requirements over the investor attributes of RESOURCES.md and each
investor profile as a ``Candidate`` of type ``investor``; ``yiqiao.demands.engine.rank`` judges
every requirement ✓ met / ✗ unmet / ? unknown and orders the results, exactly as it does for a
need typed in words (``yiqiao demands match``). Nothing here ranks: this module says what the
need asks and writes the engine's verdicts as the shortlist's Chinese lines.

What a financing need asks (``requirements``):

- **round** (hard, for equity money only: a loan, lease or pledge has no stage or field to judge):
  ``investor.stages`` contains the round (a Pre-A round also takes an A-stage
  investor, as funds write "A轮" for both);
- **sector** (hard, equity money only): ``investor.sectors`` covers one of the need's sectors (SECTOR umbrellas);
- **ticket** (hard): ``need.round_amount_yuan`` and ``need.round_role`` give the engine's cheque
  band (``rank.ticket_requirements``: a lead 30 %–100 % of the round, a follower 5 %–30 %, either
  10 %–100 %, a loan or lease all of it);
- **instrument** (hard): ``investor.instruments`` contains one of the forms asked for (an equity
  investor answers convertible and grant-to-equity rounds too);
- **lead** (preference): ``investor.lead_capable`` when the need looks for a lead;
- **currency** (preference): ``investor.currencies`` contains the round's currency when it is not
  renminbi (a US-dollar round);
- **region** (preference): ``investor.local_presence`` for "local", ``investor.regions`` covers the
  others;
- **portfolio** (preferences, ``investor.portfolio``): follow-on, no conflict, a precedent.

An old profile that lists only the former stage codes (angel … growth, all equity rounds) reads
as an equity investor. A requirement the profile does not state is ``?``, never a pass.
``standing``: ``met`` (every hard requirement ✓), ``unknown`` (no ✗, some ?), ``unmet`` (a ✗).
Unmet investors are left off the shortlist; "待核实" ones stay whatever they leave open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yiqiao.demands.engine.rank import Candidate, Ranked, Verdict, rank
from yiqiao.demands.engine.understand import ParsedNeed, Requirement
from yiqiao.vocab import CURRENCY, INSTRUMENT, REGION, SECTOR, STAGE
from yiqiao.vocab.closures import sector_covers
from yiqiao.vocab.legacy import INVESTOR_STAGE_LEGACY

from .deals import format_yuan
from .portfolio import EQUITY_INSTRUMENTS, Holding, NeedFacts, PortfolioSignals, read_portfolio

#: a round → the investor stages (STAGE) that take it, when more than the round itself
ROUND_TAKEN_BY: dict[str, tuple[str, ...]] = {"Pre-A": ("Pre-A", "A")}
NO_SPAN = (0, 0)


@dataclass(frozen=True, slots=True)
class InvestorFacts:
    key: int
    name: str
    stages: tuple[str, ...] = ()  # STAGE values, or the former profile codes (b, c, growth …)
    sectors: tuple[str, ...] = ()  # SECTOR values it covers
    ticket_min: Decimal | None = None
    ticket_max: Decimal | None = None
    same_city: bool | None = None  # registered in the company's city (None: not known)
    mainland: bool | None = None
    holdings: tuple[Holding, ...] = ()
    instruments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    lead_capable: bool | None = None
    local_presence: bool | None = None
    active: bool = True
    currencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoundFacts:
    company_key: int | None
    round: str
    amount: Decimal  # in yuan
    sectors: tuple[str, ...]
    instruments: tuple[str, ...]
    investor_regions: tuple[str, ...]
    wants_lead: bool
    year: int
    role: str = ""  # lead / follow / "" (either); empty with wants_lead means lead
    text: str = ""
    currency: str = "CNY"


@dataclass(frozen=True, slots=True)
class Fit:
    investor: InvestorFacts
    standing: str  # met / unknown / unmet
    lines: tuple[str, ...]
    signals: PortfolioSignals
    sort_key: tuple[Any, ...] = ()

    @property
    def has_conflict(self) -> bool:
        return bool(self.signals.conflicts)


STANDING_ORDER = {"met": 0, "unknown": 1, "unmet": 2}


# ---- the need and the investor, as the engine reads them -----------------------------------


def _need_facts(need: RoundFacts) -> NeedFacts:
    return NeedFacts(
        company_key=need.company_key,
        sectors=need.sectors,
        round=need.round,
        instruments=need.instruments,
        year=need.year,
    )


def _role(need: RoundFacts) -> str:
    return need.role or ("lead" if need.wants_lead else "")


def _list_requirement(name: str, op: str, values: Sequence[str], pref: bool = False) -> Requirement:
    if len(values) == 1:
        return Requirement(name, op, values[0], None, NO_SPAN, pref)
    return Requirement(name, f"{op}_any", list(values), None, NO_SPAN, pref)


def requirements(need: RoundFacts) -> list[Requirement]:
    """What the financing need asks of an investor (see the module docstring)."""
    out: list[Requirement] = []
    # stage and sector judge equity money only: a bank lending, leasing or taking a patent in
    # pledge has no rounds or fields of its own (as the text parser and the judged set read it)
    equity = not need.instruments or bool(set(need.instruments) & EQUITY_INSTRUMENTS)
    if need.round and equity:
        out.append(
            _list_requirement(
                "investor.stages", "contains", ROUND_TAKEN_BY.get(need.round, (need.round,))
            )
        )
    if need.sectors and equity:
        out.append(_list_requirement("investor.sectors", "covers", need.sectors))
    if need.amount > 0:
        out.append(Requirement("need.round_amount_yuan", "eq", float(need.amount), "yuan", NO_SPAN))
    role = _role(need)
    if role:
        out.append(Requirement("need.round_role", "eq", role, None, NO_SPAN))
    if need.instruments:
        wanted = list(dict.fromkeys(need.instruments))
        if set(wanted) & EQUITY_INSTRUMENTS and "equity" not in wanted:
            wanted.append("equity")
        out.append(_list_requirement("investor.instruments", "contains", wanted))
    if role == "lead":
        out.append(Requirement("investor.lead_capable", "eq", True, None, NO_SPAN, True))
    if need.currency and need.currency != "CNY":
        out.append(
            Requirement("investor.currencies", "contains", need.currency, None, NO_SPAN, True)
        )
    regions = list(dict.fromkeys(need.investor_regions))
    if "local" in regions:
        out.append(Requirement("investor.local_presence", "eq", True, None, NO_SPAN, True))
    others = [r for r in regions if r != "local"]
    if others:
        out.append(_list_requirement("investor.regions", "covers", others, pref=True))
    facts = _need_facts(need)
    for op in ("follow_on", "no_conflict", "precedent"):
        out.append(Requirement("investor.portfolio", op, facts, None, NO_SPAN, True))
    return out


def parsed(need: RoundFacts) -> ParsedNeed:
    return ParsedNeed(need.text, "financing", ["investor"], requirements(need))


def stage_values(codes: Sequence[str]) -> tuple[str, ...]:
    """STAGE values of a profile's stages (a former code gives what it meant: c → C, D+)."""
    out: list[str] = []
    for code in codes:
        if code in STAGE.values:
            out.append(code)
        else:
            out.extend(INVESTOR_STAGE_LEGACY.get(code, ()))
    return tuple(dict.fromkeys(out))


def _key(inv: InvestorFacts) -> str:
    # equal results fall to the investor's name, as officers read a list
    return f"investor:{inv.name}#{inv.key}"


def candidate(inv: InvestorFacts) -> Candidate:
    """An investor profile as the one resource model describes it."""
    instruments: tuple[str, ...] | None = inv.instruments or None
    if instruments is None and any(s not in STAGE.values for s in inv.stages):
        instruments = ("equity",)  # the former stage list named equity rounds only
    local = inv.local_presence if inv.local_presence is not None else (inv.same_city or None)
    attributes: dict[str, Any] = {
        "investor.stages": list(stage_values(inv.stages)) or None,
        "investor.sectors": list(inv.sectors) or None,
        "investor.ticket_min_yuan": float(inv.ticket_min) if inv.ticket_min is not None else None,
        "investor.ticket_max_yuan": float(inv.ticket_max) if inv.ticket_max is not None else None,
        "investor.instruments": list(instruments) if instruments else None,
        "investor.regions": list(inv.regions) or None,
        "investor.currencies": list(inv.currencies) or None,
        "investor.lead_capable": inv.lead_capable,
        "investor.local_presence": local,
        "investor.active": inv.active,
        "investor.portfolio": inv.holdings,
    }
    return Candidate("investor", _key(inv), inv.name, "", attributes)


# ---- the engine's verdicts as the shortlist's lines ----------------------------------------


def _stage_labels(values: Any) -> str:
    return "、".join(STAGE.label(v) for v in values)


def _stage_line(v: Verdict, need: RoundFacts, attrs: dict[str, Any]) -> str:
    label = STAGE.label(need.round) if need.round in STAGE.values else need.round
    if v.status == "unknown":
        return f"? 未标明投资阶段（本轮为{label}）"
    if v.status == "met":
        return f"✓ 投资阶段含{label}"
    return f"✗ 投资阶段为{_stage_labels(attrs['investor.stages'])}，不含{label}"


def _sector_line(v: Verdict, need: RoundFacts, attrs: dict[str, Any]) -> str:
    wanted = "、".join(SECTOR.label(s) for s in need.sectors)
    if v.status == "unknown":
        return f"? 未标明关注领域（本轮领域：{wanted}）"
    have = list(attrs["investor.sectors"])
    if v.status == "met":
        covered = [s for s in need.sectors if sector_covers(have, s)]
        return f"✓ 关注领域覆盖{'、'.join(SECTOR.label(s) for s in covered)}"
    return f"✗ 关注领域为{'、'.join(SECTOR.label(s) for s in have[:4])}等，不含{wanted}"


def _share(value: float, amount: Decimal) -> int:
    return int((Decimal(str(value)) / amount * 100).quantize(Decimal("1"))) if amount else 0


def _ticket_line(low: Verdict, high: Verdict, need: RoundFacts, attrs: dict[str, Any]) -> str:
    """One line for the cheque band (``ticket_min ≤ top`` and ``ticket_max ≥ bottom``)."""
    amount = need.amount
    round_text = format_yuan(amount)
    tmin, tmax = attrs["investor.ticket_min_yuan"], attrs["investor.ticket_max_yuan"]
    if tmin is None and tmax is None:
        return f"? 未公示单笔投资额度（本轮{round_text}）"
    lo = format_yuan(tmin) if tmin is not None else "不限"
    hi = format_yuan(tmax) if tmax is not None else "不限"
    span = f"单笔投资额度{lo}至{hi}"
    top, bottom = float(low.requirement.value), float(high.requirement.value)
    part = {"lead": "领投", "follow": "跟投"}.get(_role(need), "参投")
    if low.status == "unmet":
        if _share(top, amount) >= 100:
            return f"✗ {span}，起投额高于本轮{round_text}"
        return f"✗ {span}，起投额高于本轮{round_text}的{_share(top, amount)}%（{part}上限）"
    if high.status == "unmet":
        if _share(bottom, amount) >= 100:
            return f"✗ {span}，不足本轮{round_text}（需一家全额提供）"
        return f"✗ {span}，不足本轮{round_text}的{_share(bottom, amount)}%（{part}所需）"
    if "unknown" in (low.status, high.status):
        return f"? {span}，{'起投额' if tmin is None else '上限'}未登记（本轮{round_text}）"
    percent = _share(min(float(tmax), float(amount)), amount)
    return f"✓ {span}，最多可占本轮约{percent}%"


def _instrument_line(v: Verdict, attrs: dict[str, Any]) -> str:
    wanted = [str(x) for x in _values(v.requirement.value)]
    if v.status == "unknown":
        return f"? 未登记资金形式（本轮寻求{_instrument_labels(wanted)}）"
    have = [str(x) for x in _values(attrs["investor.instruments"])]
    if v.status == "met":
        return f"✓ 资金形式含{_instrument_labels([x for x in wanted if x in have])}"
    return f"✗ 资金形式为{_instrument_labels(have)}，不含{_instrument_labels(wanted)}"


def _instrument_labels(values: Sequence[str]) -> str:
    return "、".join(INSTRUMENT.label(x) for x in values)


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _preference_line(v: Verdict) -> str | None:
    name = v.requirement.name
    mark = {"met": "✓", "unmet": "✗", "unknown": "?"}[v.status]
    if name == "investor.lead_capable":
        text = {"met": "可担任领投", "unmet": "通常不担任领投", "unknown": "未标明能否领投"}
        return f"{mark} {text[v.status]}（本轮寻求领投方，优先）"
    if name == "investor.currencies":
        cur = CURRENCY.label(str(v.requirement.value))
        text = {"met": f"可投{cur}", "unmet": f"不投{cur}", "unknown": f"未标明能否投{cur}"}
        return f"{mark} {text[v.status]}（本轮以{cur}计，优先）"
    if name == "investor.local_presence":
        text = {"met": "在企业所在城市设有机构", "unmet": "在本地未设机构"}
        return f"{mark} {text.get(v.status, '本地机构情况需核实')}（期望本地投资方，优先）"
    if name == "investor.regions":
        wanted = "、".join(REGION.label(str(x)) for x in _values(v.requirement.value))
        text = {"met": f"投资地域覆盖{wanted}", "unmet": f"投资地域不含{wanted}"}
        return f"{mark} {text.get(v.status, f'投资地域需核实（期望{wanted}）')}（优先）"
    return None  # portfolio predicates: written from the portfolio reading below


def lines(ranked: Ranked, need: RoundFacts, signals: PortfolioSignals) -> list[str]:
    """The engine's verdicts in the shortlist's words: hard requirements first, then
    preferences, then the portfolio's follow-on, conflicts and precedents."""
    attrs = dict(ranked.candidate.attributes)
    by_name: dict[str, list[Verdict]] = {}
    for v in ranked.verdicts:
        by_name.setdefault(v.requirement.name, []).append(v)
    out: list[str] = []
    if "investor.stages" in by_name:
        out.append(_stage_line(by_name["investor.stages"][0], need, attrs))
    if "investor.sectors" in by_name:
        out.append(_sector_line(by_name["investor.sectors"][0], need, attrs))
    low = next((v for v in by_name.get("investor.ticket_min_yuan", ())), None)
    high = next((v for v in by_name.get("investor.ticket_max_yuan", ())), None)
    if low is not None and high is not None:
        out.append(_ticket_line(low, high, need, attrs))
    if "investor.instruments" in by_name:
        out.append(_instrument_line(by_name["investor.instruments"][0], attrs))
    for v in ranked.verdicts:
        if v.requirement.preference and (line := _preference_line(v)):
            out.append(line)
    return out + signals.lines()


def _standing(ranked: Ranked) -> str:
    return "unmet" if ranked.unmet else "unknown" if ranked.unknown else "met"


def _fit(ranked: Ranked, need: RoundFacts, by_key: dict[str, InvestorFacts]) -> Fit:
    inv = by_key[ranked.candidate.key]
    signals = read_portfolio(_need_facts(need), inv.holdings)
    return Fit(
        inv, _standing(ranked), tuple(lines(ranked, need, signals)), signals, ranked.sort_key
    )


def fit(need: RoundFacts, inv: InvestorFacts) -> Fit:
    """One investor read against one need by the engine, with its lines."""
    found = rank(parsed(need), [candidate(inv)], top=1, include_unmet=True)
    if not found:  # the need states nothing to judge, or the investor is not active
        signals = read_portfolio(_need_facts(need), inv.holdings)
        standing = "unknown" if inv.active else "unmet"
        return Fit(inv, standing, tuple(signals.lines()), signals, (standing == "unmet", True))
    return _fit(found[0], need, {_key(inv): inv})


def shortlist(need: RoundFacts, investors: Sequence[InvestorFacts], limit: int = 20) -> list[Fit]:
    """Investors that fit, in the engine's order (met before "待核实", fewer open points first,
    more preferences met — lead, region, follow-on, no conflict, a precedent — earlier); unmet
    ones and the company raising the round are left off."""
    by_key = {_key(inv): inv for inv in investors}
    raising = [k for k, inv in by_key.items() if inv.key == need.company_key]
    ranked = rank(
        parsed(need),
        [candidate(inv) for inv in investors],
        top=limit,
        exclude_keys=raising,
        max_unknown=None,
    )
    return [_fit(r, need, by_key) for r in ranked]
