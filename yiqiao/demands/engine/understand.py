"""Need understanding: free text → structured requirements over RESOURCES.md's attributes.

``understand(text, category=None)`` reads a need as people type it (Simplified or Traditional,
typos, full-width digits, Chinese numerals, 亩/㎡/平米/坪/呎/天/吨/万/亿, bands and bounds) and
returns the resource types it asks for, in order, and the requirements it states, each with the
span of the original text it was read from. Quantities the parser recognises but cannot accept
(a lower bound above the upper one, an absurd or negative value) are returned as ``unread`` with
the reason, and the rest of the need is still read.

Conventions (RESOURCES.md and the evaluation sets' README):

- a loosely written quantity (左右/上下/约/大概/差不多, or a bare area) is a ±20 % band;
- 以上/不低于/至少/起码/最少/起 → ``ge``; 以内/不超过/以下/最多/不到 → ``le``; X到Y, X-Y → ``between``;
- units: 1 亩 = 666.67 m², 1 坪 = 3.3058 m², 1 呎 = 0.0929 m², rent per day × 30,
  1 t/㎡ = 9.8 kN/㎡, clean-room names to ISO classes, USD at 7.2;
- a requirement in a clause with 最好/优先/更好 is a preference: it reorders, it never excludes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from yiqiao.vocab.units import USD_CNY_RATE

from . import lexicon
from .quantities import NUMBER, Normalised, normalise, number

TYPES = ("space", "service", "investor", "policy", "organisation")
#: The contract's categories → the resource types that can answer them, most likely first.
CATEGORY_TYPES: dict[str, tuple[str, ...]] = {
    "space": ("space",),
    "financing": ("investor", "service", "policy"),
    "clinical": ("organisation", "service", "policy"),
    "capacity": ("service", "space", "organisation"),
    "registration": ("service", "policy"),
    "talent": ("policy", "service", "organisation", "space"),
    "market": ("service", "organisation", "policy"),
    "policy": ("policy",),
    "other": TYPES,
}
M2_PER = {"亩": 10000 / 15, "坪": 3.3058, "呎": 0.0929, "平方英尺": 0.0929, "尺": 0.0929}
MAX_TEXT = 20_000
#: Units people write that the parser does not convert: the quantity is reported unread, and
#: anything read from the same words is dropped (its number would be taken in the wrong unit).
UNKNOWN_UNIT = re.compile(
    rf"(?P<n>{NUMBER})\s*(?P<u>英亩|公顷|平方公里|平方千米|美分|分钱|"
    r"acres?\b|hectares?\b|furlongs?\b|sq\.?\s?ft\b|square\s+f(?:ee|oo)t\b)"
)
LOOSE_BAND = 0.2


@dataclass(frozen=True, slots=True)
class Requirement:
    """One stated requirement: ``name`` is a RESOURCES.md attribute or ``need.*``."""

    name: str
    op: str
    value: Any
    unit: str | None = None
    span: tuple[int, int] = (0, 0)
    preference: bool = False

    @property
    def resource_type(self) -> str:
        return self.name.split(".", 1)[0]

    def as_json(self, original: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "span": list(self.span),
            "text": original[self.span[0] : self.span[1]],
        }
        if self.preference:
            out["preference"] = True
        return out


@dataclass(frozen=True, slots=True)
class Unread:
    """A part of the text that looked like a requirement but could not be accepted."""

    what: str
    span: tuple[int, int]
    reason: str


@dataclass
class ParsedNeed:
    text: str
    category: str | None
    types: list[str]
    requirements: list[Requirement] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def for_type(self, resource_type: str) -> list[Requirement]:
        return [r for r in self.requirements if r.resource_type == resource_type]

    def value(self, name: str) -> Any:
        for r in self.requirements:
            if r.name == name:
                return r.value
        return None


# ---- clauses and preferences -------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"[，,；;。！!？?\n]")
_PREFERENCE = re.compile(r"最好|优先|更好|为佳|最佳|尽量|的话更|加分|也可以考虑")


def _preference_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in list(_CLAUSE_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        if _PREFERENCE.search(text[start:end]):
            out.append((start, end))
        start = m.end() if m else len(text)
    return out


# ---- quantities ---------------------------------------------------------------------------

_BEFORE_GE = r"(?:至少|起码|最少|不低于|不少于|不小于|大于|超过|高于|最低)"
_BEFORE_LE = (
    r"(?:不超过|别超过|不要超过|不能超过|不高于|不大于|最多|低于|少于|小于|控制在|以内|最高)"
)
_BEFORE_ABOUT = r"(?:约|大约|大概|差不多|将近|近)"
_AFTER_GE = r"(?:以上|及以上|起|往上|打底|或以上|或更大|或更高)"
_AFTER_LE = r"(?:以内|以下|之内|内|及以下|或以下|不到)"
_AFTER_ABOUT = r"(?:左右|上下|出头|的样子)"
_RANGE = r"\s*(?:-|~|～|—|到|至)\s*"
_AREA_UNIT = r"(?:平方米|平方英尺|平方|平米|m2|万平|平(?![台安均时常])|亩|坪|呎|尺(?![寸度]))"
QTY = re.compile(
    rf"(?P<before>{_BEFORE_GE}|{_BEFORE_LE}|{_BEFORE_ABOUT})?\s*"
    rf"(?P<neg>-)?(?P<n1>{NUMBER})(?:\s*(?P<u1>{_AREA_UNIT}|米|m(?![a-z0-9])|吨|t(?![a-z])|l(?![a-z])|升|元|块|天|个月|月|周)?{_RANGE}(?P<n2>{NUMBER}))?"
)
#: Units a quantity may carry (matched right after the number).
UNIT = re.compile(
    r"\s*(?:万|亿)?\s*(?:美元|美金|usd|元|块|人民币)"
    rf"|\s*{_AREA_UNIT}"
    r"|\s*(?:米|m(?![a-z0-9²])|吨|t(?![a-z])|kg|公斤|千克|kn|l(?![a-z])|升|立方|个月|月|天|周|日|度|℃|%)"
)


@dataclass
class _Qty:
    low: float
    high: float | None
    op: str  # eq/ge/le/between/about
    start: int
    end: int
    unit_text: str
    loose: bool


def _bound_kind(before: str | None, after_text: str) -> str:
    if before and re.fullmatch(_BEFORE_GE, before):
        return "ge"
    if before and re.fullmatch(_BEFORE_LE, before):
        return "le"
    if re.match(_AFTER_GE, after_text):
        return "ge"
    if re.match(_AFTER_LE, after_text):
        return "le"
    if (before and re.fullmatch(_BEFORE_ABOUT, before)) or re.match(_AFTER_ABOUT, after_text):
        return "about"
    return "eq"


def _qualifier_after(text: str, end: int) -> str:
    """The words after a quantity's unit, skipping a few filler characters (的/就/即可)."""
    return re.sub(r"^[的就够即可也行]{0,2}", "", text[end : end + 8])


