"""Score extraction output against labelled articles (the shape of ``corpus/labels.json``).

Gold article: ``{"source", "organisations": [{"name", "aliases"}], "neutral": [...],
"money": [{"amount", "currency", "qualifier"}], "signings": [{"parties", "amount_yuan",
"project_count"}], "events": [{"date", "city", "district"}], "metrics": [{"value", "unit"}],
"traps": [names or numbers found only in boilerplate]}``.  Predictions follow the output contract
of ``cli.py``.

Matching
* names: after NFKC, lower-casing and removing spaces and quotes, a prediction matches a gold
  name or alias when equal, or (lenient) when one contains the other and the shorter is at least
  60% of the longer.  Predictions matching a ``neutral`` name are ignored.  Each gold
  organisation counts once however many predictions hit it.
* money: same currency, value within 0.5%; per article de-duplicated.
* signings: gold and predicted records are paired best-first by (shared parties + 2 × amount
  agreement + count agreement); a pair needs a positive score.  Parties, amounts and counts are
  then scored inside the pairs.
* events: the set of non-null dates; cities compared without 市/区/县 suffixes, a gold event's
  district also accepted.
* traps: any predicted organisation, party, money value or signing amount matching a trap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_STRIP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉【】]")
_TOL = 0.005


@dataclass
class Counts:
    """True positives, false positives, false negatives, with precision/recall/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float:
        d = self.tp + self.fp
        return self.tp / d if d else (1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        d = self.tp + self.fn
        return self.tp / d if d else (1.0 if self.fp == 0 else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "P": round(self.precision, 4),
            "R": round(self.recall, 4),
            "F1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


FIELDS = (
    "organisations",
    "money",
    "signing_records",
    "signing_parties",
    "signing_amounts",
    "signing_project_counts",
    "event_dates",
    "event_cities",
    "metrics",
)


@dataclass
class Report:
    """Scores over a set of articles plus per-article error lines (in English, for developers)."""

    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    trap_violations: int = 0
    documents: int = 0
    missing_predictions: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def f1(self, name: str) -> float:
        return self.counts[name].f1

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v.as_dict() for k, v in self.counts.items()}
        out["trap_violations"] = self.trap_violations
        out["documents"] = self.documents
        out["missing_predictions"] = list(self.missing_predictions)
        return out


def norm(name: object) -> str:
    """Normalise a name for comparison."""
    if not isinstance(name, str):
        return ""
    return _STRIP.sub("", unicodedata.normalize("NFKC", name)).lower()


def name_match(pred: str, gold: str, lenient: bool = True) -> bool:
    """Equality, or containment with the shorter at least 60% of the longer."""
    if not pred or not gold:
        return False
    if pred == gold:
        return True
    if not lenient:
        return False
    short, long_ = (pred, gold) if len(pred) <= len(gold) else (gold, pred)
    return short in long_ and len(short) >= 0.6 * len(long_)


def _any_match(pred: str, variants: Iterable[str]) -> bool:
    return any(name_match(pred, v) for v in variants)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL * max(abs(a), abs(b))


def _num(x: object) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float):
        return float(x)
    try:
        return float(str(x).replace(",", ""))
    except ValueError:
        return None


def _city(x: object) -> str:
    c = norm(x)
    for suf in ("特别行政区", "自治州", "地区", "市", "区", "县"):
        if c.endswith(suf) and len(c) > len(suf) + 1:
            return c[: -len(suf)]
    return c


def _stem(source: str) -> str:
    base = source.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4] if base.endswith(".txt") else base


class _Doc:
    def __init__(self, gold: Mapping[str, Any]) -> None:
        self.gold = gold
        self.orgs: list[tuple[str, list[str]]] = []
        for o in gold.get("organisations", []):
            self.orgs.append(
                (o["name"], [norm(o["name"])] + [norm(a) for a in o.get("aliases", [])])
            )
        self.variants = {n: v for n, v in self.orgs}
        self.neutral = [norm(n) for n in gold.get("neutral", [])]
        traps = gold.get("traps", [])
        self.trap_names = [norm(t) for t in traps if isinstance(t, str)]
        self.trap_values = [
            float(t) for t in traps if _num(t) is not None and not isinstance(t, str)
        ]

    def neutral_hit(self, p: str) -> bool:
        return _any_match(p, self.neutral)

    def trap_name(self, p: str) -> bool:
        return _any_match(p, self.trap_names)

    def trap_value(self, v: float) -> bool:
        return any(_close(v, t) for t in self.trap_values)

    def party_variants(self, party: str) -> list[str]:
        return self.variants.get(party, [norm(party)])


