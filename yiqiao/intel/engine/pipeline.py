"""The extraction pipeline: bytes or text in, :class:`Extraction` out.

``extract_article`` reports bad input (empty, binary or undecodable data) as an ``Extraction``
whose ``error`` explains the problem in Chinese; it does not hide its own defects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import candidates, clean, dates, facts, labeller, orgs, places
from . import signings as sign
from .money import dedupe, find_money, local_currency
from .records import Event, Extraction, Location, Organisation, Signing
from .textio import DecodeError, decode_bytes, html_main_text, html_to_lines, looks_like_html

MAX_CHARS = 200_000  # plain text is cut here; news bodies are far shorter
MAX_HTML_CHARS = 1_000_000  # HTML pages up to this size go whole to the main-text extractor


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


_META = re.compile(
    r"来源|发布|作者|编辑|记者|浏览|点击|字号|字体|时间|\d{4}[-/.年]\d{1,2}|\||>|第\S{1,3}版"
)


def _headline(head: str) -> str:
    """The article's headline among the head lines: the longest line that is neither a meta line
    (source, date, byline) nor a menu (many short items)."""
    best = ""
    for line in head.split("\n"):
        s = line.strip()
        if len(s) < 6 or len(s) > 80 or _META.search(s) or s.count(" ") >= 3 or "。" in s:
            continue
        if len(_HAN.findall(s)) < 5:
            continue
        if len(s) > len(best):
            best = s
    return best


@dataclass(frozen=True)
class Prepared:
    """Decoded text after HTML extraction and cleaning, split into head and body."""

    cleaned: clean.Cleaned
    title: str
    published: str | None
    dateline_month: int | None
    body: str
    notes: tuple[str, ...] = ()


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def prepare_text(raw: str) -> Prepared:
    """HTML → main text, pinyin/Traditional/boilerplate cleaning, publication date, body."""
    html_head = ""
    html_date: str | None = None
    title = ""
    notes: list[str] = []
    is_html = looks_like_html(raw)
    limit = MAX_HTML_CHARS if is_html else MAX_CHARS
    if len(raw) > limit:
        notes.append(f"内容过长（{len(raw)} 字符），只处理了前 {limit} 字符")
        raw = raw[:limit]
    if is_html:
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
    if published is None:
        published = dates.publication_date(cleaned.top, max_lines=12)
    if published is None and html_head:
        published = dates.publication_date(html_head, max_lines=40)
        if published is None and html_date:
            published = dates.publication_date(html_date)
    dl_month = dates.dateline_month(cleaned.head)
    title_block, body = _body_lines(cleaned.text)
    if not title:
        title = _headline(cleaned.head) or (title_block.split("\n")[0] if title_block else "")
    han = len(_HAN.findall(cleaned.text))
    latin = len(_LATIN.findall(raw[:20000]))
    if han < 20 and latin >= 100:
        notes.append("文章不是中文（几乎没有汉字），未抽取事实：本系统处理中文报道")
        body = ""
    elif not body.strip() and cleaned.removed:
        notes.append("页面只有导航、列表、版权等模板内容，没有正文，未抽取事实")
    elif not body.strip():
        notes.append("没有找到正文，未抽取事实")
    return Prepared(cleaned, title, published, dl_month, body, tuple(notes))


def _rule_organisations(
    body: str, sents: list[facts.Sentence], use_lac: bool
) -> list[Organisation]:
    """Organisations by suffix rules, enumerations, confirmed names and LAC (no model file)."""
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
    return orgs.to_organisations(cands)


def link_events(
    events: Sequence[Event], signings: Sequence[Signing]
) -> tuple[list[Event], list[Signing]]:
    """Number the events and tie each signing record to the gathering it was made at: the last
    event reported before the record's sentence (the first event when the record comes before
    every event), and only when the article reports any event."""
    evs = [replace(e, index=k) for k, e in enumerate(events)]
    if not evs:
        return evs, list(signings)
    out: list[Signing] = []
    members: dict[int, list[int]] = {}
    by_position = sorted(range(len(evs)), key=lambda k: evs[k].position)
    for j, sg in enumerate(signings):
        at = by_position[0]
        for k in by_position:
            if evs[k].position <= sg.position:
                at = k
        out.append(replace(sg, event=at))
        members.setdefault(at, []).append(j)
    evs = [replace(e, signings=tuple(members.get(k, []))) for k, e in enumerate(evs)]
    return evs, out


def extract_text(
    raw: str, source: str = "", *, use_lac: bool = True, use_model: bool = True
) -> Extraction:
    """Run cleaning and extraction on decoded text (plain text or an HTML page)."""
    prep = prepare_text(raw)
    cleaned, title, published, dl_month, body = (
        prep.cleaned,
        prep.title,
        prep.published,
        prep.dateline_month,
        prep.body,
    )
    sents = facts.sentences(body)

    # organisations: the trained labeller when its model is present, else the rules
    model = labeller.default() if use_model else None
    spans: list[labeller.Span] = []
    clf = candidates.default() if use_model else None
    if model is not None and clf is not None:
        spans, prob = model.analyse(body)
        cands = candidates.add_tables(body, candidates.generate(body, spans))
        feats = candidates.featurise(body, cands, prob)
        probs = [clf.probability(f) for f in feats]
        organisations = orgs.from_candidates(candidates.decide(cands, probs, candidates.THRESHOLD))
        known = {o.name for o in organisations}
        organisations += [
            o for o in orgs.to_organisations(orgs.confirmed_candidates(body)) if o.name not in known
        ]
    elif model is not None:
        spans = model.spans(body)
        organisations = orgs.from_spans(spans)
        # names an officer confirmed are found verbatim, whatever the model says
        known = {o.name for o in organisations}
        organisations += [
            o for o in orgs.to_organisations(orgs.confirmed_candidates(body)) if o.name not in known
        ]
    else:
        organisations = _rule_organisations(body, sents, use_lac)
    yuan = local_currency(body)
    money = dedupe(find_money(body, yuan))
    host = facts.region_in(title) if title else None
    host_region = host[0] if host else None
    events = facts.extract_events(sents, published, dl_month, title)
    if host_region is None and events and (events[0].district or events[0].city):
        # the district of the first event, else its city: a mass signing at a conference held
        # in 温州 that names no signatory is 温州's
        host_region = events[0].district or events[0].city
    neutral = [sp.name for sp in spans if sp.label == "NEU"]
    signings = sign.extract(
        [(x.start, x.text) for x in sents],
        [o.name for o in organisations],
        neutral,
        host_region,
        published,
        orgs.introduced_aliases(body, [o.name for o in organisations]),
        yuan,
    )
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
    events, signings = link_events(events, signings)
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
        notes=prep.notes,
    )


def extract_bytes(
    data: bytes, source: str = "", *, use_lac: bool = True, use_model: bool = True
) -> Extraction:
    """Decode bytes (UTF-8, GBK/GB18030, Big5; binary refused) and extract."""
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        return Extraction(source=source, published=None, traditional=False, error=str(exc))
    ex = extract_text(decoded.text, source, use_lac=use_lac, use_model=use_model)
    if decoded.encoding.startswith("mixed:"):
        codecs = decoded.encoding[len("mixed:") :].replace("+", "、")
        ex = replace(ex, notes=(f"文件混用多种编码（{codecs}），已逐行解码", *ex.notes))
    return ex


def extract_article(
    data: bytes | str, source: str = "", *, use_lac: bool = True, use_model: bool = True
) -> Extraction:
    """Entry point: an article as bytes (file content) or str (pasted text) → :class:`Extraction`.

    Bad input (empty, binary, undecodable) gives an ``Extraction`` whose ``error`` says why; a
    defect inside the pipeline is not caught here: it raises, and the tests see it.
    """
    if isinstance(data, bytes):
        return extract_bytes(data, source, use_lac=use_lac, use_model=use_model)
    if not data.strip():
        return Extraction(source=source, published=None, traditional=False, error="文本为空")
    return extract_text(data, source, use_lac=use_lac, use_model=use_model)
