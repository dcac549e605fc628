"""Rungs, recognitions and listing stages: the rules a recognition or a stage move must pass.

The ladder districts run (梯度培育): 科技型中小企业 → 高新技术企业 → 专精特新中小企业 →
专精特新"小巨人" → 上市后备库 (拟上市) → 上市. A recognition is held from its date to its expiry
(高企 three years, 《高新技术企业认定管理办法》第九条; 专精特新 and 小巨人 three years,
工信部企业〔2022〕63号 第二十一条; 科技型中小企业 the calendar year of its registration number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

RUNGS: tuple[str, ...] = (
    "tech_sme",
    "high_tech",
    "specialised",
    "little_giant",
    "pre_ipo",
    "listed",
)
RUNG_LABELS = {
    "tech_sme": "科技型中小企业",
    "high_tech": "高新技术企业",
    "specialised": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”",
    "pre_ipo": "上市后备库",
    "listed": "上市企业",
}
#: Rungs recognised with a certificate (or registration) number.
CERTIFIED_RUNGS = frozenset({"tech_sme", "high_tech", "specialised", "little_giant"})
VALIDITY_YEARS = {"high_tech": 3, "specialised": 3, "little_giant": 3}

#: 上市后备库 stages, in order; a stage never goes back.
LISTING_STAGES: tuple[str, ...] = (
    "reserve",
    "tutoring",
    "filing",
    "inquiry",
    "registration",
    "listed",
)
LISTING_STAGE_LABELS = {
    "reserve": "入库培育",
    "tutoring": "辅导备案",
    "filing": "申报受理",
    "inquiry": "审核问询",
    "registration": "注册生效",
    "listed": "上市",
}
#: Boards, with the codes of the policy field ``listed_market``.
BOARDS = {
    "star": "科创板",
    "gem": "创业板",
    "main": "主板",
    "bse": "北交所",
    "hk": "港交所",
    "us": "美国市场",
}


def rung_index(rung: str | None) -> int:
    """Position on the ladder (-1 for none)."""
    return RUNGS.index(rung) if rung in RUNGS else -1


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_expiry(rung: str, recognised_on: dt.date) -> dt.date | None:
    """The last day a recognition is valid when the certificate does not say (None: no expiry)."""
    years = VALIDITY_YEARS.get(rung)
    if years is not None:
        return _add_years(recognised_on, years) - dt.timedelta(days=1)
    if rung == "tech_sme":
        return dt.date(recognised_on.year, 12, 31)
    return None


@dataclass(frozen=True)
class Held:
    """One recognition an enterprise holds (or held)."""

    rung: str
    recognised_on: dt.date
    expires_on: dt.date | None = None
    is_revoked: bool = False
    certificate_number: str = ""

    def is_valid_on(self, on: dt.date) -> bool:
        if self.is_revoked or self.recognised_on > on:
            return False
        return self.expires_on is None or self.expires_on >= on


def current_rung(held: Iterable[Held], on: dt.date) -> str | None:
    """The highest rung whose recognition is valid on ``on``."""
    best = -1
    for item in held:
        if item.is_valid_on(on):
            best = max(best, rung_index(item.rung))
    return RUNGS[best] if best >= 0 else None


def recognition_problems(
    *,
    held: Iterable[Held],
    rung: str,
    recognised_on: dt.date,
    expires_on: dt.date | None,
    certificate_number: str,
    skip_basis: str,
    today: dt.date,
) -> list[str]:
    """Why a new recognition may not be recorded (empty: it may). Checks: a known rung, a date
    not in the future, an expiry after the date, a certificate number where the rung has one,
    and no rung skipped without a stated basis (the rungs between the one held on that date
    and the new one)."""
    if rung not in RUNGS:
        return [f"未知的梯度层级：{rung}"]
    problems: list[str] = []
    label = RUNG_LABELS[rung]
    if recognised_on > today:
        problems.append(f"认定日期 {recognised_on} 晚于今天，不能预先登记")
    if expires_on is not None and expires_on <= recognised_on:
        problems.append(f"证书有效期至 {expires_on}，不晚于认定日期 {recognised_on}，请核对证书")
    if rung in CERTIFIED_RUNGS and not certificate_number.strip():
        problems.append(f"{label}须填写证书编号（或入库登记编号）")
    items = list(held)
    below = current_rung(items, recognised_on)
    skipped = RUNGS[rung_index(below) + 1 : rung_index(rung)]
    if skipped and not skip_basis.strip():
        names = "、".join(RUNG_LABELS[r] for r in skipped)
        problems.append(
            f"从{RUNG_LABELS.get(below or '', '未入梯度')}直接登记为{label}，跳过了{names}；"
            "请填写跳级依据（如直接认定的文件）或先登记所跳过的层级"
        )
    return problems


@dataclass(frozen=True)
class DueItem:
    """A recognition that lapses soon: re-certification is due."""

    held: Held
    days_left: int


def recertification_due(
    held: Iterable[Held], on: dt.date, *, within_days: int = 90, rung: str = "high_tech"
) -> list[DueItem]:
    """Valid recognitions of ``rung`` that expire within ``within_days`` of ``on``, unless a
    later recognition of the same rung already follows them (the renewal was recorded)."""
    items = [h for h in held if h.rung == rung and not h.is_revoked]
    out = []
    for item in items:
        if item.expires_on is None or not item.is_valid_on(on):
            continue
        days = (item.expires_on - on).days
        if days > within_days:
            continue
        if any(other.recognised_on > item.recognised_on for other in items):
            continue
        out.append(DueItem(item, days))
    return sorted(out, key=lambda d: d.days_left)


def stage_move_problem(current: str, to: str) -> str | None:
    """Why a listing stage move is refused: unknown stage, the same stage, or going back."""
    if to not in LISTING_STAGES:
        return f"未知的上市进程阶段：{to}"
    if current not in LISTING_STAGES:
        return None
    if to == current:
        return f"已处于“{LISTING_STAGE_LABELS[to]}”阶段"
    if LISTING_STAGES.index(to) < LISTING_STAGES.index(current):
        return (
            f"上市进程不能倒退：当前为“{LISTING_STAGE_LABELS[current]}”，"
            f"不能改为“{LISTING_STAGE_LABELS[to]}”（终止上市请移出后备库）"
        )
    return None