def _score_orgs(doc: _Doc, preds: Sequence[Any], rep: Report, errs: list[str]) -> None:
    names: list[str] = []
    for o in preds:
        n = norm(o.get("name") if isinstance(o, dict) else o)
        if n and n not in names:
            names.append(n)
    hit: set[int] = set()
    fp = 0
    for p in names:
        matches = [i for i, (_, v) in enumerate(doc.orgs) if _any_match(p, v)]
        if matches:
            fresh = [i for i in matches if i not in hit]
            hit.add((fresh or matches)[0])
            continue
        if doc.neutral_hit(p):
            continue
        fp += 1
        errs.append(f"ORG FP {p}")
        if doc.trap_name(p):
            rep.trap_violations += 1
            errs.append(f"TRAP organisation {p}")
    fn = len(doc.orgs) - len(hit)
    errs += [f"ORG FN {doc.orgs[i][0]}" for i in range(len(doc.orgs)) if i not in hit]
    rep.counts["organisations"].add(len(hit), fp, fn)


def _money_list(items: Sequence[Any]) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for m in items:
        if not isinstance(m, dict):
            continue
        cur = str(m.get("currency") or "CNY").upper()
        v = _num(m.get("amount"))
        if v is None and cur == "CNY":
            v = _num(m.get("amount_yuan"))
        if v is None:
            continue
        if not any(c == cur and _close(v, x) for x, c in out):
            out.append((v, cur))
    return out


def _score_money(doc: _Doc, preds: Sequence[Any], rep: Report, errs: list[str]) -> None:
    gold = _money_list(doc.gold.get("money", []))
    used: set[int] = set()
    tp = fp = 0
    for v, c in _money_list(preds):
        k = next(
            (i for i, (gv, gc) in enumerate(gold) if i not in used and gc == c and _close(v, gv)),
            None,
        )
        if k is None:
            fp += 1
            errs.append(f"MONEY FP {v:g} {c}")
            if doc.trap_value(v):
                rep.trap_violations += 1
                errs.append(f"TRAP money {v:g}")
        else:
            used.add(k)
            tp += 1
    errs += [f"MONEY FN {gold[i][0]:g} {gold[i][1]}" for i in range(len(gold)) if i not in used]
    rep.counts["money"].add(tp, fp, len(gold) - len(used))


def _party_hits(doc: _Doc, gold_parties: Sequence[str], pred_parties: Sequence[str]) -> set[int]:
    """Indices of predicted parties matched one-to-one to gold parties."""
    used: set[int] = set()
    for gp in gold_parties:
        variants = doc.party_variants(gp)
        for j, pp in enumerate(pred_parties):
            if j not in used and _any_match(pp, variants):
                used.add(j)
                break
    return used