def _band(kind: str, low: float, high: float | None, *, bare: str) -> tuple[str, Any]:
    """(op, value) for a quantity; ``bare`` says what a plain number means ("about"/"ge"/"le"/"eq")."""
    if high is not None:
        return "between", [low, high]
    if kind == "eq":
        kind = bare
    if kind == "about":
        return "between", [round(low * (1 - LOOSE_BAND), 4), round(low * (1 + LOOSE_BAND), 4)]
    return kind, low


def _numeric(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


# ---- the parser -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str, category: str | None) -> None:
        self.original = text[:MAX_TEXT]
        self.norm: Normalised = normalise(self.original)
        self.t = self.norm.text
        self.category = category
        self.requirements: list[Requirement] = []
        self.unread: list[Unread] = []
        self.prefs = _preference_ranges(self.t)
        self.used: list[tuple[int, int]] = []  # normalised spans consumed by quantities

    # helpers
    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.span(start, end)

    def is_pref(self, start: int) -> bool:
        return any(a <= start < b for a, b in self.prefs)

    def add(
        self,
        name: str,
        op: str,
        value: Any,
        start: int,
        end: int,
        unit: str | None = None,
        preference: bool | None = None,
    ) -> None:
        if any(r.name == name and r.op == op and r.value == value for r in self.requirements):
            return
        pref = self.is_pref(start) if preference is None else preference
        self.requirements.append(Requirement(name, op, value, unit, self.span(start, end), pref))

    def has(self, name: str) -> bool:
        return any(r.name == name for r in self.requirements)

    def search(self, pattern: str) -> re.Match[str] | None:
        return re.search(pattern, self.t)

    def refuse(self, what: str, start: int, end: int, reason: str) -> None:
        self.unread.append(Unread(what, self.span(start, end), reason))

    def unknown_units(self) -> None:
        for m in UNKNOWN_UNIT.finditer(self.t):
            a, b = self.span(m.start(), m.end())
            self.requirements = [
                r
                for r in self.requirements
                if not (r.span[0] < b and a < r.span[1] and _numeric(r.value))
            ]
            self.refuse(m.group(0), m.start(), m.end(), f"无法识别的单位“{m.group('u')}”")

    # types
    def types(self) -> list[str]:
        # what the enterprise does ("做CRO的，想找银行授信") says who asks, not what is asked for
        t = re.sub(
            r"(?:我们|我司|本公司|公司)?(?:是)?(?<![找请])做[^，,。；;、]{1,10}的(?=[，,。；;\s]|$)",
            "",
            self.t,
        )
        score = dict.fromkeys(TYPES, 0.0)
        space_kind = list(lexicon.find(lexicon.SPACE_KIND, t))
        if space_kind:
            score["space"] += 2
        if re.search(r"租|买|购置|入驻|进场|入住|搬|落户.{0,4}(?:厂|楼)", t):
            score["space"] += 1
        if re.search(rf"{NUMBER}\s*{_AREA_UNIT}", t):
            score["space"] += 2
        if re.search(
            r"平台(?!的)|机构|服务|外包|代工|代做|委托|cro|cdmo|cmo|smo|fa\b|顾问|代理|猎头|派人|找.{0,6}(?:公司|团队)|检测|检验|测试|灭菌|冷链|物流|机时|共享",
            t,
        ):
            score["service"] += 2
        if re.search(
            r"融资|[a-e]\+*轮|天使|投资人|投资机构|基金|贷款|授信|质押|融资租赁|售后回租|领投|跟投|股权|老股|控股|出售|收购|估值",
            t,
        ):
            score["investor"] += 3
        if re.search(
            r"补贴|补助|奖励|政策|减免|免租|资助|扶持|能申请|享受|安家|支持吗|有没有.{0,6}支持", t
        ):
            score["policy"] += 3
        if re.search(
            r"供应商|厂家|配套厂|配套企业|经销商|代理商|医院|高校|大学|院校|学校|院所|合作方|合作伙伴|企业来|找.{0,8}企业|药包材厂|gcp(?:医院|中心|基地)|专科|科室|[一-龥]科的",
            t,
        ):
            score["organisation"] += 2.5
        if any(True for _ in lexicon.find(lexicon.CHAIN_NODE, t)):
            score["organisation"] += 3  # a named link of the chain is a partner enterprise
        if score["organisation"] == 0 and any(
            True for _ in lexicon.find(lexicon.SERVICE_CATEGORY, t)
        ):
            score["service"] += 1.5
        if re.search(r"smo|crc|cro(?!公司来)|派人|外包", t):
            score["service"] += 2
        if re.search(r"fa\b|融资顾问|梳理bp|对接投资人", t):
            score["service"] += 4
        if re.search(r"gcp(?:中心|基地)|临床试验机构|i期病房|be病房", t):
            score["service"] += 1.5
        if re.search(r"(?:平台|cdmo|cmo|cro).{0,10}车间|车间.{0,6}平台|代做|代工", t):
            score["service"] += 2
        allowed = CATEGORY_TYPES.get(self.category or "", TYPES)
        if self.category == "financing" and score["service"] < 4:
            score["investor"] += 10
        prior = {tp: (len(allowed) - i) * 0.5 for i, tp in enumerate(allowed)}
        ranked = sorted(
            (tp for tp in allowed if score[tp] > 0 or tp == allowed[0]),
            key=lambda tp: (-(score[tp] + prior.get(tp, 0)), allowed.index(tp)),
        )
        if self.category in (None, "other") and ranked and max(score.values()) == 0:
            ranked = ["service", "organisation", "space"]
        return ranked or list(allowed[:1])

    # quantities
    def quantities(self) -> list[_Qty]:
        out: list[_Qty] = []
        for m in QTY.finditer(self.t):
            n1 = number(m.group("n1"))
            if n1 is None:
                continue
            n2 = number(m.group("n2")) if m.group("n2") else None
            um = UNIT.match(self.t, m.end())
            unit = um.group(0).strip() if um else ""
            end = um.end() if um else m.end()
            if not unit and m.group("u1"):
                unit = m.group("u1")
            after = _qualifier_after(self.t, end)
            kind = _bound_kind(m.group("before"), after)
            # a unit written between range numbers applies to both (1200㎡-1500㎡)
            low = -n1[0] if m.group("neg") else n1[0]
            high = n2[0] if n2 else None
            loose = n1[1] or kind == "about"
            out.append(_Qty(low, high, kind, m.start(), end, unit, loose))
        return out

    def context(self, start: int, before: int = 10, after: int = 6) -> str:
        return self.t[max(0, start - before) : start + after]

    def read_quantities(self, types: list[str]) -> None:
        t = self.t
        for q in self.quantities():
            u = q.unit_text
            ctx = t[max(0, q.start - 12) : q.start]
            whole = t[q.start : q.end]
            # money and rents (a bare number right after 租金/每平 is a rent)
            if (
                re.match(r"(?:元|块|万|亿|美元)", u)
                or re.search(r"[万亿]$", whole.strip())
                or (not u and re.search(r"租金|月租|房租|每平|单价|售价|地价", ctx[-8:]))
            ):
                self.money(q, u, ctx)
                continue
            if q.low < 0:
                self.refuse(whole, q.start, q.end, "数值不能为负")
                continue
            if re.match(r"(?:平方米|平方英尺|平方|平米|m2|万平|平|亩|坪|呎|尺)", u):
                self.area(q, u)
                continue
            if re.match(r"(?:米|m)(?![2²])", u) and re.search(
                r"层高|净高|高度|挑高|檐高", ctx + whole
            ):
                self.height(q)
                continue
            if re.match(r"(?:吨|t|kg|公斤|千克|kn)", u) and re.search(
                r"荷载|承重|载荷|地面|楼面", ctx + t[q.start : q.end + 6]
            ):
                self.load(q, u)
                continue
            if re.match(r"(?:吨|t)", u) and re.search(
                r"货梯|电梯|梯", ctx + t[q.start : q.end + 4]
            ):
                self.add("space.freight_elevator_t", "ge", q.low, q.start, q.end, "t")
                continue
            if re.match(r"(?:l|升|吨|t|立方)", u) and re.search(
                r"发酵|反应|罐|规模|批量|批次|生物反应器|釜|放大", ctx + t[q.start : q.end + 8]
            ):
                if q.op in ("ge", "eq", "about"):
                    factor = 1000.0 if re.match(r"(?:吨|t|立方)", u) else 1.0
                    self.add("service.scale_max_l", "ge", q.low * factor, q.start, q.end, "L")
                continue
            if re.match(r"(?:个月|月|天|周|日)", u) and (
                q.op == "le" or re.search(r"内|以内|之内", t[q.end - 2 : q.end + 3])
            ):
                days = q.low * (30 if "月" in u else 7 if "周" in u else 1)
                if "service" in types[:1] or re.search(r"出报告|周期|排期|开始|启动|完成|交付", t):
                    self.add("service.lead_time_days", "le", days, q.start, q.end, "days")
                else:
                    self.add("space.days_until_available", "le", days, q.start, q.end, "days")
                continue

    def area(self, q: _Qty, unit: str) -> None:
        factor = 1.0
        if unit.startswith("万平"):
            factor = 10_000
        else:
            for key, f in M2_PER.items():
                if unit.startswith(key):
                    factor = f
        low = q.low * factor
        high = q.high * factor if q.high is not None else None
        if high is not None and high < low:
            self.refuse(self.t[q.start : q.end], q.start, q.end, "面积下限大于上限")
            return
        if low <= 0 or low > 5_000_000:
            self.refuse(self.t[q.start : q.end], q.start, q.end, "面积数值不合理")
            return
        if self.has("space.available_area_m2"):
            return
        op, value = _band(q.op, round(low, 2), round(high, 2) if high else None, bare="about")
        self.add("space.available_area_m2", op, value, q.start, q.end, "m2")

    def height(self, q: _Qty) -> None:
        if q.low <= 0 or q.low > 60:
            self.refuse(self.t[q.start : q.end], q.start, q.end, "层高数值不合理")
            return
        op, value = _band(q.op, q.low, q.high, bare="ge")
        if op == "between":
            op, value = "ge", value[0]
        self.add("space.floor_height_m", op, value, q.start, q.end, "m")

    def load(self, q: _Qty, unit: str) -> None:
        factor = (
            9.8
            if re.match(r"(?:吨|t)", unit)
            else 0.0098
            if re.match(r"(?:kg|公斤|千克)", unit)
            else 1.0
        )
        value = round(q.low * factor, 2)
        if value <= 0 or value > 500:
            self.refuse(self.t[q.start : q.end], q.start, q.end, "荷载数值不合理")
            return
        self.add(
            "space.floor_load_kn_m2", "ge" if q.op != "le" else "le", value, q.start, q.end, "kn_m2"
        )

    def money(self, q: _Qty, unit: str, ctx: str) -> None:
        t = self.t
        tail = t[q.end : q.end + 8]
        whole = t[q.start : q.end]
        # rent per m² per day/month, sale price per m²
        per_m2 = re.match(r"(?:元|块)?\s*(?:/|每)\s*(?:平|m2|平方|平米)", unit + tail) or re.search(
            r"每(?:天)?每?平|/平|/m2|每平米|每平方", ctx[-6:] + whole + tail[:8]
        )
        if per_m2 or re.search(r"月租|租金|单价|售价|房租", ctx[-6:]):
            if q.low < 0:
                self.refuse(whole, q.start, q.end, "租金或价格不能为负")
                return
            per_day = bool(re.search(r"/天|每天|一天|日租|/日", ctx[-8:] + whole + tail))
            if re.search(
                r"单价|售价|地价|买|购|出售|卖|出让", ctx[-10:] + tail[:4]
            ) and not re.search(r"租", ctx[-4:]):
                op, value = _band(q.op, q.low, q.high, bare="le")
                if op == "between":
                    op, value = "le", value[1]
                self.add("space.sale_price_yuan_per_m2", op, value, q.start, q.end, "yuan_per_m2")
                return
            if re.search(r"万", whole):
                return  # a total rent, not per m²
            low = q.low * (30 if per_day else 1)
            high = q.high * (30 if per_day else 1) if q.high is not None else None
            if low > 2000:
                self.refuse(whole, q.start, q.end, "租金数值不合理")
                return
            op, value = _band(q.op, low, high, bare="le")
            if op == "between":
                op, value = "le", value[1]
            self.add(
                "space.rent_yuan_per_m2_month",
                op,
                round(value, 2),
                q.start,
                q.end,
                "yuan_per_m2_month",
            )
            return
        # amounts of money: rounds, loans, tickets
        if q.low <= 0:
            self.refuse(whole, q.start, q.end, "金额须为正数")
            return
        usd = (
            bool(re.match(r"\s*(?:万|亿)?\s*美元|\s*(?:万|亿)?\s*美金|\s*(?:万|亿)?\s*usd", tail))
            or "美元" in whole
        )
        scale = 1.0
        if not re.search(r"[万亿]", whole):
            if re.match(r"\s*亿", tail):
                scale = 1e8
            elif re.match(r"\s*万", tail):
                scale = 1e4
        rate = USD_CNY_RATE if usd else 1.0
        low = q.low * scale
        high = q.high * scale if q.high is not None else None
        if high is not None and low < 10_000 <= high:  # 2000到3000万, 1.5到2亿
            low *= 1e8 if "亿" in whole else 1e4
        low *= rate
        high = high * rate if high is not None else None
        if "investor" not in self.types_hint:
            return
        per_investor = re.search(r"单家|每家|一家.{0,2}出|单个机构", ctx + whole)
        name = "need.ticket_yuan" if per_investor else "need.round_amount_yuan"
        if self.has(name):
            return
        op, value = _band(q.op, low, high, bare="eq")
        if op == "between" and value[0] > value[1]:
            self.refuse(whole, q.start, q.end, "金额下限大于上限")
            return
        self.add(name, op, value, q.start, q.end, "yuan", preference=False)

    # categorical requirements
    def categorical(self, types: list[str]) -> None:
        t = self.t
        lead = types[0] if types else None
        for tp in types:
            getattr(self, f"read_{tp}")(t, tp == lead)

    def _list(
        self, entries: list[lexicon.Entry], attr: str, op: str = "contains", hard: bool = True
    ) -> None:
        for code, start, end in lexicon.find(entries, self.t):
            self.add(attr, op, code, start, end, preference=None if hard else True)

    def _sectors(self, attr: str, *, hard: bool) -> None:
        found = list(lexicon.find(lexicon.SECTOR, self.t))
        codes = {c for c, _, _ in found}
        # a specific sector makes its umbrella redundant
        from yiqiao.vocab.closures import SECTOR_UMBRELLA

        for code, start, end in found:
            if code in ("drug", "device") and any(SECTOR_UMBRELLA.get(c) == code for c in codes):
                continue
            if code == "healthcare_general" and len(codes) > 1:
                continue
            if code == "cro_cdmo" and attr != "investor.sectors":
                continue
            if code == "api" and "small_molecule" in codes:
                continue
            self.add(attr, "covers", code, start, end, preference=None if hard else True)
            if attr == "investor.sectors":
                break  # one field per company

    def read_space(self, t: str, lead: bool) -> None:
        kinds = []
        for code, start, end in lexicon.find(lexicon.SPACE_KIND, t):
            kinds.append((code, start, end))
        if kinds:
            codes = [c for c, _, _ in kinds]
            if "incubator" in codes and "lab" in codes and re.search(r"共享实验室|台位|工位", t):
                codes.remove("lab")
            if (
                "land" in codes
                and len(codes) > 1
                and re.search(r"用地上|地块上|地上的", t)
                and not re.search(r"拿地|地价|拿.{0,4}的地|土地", t)
            ):
                codes.remove("land")  # "M0用地上的产业用房": the plot a building stands on
            elif "land" in codes and re.search(r"拿地|地价|拿.{0,4}的地|土地|用地", t):
                codes = ["land"]
            if "office" in codes and len(codes) > 1 and not re.search(r"写字楼|办公室|只要办公", t):
                codes.remove("office")
            if "land" in codes and len(codes) > 1 and not re.search(r"土地|用地|地块|拿地", t):
                codes.remove("land")
            if "warehouse" in codes and "plant" in codes and re.search(r"放原料|存", t) is None:
                codes.remove("warehouse")
            if "lab" in codes and "plant" in codes and not re.search(r"实验室|实验楼|中试", t):
                codes.remove("lab")
            if "plant" in codes and "lab" not in codes and re.search(r"中试车间|中试", t):
                codes.append("lab")
            if re.search(r"产业用房", t) and "plant" in codes:
                codes = ["plant", "lab", "office"]
            start = min(s for c, s, _ in kinds)
            end = max(e for c, _, e in kinds)
            self.add("space.kind", "in", codes, start, end)
        m = self.search(r"(?<![二三四五六七八九\d])(?:一楼|首层|1楼|底层|地面层)")
        if m and not re.search(r"(?:一楼|1楼).{0,6}(?:二楼|2楼)", t):
            self.add("space.floor_level", "eq", 1, m.start(), m.end())
        if m := self.search(
            r"(?<!能过)(?<!过)gmp(?!辅导|咨询|体系)|药厂标准|gmp厂房|gmp车间|符合gmp|能做gmp"
        ):
            self.add("space.gmp", "eq", True, m.start(), m.end())
        if m := self.search(
            r"(百级|千级|十万级|三十万级|万级|[abcd]级|iso\s?[5-9])(洁净|以上|及以上|或更高)?"
        ):
            from yiqiao.vocab.units import cleanroom_iso

            iso = cleanroom_iso(
                m.group(1).replace("级", "") if m.group(1)[0] in "abcd" else m.group(1)
            )
            if iso is not None:
                self.add("space.cleanroom_iso", "le", iso, m.start(), m.end(), "iso")
        if m := self.search(r"p([23])\+?|bsl-?([23])|生物安全(?:二|三)级|(?:二|三)级生物安全"):
            level = int(m.group(1) or m.group(2) or (2 if "二" in m.group(0) else 3))
            self.add("space.bsl_level", "ge", level, m.start(), m.end())
        if m := self.search(
            r"危化|易燃|浓酸|酸蚀|危险化学品|危险品|有机溶剂|化学合成|甲类|环氧乙烷"
        ):
            self.add("space.hazmat_allowed", "eq", True, m.start(), m.end())
        for code, start, end in lexicon.find(lexicon.UTILITY, t):
            if code == "cold_storage" and not re.search(
                r"冷库|冷藏|℃|°c|度|低温|冷冻", t[start:end]
            ):
                continue
            self.add("space.utilities", "contains", code, start, end)
        if m := self.search(r"工业用地|工业用途"):
            self.add("space.land_use", "in", ["M1", "M2", "M3"], m.start(), m.end())
        else:
            for code, start, end in lexicon.find(lexicon.LAND_USE, t):
                self.add("space.land_use", "eq", code, start, end)
                break
        if m := self.search(r"精装|拎包入住|拎包|装修好|带装修|现成的?(?:办公|装修)"):
            self.add("space.fit_out", "eq", "fitted", m.start(), m.end())
        elif m := self.search(r"毛坯"):
            self.add("space.fit_out", "eq", "bare", m.start(), m.end())
        if m := self.search(r"(?<!租)买|购买|购置|出售|产权|分割出售|可售|拿地|出让"):
            if not re.search(r"买设备|购置设备|设备购置", t):
                self.add("space.tenure", "in", ["sale", "lease_or_sale"], m.start(), m.end())
        elif m := self.search(r"只租|仅租"):
            self.add("space.tenure", "in", ["lease", "lease_or_sale"], m.start(), m.end())
        m = self.search(
            r"即刻入|马上入|马上进|立即入|随时入|现房|马上能用|现在就要|拎包入住|即租即用|即刻"
        )
        if m and not self.has("space.days_until_available"):
            self.add("space.days_until_available", "le", 0, m.start(), m.end(), "days")
        self._sectors("space.industry_tags", hard=False)

    def read_service(self, t: str, lead: bool) -> None:
        cats = [(c, s, e) for c, s, e in lexicon.find(lexicon.SERVICE_CATEGORY, t)]
        codes = [c for c, _, _ in cats]
        # what the need is *for* wins over what it mentions in passing
        if "finance" in codes and re.search(r"fa\b|融资顾问|对接投资人|质押贷款|担保", t):
            codes = ["finance"]
        elif "cdmo" in codes:
            codes = ["cdmo"] + (
                ["pilot"] if "pilot" in codes and re.search(r"中试|放大", t) else []
            )
        elif "clinical_site" in codes:
            codes = ["clinical_site"]
        elif "smo" in codes:
            codes = ["smo"]
        elif "equipment_sharing" in codes:
            codes = ["equipment_sharing"]
        elif "registration" in codes:
            codes = ["registration"]
        elif "preclinical" in codes and re.search(r"临床前|毒理|灵长类|动物", t):
            codes = ["preclinical"]
        elif "clinical_cro" in codes:
            codes = ["clinical_cro"]
        elif "cold_chain" in codes:
            codes = ["cold_chain"]
        elif "sterilization" in codes:
            codes = ["sterilization"]
        elif "market_access" in codes:
            codes = ["market_access"]
        elif "pilot" in codes:
            codes = ["pilot"] + (["cdmo"] if re.search(r"发酵|放大", t) else [])
        elif "testing" in codes and "preclinical" in codes:
            codes = ["testing", "preclinical"]
        elif codes:
            codes = codes[:1]
        if codes:
            start = min(s for c, s, _ in cats if c in codes)
            end = max(e for c, _, e in cats if c in codes)
            if len(codes) == 1:
                self.add("service.category", "eq", codes[0], start, end)
            else:
                self.add("service.category", "in", codes, start, end)
        found_caps = {c for c, _, _ in lexicon.find(lexicon.CAPABILITY, t)}
        cap_hits: list[tuple[str, int, int]] = []
        for code, start, end in lexicon.find(lexicon.CAPABILITY, t):
            if code == "injectables" and "lyophilization" in found_caps:
                continue
            if code in _CAPABILITY_NEEDS_CONTEXT and not re.search(
                _CAPABILITY_NEEDS_CONTEXT[code], t
            ):
                continue
            if codes and code in _CAPABILITY_CATEGORY and _CAPABILITY_CATEGORY[code] not in codes:
                continue
            self.add("service.capabilities", "contains", code, start, end)
            cap_hits.append((code, start, end))
        if not codes:
            # no kind of service named: the kind its wanted capabilities belong to
            homes = [lexicon.CAPABILITY_HOME.get(code) for code, _, _ in cap_hits]
            if cap_hits and all(homes) and len(set(homes)) == 1:
                home = list(homes[0] or ())
                _, a, b = cap_hits[0]
                if len(home) == 1:
                    self.add("service.category", "eq", home[0], a, b)
                else:
                    self.add("service.category", "in", home, a, b)
        for code, start, end in lexicon.find(lexicon.MARKET, t):
            self.add("service.markets", "contains", code, start, end)
        for code, start, end in lexicon.find(lexicon.CERT, t):
            if code == "ISO13485" and codes[:1] == ["quality_system"]:
                continue  # the standard the coaching builds, not the coach's accreditation
            if code in ("GLP", "GSP", "CNAS", "CMA", "AAALAC", "ISO13485", "NMPA_designated"):
                self.add("service.accreditations", "contains", code, start, end)
        for code, start, end in lexicon.find(lexicon.PHASE, t):
            if re.search(r"临床|试验|cro|病房", t):
                self.add("service.phases", "contains", code, start, end)
        for code, start, end in lexicon.find(lexicon.TA, t):
            if codes and codes[0] in ("clinical_cro", "clinical_site", "smo", "cso", "preclinical"):
                self.add("service.therapeutic_areas", "contains", code, start, end)
        for code, start, end in lexicon.find(lexicon.DEVICE_CLASS, t):
            if codes[:1] in (["quality_system"], ["market_access"], ["talent"]):
                continue  # the client's product class, not a service limit
            self.add("service.device_classes", "contains", code, start, end)
        m = self.search(r"(?<!辅导)(?:能过|符合|通过|有)?gmp(?!辅导|咨询|体系|认证辅导)")
        if (
            m
            and not re.search(r"gmp辅导|gmp咨询|体系", t)
            and codes
            and codes[0] in ("cdmo", "pilot", "testing")
        ):
            self.add("service.gmp", "eq", True, m.start(), m.end())
        if m := self.search(r"创新券|服务券"):
            self.add("service.voucher_accepted", "eq", True, m.start(), m.end())
        for code, start, end in lexicon.find(lexicon.REGION, t):
            if re.search(r"覆盖|发往|配送|送到|全国", t):
                self.add("service.coverage_regions", "covers", code, start, end)
        if m := self.search(r"区里的|本区|区内|园区内的|本地的"):
            self.add("service.in_district", "eq", True, m.start(), m.end(), preference=True)
        self._sectors(
            "service.sectors", hard=bool(re.search(r"中药|合成生物|抗体|猎头|人才", t)) and lead
        )

    def read_organisation(self, t: str, lead: bool) -> None:
        kinds = list(lexicon.find(lexicon.ORG_KIND, t))
        node = list(lexicon.find(lexicon.CHAIN_NODE, t))
        if node and kinds and kinds[0][0] == "hospital" and not re.search(r"gcp|临床|科室|专科", t):
            kinds = kinds[1:]  # "医院的检验外送，找第三方医学检验": the hospital is the client
        if kinds:
            code, start, end = kinds[0]
            self.add("organisation.kind", "eq", code, start, end)
        if node and not (kinds and kinds[0][0] == "hospital"):
            code, start, end = node[0]
            self.add("organisation.chain_node", "eq", code, start, end)
        hospital = kinds and kinds[0][0] == "hospital"
        if hospital or re.search(r"临床|gcp", t) and not node:
            if m := self.search(r"gcp|临床试验|临床|药物试验|器械试验"):
                self.add("organisation.gcp_certified", "eq", True, m.start(), m.end())
                if not kinds:
                    self.add("organisation.kind", "eq", "hospital", m.start(), m.end())
            for code, start, end in lexicon.find(lexicon.TA, t):
                self.add("organisation.therapeutic_areas", "contains", code, start, end)
                break
            for code, start, end in lexicon.find(lexicon.HOSPITAL_GRADE, t):
                if re.search(r"二甲以上|二级以上", t):
                    self.add("organisation.hospital_grade", "in", ["3A", "3B", "2A"], start, end)
                else:
                    self.add("organisation.hospital_grade", "eq", code, start, end)
        for code, start, end in lexicon.find(lexicon.CERT, t):
            self.add("organisation.certifications", "contains", code, start, end)
        partner_caps = [
            (code, start, end)
            for code, start, end in lexicon.find(lexicon.CAPABILITY, t)
            if code
            in (
                "oem_odm",
                "joint_training",
                "mah_consignment",
                "injection_molding",
                "precision_machining",
                "electronics_assembly",
                "cold_chain",
                "hospital_access",
            )
        ]
        if len(partner_caps) == 1:
            code, start, end = partner_caps[0]
            self.add("organisation.capabilities", "contains", code, start, end)
        elif partner_caps:
            # "找注塑和电子装配的配套厂": one partner of either trade, not one doing both
            codes = [c for c, _, _ in partner_caps]
            start = min(s for _, s, _ in partner_caps)
            end = max(e for _, _, e in partner_caps)
            self.add("organisation.capabilities", "contains_any", codes, start, end)
        for code, start, end in lexicon.find(lexicon.REGION, t):
            if re.search(r"覆盖|销往|配送|渠道", t):
                self.add("organisation.coverage_regions", "covers", code, start, end)
        if m := self.search(r"区里|区内|本区|本地"):
            self.add(
                "organisation.in_district", "eq", True, m.start(), m.end(), preference=not hospital
            )
        hard = bool(re.search(r"企业来|找.{0,6}(?:做|的)(?:企业|公司)|承接", t))
        self._sectors("organisation.sectors", hard=hard)

    def read_investor(self, t: str, lead: bool) -> None:
        instruments = [(c, s, e) for c, s, e in lexicon.find(lexicon.INSTRUMENT, t)]
        codes = [c for c, _, _ in instruments]
        chosen: str | None = None
        if (
            "debt" in codes
            and re.search(r"股权|[a-e]\+*轮|领投|跟投", t)
            and not re.search(r"贷款|授信|信用贷|借款", t)
        ):
            codes.remove("debt")
        for pick in ("grant_to_equity", "ip_pledge", "leasing", "convertible", "debt", "equity"):
            if pick in codes:
                chosen = pick
                break
        if chosen is None and re.search(r"融|投资|资金", t):
            chosen = "equity"
        if chosen:
            s, e = next(((s, e) for c, s, e in instruments if c == chosen), (0, 0))
            self.add("investor.instruments", "contains", chosen, s, e)
        if chosen == "equity":
            for code, start, end in lexicon.find(lexicon.STAGE, t):
                self.add("investor.stages", "contains", code, start, end)
                break
            if m := self.search(r"cdmo|cro(?!公司来)|cmo"):
                self.add("investor.sectors", "covers", "cro_cdmo", m.start(), m.end())
            else:
                self._sectors("investor.sectors", hard=True)
        for code, start, end in lexicon.find(lexicon.INVESTOR_KIND, t):
            if code == "bank" and chosen not in ("debt",):
                continue
            if code == "leasing" and chosen != "leasing":
                continue
            if code == "cvc" and chosen != "equity":
                continue
            self.add("investor.kind", "eq", code, start, end)
            break
        m = self.search(r"领投|牵头|主投")
        if m and not re.search(r"跟投就行|只跟投", t):
            self.add("need.round_role", "eq", "lead", m.start(), m.end())
            self.add("investor.lead_capable", "eq", True, m.start(), m.end())
        elif m := self.search(r"跟投"):
            self.add("need.round_role", "eq", "follow", m.start(), m.end())
        m = self.search(r"美元基金|美元")
        if m and not re.search(r"双币|人民币.{0,4}都|都行|都可以|优先", t):
            self.add("investor.currencies", "contains", "USD", m.start(), m.end())
        for code, start, end in lexicon.find(lexicon.REGION, t):
            self.add("investor.regions", "covers", code, start, end)
        if m := self.search(r"本地|当地|区里的?基金|本区"):
            self.add("investor.local_presence", "eq", True, m.start(), m.end())

    def read_policy(self, t: str, lead: bool) -> None:
        cats = list(lexicon.find(lexicon.POLICY_CATEGORY, t))
        if cats:
            code, start, end = cats[0]
            self.add("policy.category", "eq", code, start, end)
        for code, start, end in lexicon.find(lexicon.BENEFIT, t):
            if code in (
                "housing",
                "rent_reduction",
                "schooling",
                "voucher",
                "loan_interest",
                "grant_to_equity",
                "fast_track",
                "land",
            ):
                self.add("policy.benefits", "contains", code, start, end)
        for code, start, end in lexicon.find(lexicon.MILESTONE, t):
            self.add("policy.milestones", "contains", code, start, end)
            break
        if not cats:
            # no kind of support named: the kind its milestone or wanted benefit belongs to
            # (a milestone says more than a benefit: "进II期了，有什么补贴")
            named = [
                (lexicon.POLICY_HOME[r.value], r)
                for r in self.requirements
                if r.name in ("policy.milestones", "policy.benefits")
                and isinstance(r.value, str)
                and r.value in lexicon.POLICY_HOME
            ]
            named.sort(key=lambda pair: pair[1].name != "policy.milestones")
            if named:
                home, req = named[0]
                self.requirements.append(
                    Requirement("policy.category", "eq", home, None, req.span, req.preference)
                )
        applicants = [(c, s, e) for c, s, e in lexicon.find(lexicon.APPLICANT_TYPE, t)]
        if applicants:
            code, start, end = applicants[0]
            self.add("policy.applicant_types", "contains", code, start, end, preference=True)
        self._sectors("policy.sectors", hard=False)

    types_hint: tuple[str, ...] = ()

    def field_only(self, types: list[str]) -> None:
        """A need that states nothing about its first type but one field ("有没有专门给细胞治疗
        企业的载体", "适合小器械企业的扶持"): the field is what it asks, not a preference."""
        if not types:
            return
        lead = types[0]
        mine = [r for r in self.requirements if r.resource_type == lead]
        if any(not r.preference for r in mine):
            return
        fields = [r for r in mine if r.op == "covers" and r.name.endswith(("sectors", "_tags"))]
        if len(fields) == 1 and not _PREFERENCE.search(self.original):
            self.requirements = [
                Requirement(r.name, r.op, r.value, r.unit, r.span, False) if r is fields[0] else r
                for r in self.requirements
            ]


#: Capabilities a word suggests only with context (a bare "pk" in a product code is not PK).
_CAPABILITY_NEEDS_CONTEXT = {
    "pk_pd": r"pk|药代|药效",
    "eo_sterilization": r"环氧乙烷|eo灭菌|\beo\b",
    "cold_chain": r"冷链",
    "oem_odm": r"oem|odm|代工",
    "prototype_build": r"样机|样品试制",
    "site_management": r"crc|研究中心管理",
    "recruiting": r"猎头|招聘|人才服务",
}
#: Capabilities that belong to one service category (kept only when that category is asked).
_CAPABILITY_CATEGORY = {
    "export_channel": "market_access",
    "ind_filing": "registration",
    "nda_filing": "registration",
    "hospital_access": "market_access",
    "cold_chain": "cold_chain",
    "site_management": "smo",
    "fa_advisory": "finance",
    "ip_pledge_loan": "finance",
    "loan_guarantee": "finance",
}


def understand(text: str, category: str | None = None) -> ParsedNeed:
    """Read a need (see the module docstring). Never raises on any text."""
    reader = _Reader(text or "", category if category in CATEGORY_TYPES else None)
    types = reader.types()
    reader.types_hint = tuple(types)
    reader.read_quantities(types)
    reader.categorical(types)
    reader.unknown_units()
    reader.field_only(types)
    order = {tp: i for i, tp in enumerate(types)}
    reqs = [r for r in reader.requirements if r.resource_type in order or r.resource_type == "need"]
    return ParsedNeed(reader.original, category, types, reqs, reader.unread)
