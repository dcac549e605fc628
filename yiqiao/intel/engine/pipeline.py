"""The extraction pipeline: bytes or text in, :class:`Extraction` out.

``extract_article`` never raises on bad input: empty, binary or undecodable data gives an
``Extraction`` whose ``error`` explains the problem in Chinese.
"""

from __future__ import annotations

import re

from . import clean, dates, facts, orgs, places
from .money import dedupe, find_money
from .records import Extraction, Location, Organisation
from .textio import DecodeError, decode_bytes, html_main_text, html_to_lines, looks_like_html

MAX_CHARS = 200_000  # huge pages are cut; news bodies are far shorter


def _body_lines(text: str) -> tuple[str, str]:
    """Split the cleaned text into (title/dateline lines, body used for facts)."""
    lines = text.split("\n")
    title_lines: list[str] = []
    k = 0
    while k < len(lines) and k < 6:
        ln = lines[k]
        if "。" in ln or (len(ln) >= 60 and "," in ln):
            break
        title_lines.append(ln)
        k += 1
    return "\n".join(title_lines), "\n".join(lines[k:])


def extract_text(raw: str, source: str = "", *, use_lac: bool = True) -> Extraction:
    """Run cleaning and extraction on decoded text (plain text or an HTML page)."""
    html_head = ""
    html_date: str | None = None
    title = ""
    if len(raw) > MAX_CHARS:
        raw = raw[:MAX_CHARS]
    if looks_like_html(raw):
        main = html_main_text(raw)
        html_head = clean.normalise(html_to_lines(raw))[:1500]
        html_date = main.date
        title = main.title
        raw = (
            main.title + "\n" if main.title and main.title not in main.text[:200] else ""
        ) + main.text
    cleaned = clean.clean_text(raw)
    if title:
        title = clean.strip_pinyin(title)
        title = clean.normalise(clean.to_simplified(title) if cleaned.traditional else title)
    published = dates.publication_date(cleaned.head)
    if published is None and html_head:
        published = dates.publication_date(html_head, max_lines=40)
        if published is None and html_date:
            published = dates.publication_date(html_date)
    dl_month = dates.dateline_month(cleaned.head)
    title_block, body = _body_lines(cleaned.text)
    if not title:
        title = title_block.split("\n")[0] if title_block else ""
    sents = facts.sentences(body)

    # organisations
    cands = orgs.suffix_candidates(body)
    cands += orgs.confirmed_candidates(body)
    for s in sents:
        if "、" in s.text:
            cands += orgs.enumeration_candidates(s.text, s.start, cands)
    if use_lac:
        # LAC is the slowest step (~0.2 ms per character): only the part of a signing sentence
        # that names the parties (up to the last signing verb, at most 120 characters)
        for s in sents:
            verbs = list(facts._SIGN_VERB.finditer(s.text))
            if not verbs or "与" not in s.text and "、" not in s.text:
                continue
            end = verbs[-1].start()
            begin = max(0, end - 120)
            if end - begin >= 4:
                cands += orgs.lac_candidates(s.text[begin:end], s.start + begin)
    organisations = orgs.to_organisations(cands)

    money = dedupe(find_money(body))
    host = facts.region_in(title) if title else None
    host_region = host[0] if host else None
    events = facts.extract_events(sents, published, dl_month, title)
    if host_region is None and events and events[0].district:
        host_region = events[0].district
    signings = facts.extract_signings(sents, host_region)
    # signing parties that are not places are organisations too
    known = {o.name for o in organisations}
    extra: list[Organisation] = []
    for sg in signings:
        if len(sg.parties) < 2:
            continue  # a lone party is the host region found by fallback, not a named firm
        for p in sg.parties:
            if (
                p in known
                or places.lookup(p) is not None
                or facts.region_in(p) is not None
                and re.search(r"(区|县|市)$", p)
            ):
                continue
            if any(p in k or k in p for k in known):
                continue
            known.add(p)
            extra.append(Organisation(p, orgs._kind_for(p), "signing", "签约主体"))
    metrics = facts.extract_metrics(sents, money)
    locs: list[Location] = []
    for e in events:
        if e.city:
            locs.append(Location(e.venue or e.city, None, e.city, e.district))
    return Extraction(
        source=source,
        published=published,
        traditional=cleaned.traditional,
        organisations=tuple(organisations + extra),
        money=tuple(money),
        signings=tuple(signings),
        events=tuple(events),
        metrics=tuple(metrics),
        locations=tuple(locs),
        text=cleaned.text,
        removed=cleaned.removed,
        title=title,
    )


def extract_bytes(data: bytes, source: str = "", *, use_lac: bool = True) -> Extraction:
    """Decode bytes (UTF-8, GBK/GB18030, Big5; binary refused) and extract."""
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        return Extraction(source=source, published=None, traditional=False, error=str(exc))
    return extract_text(decoded.text, source, use_lac=use_lac)


def extract_article(data: bytes | str, source: str = "", *, use_lac: bool = True) -> Extraction:
    """Entry point: an article as bytes (file content) or str (pasted text) → :class:`Extraction`."""
    try:
        if isinstance(data, bytes):
            return extract_bytes(data, source, use_lac=use_lac)
        if not data.strip():
            return Extraction(source=source, published=None, traditional=False, error="文本为空")
        return extract_text(data, source, use_lac=use_lac)
    except (ValueError, LookupError, MemoryError, RecursionError) as exc:
        # a defect in a rule must not take a whole batch down: report it on this article
        return Extraction(
            source=source,
            published=None,
            traditional=False,
            error=f"处理失败（{type(exc).__name__}）",
        )