def _score_signings(doc: _Doc, preds: Sequence[Any], rep: Report, errs: list[str]) -> None:
    gold = list(doc.gold.get("signings", []))
    pred: list[tuple[list[str], float | None, int | None]] = []
    for s in preds:
        if not isinstance(s, dict):
            continue
        parties: list[str] = []
        for p in s.get("parties") or []:
            n = norm(p)
            if n and n not in parties:
                parties.append(n)
        cnt = _num(s.get("project_count"))
        pred.append((parties, _num(s.get("amount_yuan")), int(cnt) if cnt is not None else None))
    scored: list[tuple[int, int, int]] = []
    for i, g in enumerate(gold):
        for j, (parties, amount, count) in enumerate(pred):
            sc = len(_party_hits(doc, g["parties"], parties))
            ga, gc = g.get("amount_yuan"), g.get("project_count")
            if ga is not None and amount is not None and _close(float(ga), amount):
                sc += 2
            if gc is not None and count is not None and gc == count:
                sc += 1
            if sc > 0:
                scored.append((sc, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    pair_g: dict[int, int] = {}
    pair_p: dict[int, int] = {}
    for _, i, j in scored:
        if i not in pair_g and j not in pair_p:
            pair_g[i], pair_p[j] = j, i
    rec = rep.counts["signing_records"]
    rec.add(len(pair_g), len(pred) - len(pair_p), len(gold) - len(pair_g))
    par = rep.counts["signing_parties"]
    amt = rep.counts["signing_amounts"]
    cnt_c = rep.counts["signing_project_counts"]
    for i, g in enumerate(gold):
        if i not in pair_g:
            errs.append("SIGNING FN " + "/".join(g["parties"]))
            par.add(0, 0, len(g["parties"]))
            if g.get("amount_yuan") is not None:
                amt.add(0, 0, 1)
            if g.get("project_count") is not None:
                cnt_c.add(0, 0, 1)
            continue
        parties, amount, count = pred[pair_g[i]]
        hits = _party_hits(doc, g["parties"], parties)
        extra = [p for k, p in enumerate(parties) if k not in hits and not doc.neutral_hit(p)]
        par.add(len(hits), len(extra), len(g["parties"]) - len(hits))
        for p in extra:
            errs.append(f"PARTY FP {p}")
            if doc.trap_name(p):
                rep.trap_violations += 1
        ga, gc = g.get("amount_yuan"), g.get("project_count")
        if ga is not None or amount is not None:
            ok = ga is not None and amount is not None and _close(float(ga), amount)
            amt.add(int(ok), int(amount is not None and not ok), int(ga is not None and not ok))
            if not ok:
                errs.append(f"SIGNING AMOUNT gold {ga} predicted {amount}")
        if gc is not None or count is not None:
            ok = gc is not None and count is not None and gc == count
            cnt_c.add(int(ok), int(count is not None and not ok), int(gc is not None and not ok))
            if not ok:
                errs.append(f"SIGNING COUNT gold {gc} predicted {count}")
    for j, (parties, amount, count) in enumerate(pred):
        if j in pair_p:
            continue
        errs.append("SIGNING FP " + "/".join(parties))
        bad = [p for p in parties if not doc.neutral_hit(p)]
        par.add(0, len(bad), 0)
        for p in bad:
            if doc.trap_name(p):
                rep.trap_violations += 1
        if amount is not None:
            amt.add(0, 1, 0)
            if doc.trap_value(amount):
                rep.trap_violations += 1
        if count is not None:
            cnt_c.add(0, 1, 0)


def _score_events(doc: _Doc, preds: Sequence[Any], rep: Report, errs: list[str]) -> None:
    gdates = {str(e["date"]) for e in doc.gold.get("events", []) if e.get("date")}
    pdates = {str(e["date"]) for e in preds if isinstance(e, dict) and e.get("date")}
    rep.counts["event_dates"].add(len(gdates & pdates), len(pdates - gdates), len(gdates - pdates))
    errs += [f"DATE FP {d}" for d in sorted(pdates - gdates)]
    errs += [f"DATE FN {d}" for d in sorted(gdates - pdates)]
    gcities = [
        [_city(x) for x in (e.get("city"), e.get("district")) if x]
        for e in doc.gold.get("events", [])
    ]
    gcities = [g for g in gcities if g]
    pcities: list[str] = []
    for e in preds:
        if isinstance(e, dict) and e.get("city") and _city(e["city"]) not in pcities:
            pcities.append(_city(e["city"]))
    used: set[int] = set()
    for variants in gcities:
        k = next(
            (k for k, c in enumerate(pcities) if k not in used and _any_match(c, variants)), None
        )
        if k is not None:
            used.add(k)
    rep.counts["event_cities"].add(len(used), len(pcities) - len(used), len(gcities) - len(used))


def _score_metrics(doc: _Doc, preds: Sequence[Any], rep: Report) -> None:
    gold = [(float(m["value"]), str(m["unit"])) for m in doc.gold.get("metrics", [])]
    used: set[int] = set()
    tp = fp = 0
    for m in preds:
        if not isinstance(m, dict):
            continue
        v = _num(m.get("value"))
        if v is None:
            continue
        k = next(
            (
                i
                for i, (gv, gu) in enumerate(gold)
                if i not in used and gu == m.get("unit") and _close(v, gv)
            ),
            None,
        )
        if k is None:
            fp += 1
        else:
            used.add(k)
            tp += 1
    rep.counts["metrics"].add(tp, fp, len(gold) - len(used))


def score(gold: Sequence[Mapping[str, Any]], predictions: Sequence[Mapping[str, Any]]) -> Report:
    """Score ``predictions`` (contract objects) against ``gold`` (labels) article by article."""
    by_source = {_stem(str(p.get("source", ""))): p for p in predictions}
    rep = Report()
    for g in gold:
        key = _stem(str(g["source"]))
        doc = _Doc(g)
        pred = by_source.get(key)
        if pred is None:
            rep.missing_predictions.append(key)
            pred = {}
        errs: list[str] = []
        _score_orgs(doc, pred.get("organisations") or [], rep, errs)
        _score_money(doc, pred.get("money") or [], rep, errs)
        _score_signings(doc, pred.get("signings") or [], rep, errs)
        _score_events(doc, pred.get("events") or [], rep, errs)
        _score_metrics(doc, pred.get("metrics") or [], rep)
        rep.documents += 1
        if errs:
            rep.errors[key] = errs
    return rep


# ------------------------------------------------------------------------------ link precision
@dataclass
class LinkReport:
    """Links accepted by :func:`.linking.link_organisations` judged against the labels."""

    accepted: int = 0
    correct: int = 0
    decoy: int = 0  # links to another place's body of the same kind (never right)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.accepted if self.accepted else 1.0


def decoy_register(gold: Sequence[Mapping[str, Any]]) -> list[Any]:
    """A register to link against: half of the labelled organisations of the articles (names
    and aliases; a register never knows everybody), plus, for every one that opens with a
    place, the same name under another place (the bureau of another district, the centre of
    another city): those decoys are what a guessing linker would take."""
    from . import places
    from .linking import RegisterEntry, region_of

    entries: list[RegisterEntry] = []
    seen: set[str] = set()
    real = {str(o["name"]) for g in gold for o in g.get("organisations", [])}
    gaz = places.gazetteer()
    districts = sorted(k for k, v in gaz.items() if v.district and k == v.district)
    cities = sorted(k for k, v in gaz.items() if v.district is None and v.city and k.endswith("市"))
    for g in gold:
        for o in g.get("organisations", []):
            name = str(o["name"])
            if name in seen:
                continue
            seen.add(name)
            if sum(map(ord, name)) % 2 == 0:
                entries.append(
                    RegisterEntry(f"g:{name}", name, aliases=tuple(o.get("aliases", [])))
                )
            region = region_of(name)
            if region is None:
                continue
            prefix = places.prefix_location(name)
            if prefix is None:
                continue
            pool = districts if region.endswith(("区", "县")) else cities
            other = pool[(len(name) * 7919 + sum(map(ord, name))) % len(pool)]
            if other == region or other.startswith(region):
                continue
            decoy = other + name[len(prefix.text) :]
            if decoy not in seen and decoy not in real:
                seen.add(decoy)
                entries.append(RegisterEntry(f"d:{decoy}", decoy))
    return entries


def link_precision(
    gold: Sequence[Mapping[str, Any]],
    predictions: Sequence[Mapping[str, Any]],
    register: Sequence[Any],
) -> LinkReport:
    """Link every predicted organisation and signing party to ``register`` and judge each
    accepted link: right when the entry is the labelled organisation the name stands for (or
    bears the very name), wrong otherwise; links to decoys are counted apart."""
    from .linking import link_organisations

    by_id = {e.id: e for e in register}
    rep = LinkReport()
    preds = {_stem(str(p.get("source", ""))): p for p in predictions}
    for g in gold:
        p = preds.get(_stem(str(g.get("source", ""))))
        if p is None or "error" in p:
            continue
        names = [str(o.get("name")) for o in p.get("organisations", [])]
        names += [str(x) for s in p.get("signings", []) for x in s.get("parties", [])]
        names = list(dict.fromkeys(n for n in names if n))
        golds = [
            (str(o["name"]), [str(o["name"]), *map(str, o.get("aliases", []))])
            for o in g.get("organisations", [])
        ]
        for res in link_organisations(names, register):
            if res.entry_id is None:
                continue
            rep.accepted += 1
            entry = by_id[res.entry_id]
            said = norm(res.mention)
            meant = [g_ for g_, variants in golds if _any_match(said, [norm(v) for v in variants])]
            ok = entry.id.startswith("g:") and (
                entry.name in meant
                or _any_match(said, [norm(v) for v in (entry.name, *entry.aliases)])
            )
            if ok:
                rep.correct += 1
            else:
                rep.decoy += entry.id.startswith("d:")
                rep.wrong.append(f"{g.get('source')}: {res.mention} → {entry.name} ({res.method})")
    return rep
