"""Which investors fit a financing need, requirement by requirement (pure: no Django).

Each investor profile is read against the need on the requirements RESOURCES.md names for
investors, with the shared vocabulary's closures (a fund naming "医疗器械" covers IVD):

- **round**: the profile's stages include the round (Pre-A counts as an A-stage investor,
  D and later as C and later, strategic rounds as growth/M&A);
- **sector**: one of the need's sectors is covered by the fields of the profile's chain nodes;
- **ticket share**: the profile's ticket range can take a meaningful part of the round — at least
  ``LEAD_SHARE`` of it when the need looks for a lead, ``FOLLOW_SHARE`` otherwise — and its
  minimum ticket is not larger than the round;
- **instrument**: equity investors answer equity, convertible and grant-to-equity rounds; a
  round sought only as loans or leases is marked unknown (a fund's profile does not say);
- **region**: when the need names investor regions, the investor's registered place is read
  against them (``local``: the same city as the company; ``national``: anywhere in the
  mainland); other named regions are marked unknown rather than guessed.

A requirement the profile does not state is ``?`` (unknown), never a pass. ``standing`` is
``met`` (every stated requirement ✓), ``unknown`` (no ✗, some ?) or ``unmet`` (a ✗ on round,
sector or ticket). Unmet investors are left off the shortlist. Within a standing the portfolio
reading (``portfolio.reorder``) puts follow-on investors first and possible conflicts last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from yiqiao.vocab import SECTOR, STAGE
from yiqiao.vocab.closures import sector_covers

from .deals import format_yuan
from .portfolio import Holding, NeedFacts, PortfolioSignals, read_portfolio, reorder

LEAD_SHARE = Decimal("0.2")  # a lead usually takes a fifth of a round or more
FOLLOW_SHARE = Decimal("0.05")  # a follower's ticket below 5% of the round is rarely worth a slot
EQUITY = frozenset({"equity", "convertible", "grant_to_equity"})

#: the round a need names (STAGE vocabulary) → the profile stages that take it
ROUND_TO_PROFILE: dict[str, frozenset[str]] = {
    "seed": frozenset({"seed"}),
    "angel": frozenset({"angel"}),
    "Pre-A": frozenset({"pre_a", "a"}),
    "A": frozenset({"a"}),
    "B": frozenset({"b"}),
    "C": frozenset({"c"}),
    "D+": frozenset({"d", "c"}),
    "Pre-IPO": frozenset({"pre_ipo"}),
    "strategic": frozenset({"growth"}),
}
PROFILE_STAGE_LABEL: dict[str, str] = {
    "seed": "种子轮",
    "angel": "天使轮",
    "pre_a": "Pre-A轮",
    "a": "A轮",
    "b": "B轮",
    "c": "C轮及以后",
    "d": "D轮及以后",
    "pre_ipo": "Pre-IPO",
    "growth": "成长/并购",
}


@dataclass(frozen=True, slots=True)
class InvestorFacts:
    key: int
    name: str
    stages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()  # SECTOR values its chain nodes cover
    ticket_min: Decimal | None = None
    ticket_max: Decimal | None = None
    same_city: bool | None = None  # registered in the company's city (None: not known)
    mainland: bool | None = None
    holdings: tuple[Holding, ...] = ()


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


@dataclass(frozen=True, slots=True)
class Fit:
    investor: InvestorFacts
    standing: str  # met / unknown / unmet
    lines: tuple[str, ...]
    signals: PortfolioSignals

    @property
    def has_conflict(self) -> bool:
        return bool(self.signals.conflicts)


STANDING_ORDER = {"met": 0, "unknown": 1, "unmet": 2}


def _round(need: RoundFacts, inv: InvestorFacts) -> str:
    wanted = ROUND_TO_PROFILE.get(need.round, frozenset())
    label = STAGE.label(need.round) if need.round in STAGE.values else need.round
    if not inv.stages:
        return f"? 未标明投资阶段（本轮为{label}）"
    stages = "、".join(PROFILE_STAGE_LABEL.get(s, s) for s in inv.stages)
    if wanted & set(inv.stages):
        return f"✓ 投资阶段含{label}"
    return f"✗ 投资阶段为{stages}，不含{label}"


def _sector(need: RoundFacts, inv: InvestorFacts) -> str:
    wanted = "、".join(SECTOR.label(s) for s in need.sectors) or "未填写"
    if not need.sectors:
        return "? 融资需求未填写领域"
    if not inv.sectors:
        return f"? 未标明关注领域（本轮领域：{wanted}）"
    covered = [s for s in need.sectors if sector_covers(inv.sectors, s)]
    if covered:
        return f"✓ 关注领域覆盖{'、'.join(SECTOR.label(s) for s in covered)}"
    have = "、".join(SECTOR.label(s) for s in inv.sectors[:4])
    return f"✗ 关注领域为{have}等，不含{wanted}"


def _ticket(need: RoundFacts, inv: InvestorFacts) -> str:
    if inv.ticket_min is None and inv.ticket_max is None:
        return f"? 未公示单笔投资额度（本轮{format_yuan(need.amount)}）"
    share = LEAD_SHARE if need.wants_lead else FOLLOW_SHARE
    low = format_yuan(inv.ticket_min) if inv.ticket_min is not None else "不限"
    high = format_yuan(inv.ticket_max) if inv.ticket_max is not None else "不限"
    span = f"单笔投资额度{low}至{high}"
    if inv.ticket_min is not None and inv.ticket_min > need.amount:
        return f"✗ {span}，起投额高于本轮{format_yuan(need.amount)}"
    if inv.ticket_max is not None and inv.ticket_max < need.amount * share:
        part = "领投" if need.wants_lead else "参投"
        return f"✗ {span}，不足本轮{format_yuan(need.amount)}的{int(share * 100)}%（{part}所需）"
    top = min(inv.ticket_max, need.amount) if inv.ticket_max is not None else need.amount
    percent = (top / need.amount * 100).quantize(Decimal("1")) if need.amount else Decimal(0)
    return f"✓ {span}，最多可占本轮约{percent}%"


def _instrument(need: RoundFacts) -> str | None:
    if not need.instruments or set(need.instruments) & EQUITY:
        return None  # equity rounds: every profile here is an equity investor
    return "? 本轮寻求的资金形式非股权，需核实该机构是否提供"


def _region(need: RoundFacts, inv: InvestorFacts) -> str | None:
    regions = set(need.investor_regions)
    if not regions:
        return None
    if "local" in regions and inv.same_city:
        return "✓ 注册地在企业所在城市"
    if "national" in regions and inv.mainland:
        return "✓ 注册地在境内，符合“全国”"
    return "? 期望投资方地域与该机构注册地需核实"


def fit(need: RoundFacts, inv: InvestorFacts) -> Fit:
    """One investor read against one need, with its lines (✓ met, ✗ not met, ? unknown)."""
    hard = [_round(need, inv), _sector(need, inv), _ticket(need, inv)]
    soft = [line for line in (_instrument(need), _region(need, inv)) if line]
    lines = hard + soft
    if any(line.startswith("✗") for line in hard):
        standing = "unmet"
    elif any(line.startswith("?") for line in lines):
        standing = "unknown"
    else:
        standing = "met"
    facts = NeedFacts(
        company_key=need.company_key,
        sectors=need.sectors,
        round=need.round,
        instruments=need.instruments,
        year=need.year,
    )
    signals = read_portfolio(facts, inv.holdings)
    return Fit(inv, standing, tuple(lines + signals.lines()), signals)


def shortlist(need: RoundFacts, investors: Sequence[InvestorFacts], limit: int = 20) -> list[Fit]:
    """Investors that fit, best first: met before unknown; unmet ones are left off. Within a
    standing: follow-on first, conflicts last, more precedents and more ✓ lines earlier."""
    fits = [fit(need, inv) for inv in investors if inv.key != need.company_key]
    kept = [f for f in fits if f.standing != "unmet"]
    kept.sort(
        key=lambda f: (
            STANDING_ORDER[f.standing],
            -sum(1 for line in f.lines if line.startswith("✓")),
            f.investor.name,
        )
    )
    ordered = reorder(kept, [STANDING_ORDER[f.standing] for f in kept], [f.signals for f in kept])
    return ordered[:limit]
