"""Turn extracted facts into lead suggestions for the investment pipeline.

Rules (each lead cites its article and the sentence it rests on):

* ``expansion_elsewhere`` – a company in our target chain (a keyword from
  ``target_chain_keywords`` appears in its name, the signing's fields or the signing sentence)
  signs or builds in another region: it is expanding and may also consider us;
* ``new_fund`` – a fund is set up or signed in our sectors: a capital partner for our projects;
* ``competitor_promotion`` – another region holds a promotion event or a signing round in our
  sectors: competitive intelligence (lower priority, no company to call).

Nothing here calls the register: linking is done separately by ``linking``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import places
from .records import Extraction, Signing


@dataclass(frozen=True)
class Lead:
    """A suggested lead (or intelligence item) with its evidence."""

    kind: str  # expansion_elsewhere | new_fund | competitor_promotion
    organisation: str | None
    title: str
    reason: str
    priority: int  # 1 high … 3 low
    source: str
    published: str | None
    evidence: str
    keywords: tuple[str, ...] = ()


_FIRM_KINDS = {"company"}
_PLACE_SUFFIX = re.compile(r"(省|市|区|县|新区|高新区|经开区|开发区|园区)$")


def _is_place_or_gov(name: str, kinds: dict[str, str]) -> bool:
    if kinds.get(name) in ("government", "platform", "university", "hospital", "association"):
        return True
    if places.lookup(name) is not None:
        return True
    return bool(_PLACE_SUFFIX.search(name)) or name.endswith(("管委会", "政府", "局"))


def _matches(text: str, keywords: Sequence[str]) -> tuple[str, ...]:
    return tuple(k for k in keywords if k and k in text)


def _in_home(texts: Sequence[str | None], home_region: str) -> bool:
    home = home_region.strip()
    if not home:
        return False
    short = re.sub(r"(市|区|县)$", "", home)
    return any(t and (home in t or (len(short) >= 2 and short in t)) for t in texts)


def _where(ex: Extraction, sg: Signing, kinds: dict[str, str]) -> str:
    for p in sg.parties:
        if _is_place_or_gov(p, kinds):
            return p
    if ex.events:
        e = ex.events[0]
        return e.district or e.city or "外地"
    return "外地"


_FUND_VERB = re.compile(r"设立|成立|组建|发起|签约设立|揭牌")


def _fund_name(sentence: str) -> str | None:
    """The name of a fund being set up in this clause ("…发起设立康复器械早期基金")."""
    from .orgs import _left_edge

    for clause in re.split(r"[,;:]", sentence):
        if not _FUND_VERB.search(clause):
            continue
        for m in re.finditer(r"基金", clause):
            if clause[m.end() : m.end() + 3].startswith(("管理", "将", "投向")):
                continue
            start = _left_edge(clause, m.start(), max(0, m.start() - 24))
            name = clause[start : m.end()]
            name = re.sub(r"^.*?(?:组建|设立|成立|发起)", "", name)
            name = re.sub(r"^[万亿]*元", "", name)
            if len(name) >= 4:
                return name
    return None


def derive_leads(
    extraction: Extraction, target_chain_keywords: Sequence[str], home_region: str
) -> list[Lead]:
    """Lead suggestions from one article's extraction.

    ``target_chain_keywords``: words for our chain nodes (e.g. "医疗器械", "体外诊断", "CRO").
    ``home_region``: our own district or city (e.g. "滨江区"); facts located there are not
    "elsewhere" and produce no expansion lead.
    """
    if extraction.error is not None:
        return []
    kinds = {o.name: o.kind for o in extraction.organisations}
    leads: list[Lead] = []
    seen: set[tuple[str, str | None]] = set()
    event = extraction.events[0] if extraction.events else None
    for sg in extraction.signings:
        where = _where(extraction, sg, kinds)
        here: list[str | None] = [where]
        if event is not None:
            here += [event.district, event.city]
        if _in_home(here, home_region):
            continue
        basis = " ".join([sg.sentence, " ".join(sg.fields)])
        for party in sg.parties:
            if _is_place_or_gov(party, kinds):
                continue
            kw = _matches(party + " " + basis, target_chain_keywords)
            if not kw:
                continue
            key = ("expansion_elsewhere", party)
            if key in seen:
                continue
            seen.add(key)
            amount = f"，金额约{sg.amount_yuan / 1e8:g}亿元" if sg.amount_yuan else ""
            leads.append(
                Lead(
                    kind="expansion_elsewhere",
                    organisation=party,
                    title=f"{party}在{where}签约{amount}",
                    reason=f"目标产业链企业（{'、'.join(kw)}）在外地签约或投资，存在扩张意向，可主动接洽",
                    priority=1,
                    source=extraction.source,
                    published=extraction.published,
                    evidence=sg.sentence,
                    keywords=kw,
                )
            )
    # funds
    for sentence in re.split(r"(?<=[。!?])", extraction.text):
        fund = _fund_name(sentence)
        if fund is None:
            continue
        kw = _matches(sentence, target_chain_keywords)
        if not kw:
            continue
        key = ("new_fund", fund)
        if key in seen:
            continue
        seen.add(key)
        leads.append(
            Lead(
                kind="new_fund",
                organisation=fund,
                title=f"新基金：{fund or '（未具名）'}",
                reason=f"新设基金投向我方产业（{'、'.join(kw)}），可对接项目融资或联合招商",
                priority=2,
                source=extraction.source,
                published=extraction.published,
                evidence=sentence.strip(),
                keywords=kw,
            )
        )
    # competitor activity
    if event is not None and event.kind in ("promotion", "signing", "matchmaking"):
        region = event.hosts[0] if event.hosts else None
        if not _in_home([event.sentence], home_region):
            kw = _matches(event.sentence + extraction.title, target_chain_keywords)
            if kw:
                leads.append(
                    Lead(
                        kind="competitor_promotion",
                        organisation=region,
                        title=f"竞争地区活动：{extraction.title or event.sentence[:30]}",
                        reason="其他地区在我方产业领域开展招商推介或集中签约，供竞争分析参考",
                        priority=3,
                        source=extraction.source,
                        published=extraction.published,
                        evidence=event.sentence,
                        keywords=kw,
                    )
                )
    return leads
