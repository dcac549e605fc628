"""Frozen dataclasses exchanged by the news-intelligence engine.

Everything here is plain data: no Django, no I/O.  ``to_json`` helpers give the exact shape of
the ``yiqiao intel extract --jsonl`` output contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Organisation:
    """An organisation named in the article body (Simplified Chinese)."""

    name: str
    kind: str  # company | government | university | hospital | research | association | platform
    source: str = "rule"  # rule | list | lac | dictionary
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class Money:
    """A money amount. ``amount`` is in units of ``currency``; ``amount_yuan`` only for CNY."""

    amount: float
    currency: str  # ISO code: CNY, USD, EUR, HKD, JPY, GBP
    qualifier: str  # exact | approx | over
    text: str
    start: int = 0

    @property
    def amount_yuan(self) -> float | None:
        return self.amount if self.currency == "CNY" else None

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": _num(self.amount),
            "currency": self.currency,
            "qualifier": self.qualifier,
            "text": self.text,
            "amount_yuan": _num(self.amount) if self.currency == "CNY" else None,
        }


@dataclass(frozen=True)
class Signing:
    """One signing record: who signed, for how much, how many projects, in which fields."""

    parties: tuple[str, ...]
    amount_yuan: float | None
    project_count: int | None
    fields: tuple[str, ...] = ()
    amount: Money | None = None
    sentence: str = ""
    reason: str = ""
    position: int = 0  # offset of its first sentence in the body
    event: int | None = None  # index of the event (gathering) it took place at

    def to_json(self) -> dict[str, Any]:
        return {
            "parties": list(self.parties),
            "amount_yuan": _num(self.amount_yuan) if self.amount_yuan is not None else None,
            "project_count": self.project_count,
            "fields": list(self.fields),
            "event": f"e{self.event + 1}" if self.event is not None else None,
        }


@dataclass(frozen=True)
class Event:
    """A promotion event, signing ceremony, conference or similar gathering."""

    kind: str
    date: str | None
    city: str | None
    district: str | None
    venue: str | None
    hosts: tuple[str, ...] = ()
    theme: str | None = None
    attendance: int | None = None
    sentence: str = ""
    position: int = 0  # offset of its sentence in the body: signings after it belong to it
    index: int = 0  # its place among the article's events (id "e1", "e2" …)
    signings: tuple[int, ...] = ()  # indexes of the signing records made at it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": f"e{self.index + 1}",
            "kind": self.kind,
            "date": self.date,
            "city": self.city,
            "district": self.district,
            "venue": self.venue,
            "hosts": list(self.hosts),
            "theme": self.theme,
            "attendance": self.attendance,
            "signings": list(self.signings),
        }


_QUALIFIER_MARK = {"over": "余", "approx": "约", "under": "近"}


def format_quantity(value: float, unit: str, qualifier: str = "exact") -> str:
    """A quantity as a reader writes it, never in scientific notation.

    16100000000 元 → 161亿元; 60 家 over → 60余家; 300000 平方米 → 30万平方米; 9.2 % → 9.2%.
    """
    scaled, mul = float(value), ""
    if abs(scaled) >= 1e8 and unit in ("元", "平方米", "人", "美元"):
        scaled, mul = scaled / 1e8, "亿"
    elif abs(scaled) >= 1e4 and unit in ("元", "平方米", "人", "美元"):
        scaled, mul = scaled / 1e4, "万"
    number = f"{scaled:,.4f}".rstrip("0").rstrip(".").replace(",", "")
    if qualifier == "over":
        return f"{number}{mul}余{unit}" if mul or unit != "%" else f"超{number}{unit}"
    if qualifier == "approx":
        return f"约{number}{mul}{unit}"
    if qualifier == "under":
        return f"近{number}{mul}{unit}"
    return f"{number}{mul}{unit}"


@dataclass(frozen=True)
class Metric:
    """A counted or measured quantity (5,300 enterprises, 16.1 billion yuan, +9.2%).

    ``qualifier``: exact | approx (约, 左右) | over (余, 多, 超, 逾, 以上: at least) |
    under (近, 不到: at most).
    """

    value: float
    unit: str
    subject: str
    qualifier: str = "exact"

    @property
    def label(self) -> str:
        """The subject and the quantity as one readable phrase (60余家, 161亿元)."""
        q = format_quantity(self.value, self.unit, self.qualifier)
        return f"{self.subject} {q}".strip()

    def to_json(self) -> dict[str, Any]:
        return {
            "value": _num(self.value),
            "unit": self.unit,
            "subject": self.subject,
            "qualifier": self.qualifier,
        }


@dataclass(frozen=True)
class Location:
    """A place normalised to province / city / district (any may be missing)."""

    text: str
    province: str | None
    city: str | None
    district: str | None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article, plus the cleaned text it came from."""

    source: str
    published: str | None
    traditional: bool
    organisations: tuple[Organisation, ...] = ()
    money: tuple[Money, ...] = ()
    signings: tuple[Signing, ...] = ()
    events: tuple[Event, ...] = ()
    metrics: tuple[Metric, ...] = ()
    locations: tuple[Location, ...] = ()
    text: str = ""
    removed: tuple[str, ...] = ()
    title: str = ""
    error: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The exact JSON object of the output contract (one per input file)."""
        if self.error is not None:
            return {"source": self.source, "error": self.error}
        return {
            "source": self.source,
            "published": self.published,
            "traditional": self.traditional,
            "organisations": [o.to_json() for o in self.organisations],
            "money": [m.to_json() for m in self.money],
            "signings": [s.to_json() for s in self.signings],
            "events": [e.to_json() for e in self.events],
            "metrics": [m.to_json() for m in self.metrics],
            "notes": list(self.notes),
        }


def _num(x: float) -> int | float:
    """Integral floats print as ints (16100000000, not 16100000000.0)."""
    if float(x).is_integer():
        return int(x)
    return round(float(x), 6)
