"""Signing records as their own step: who signed with whom, for how much, how many projects.

The step reads the body sentence by sentence (and the tables in it) and works in three passes:

1. **statements** – every sentence that reports a signing (签约, 签署, 签订, 签下, 达成…协议,
   共同发起…基金, 集中落地 …) is parsed into its parties (organisations and places in the party
   slots of the clause: the subject, the 与/同/和 objects, the members of an enumeration, the
   place a project 落户), its amount (the first money figure behind an investment word: 总投资,
   签约金额, 涉及资金 …) and its project count (N个项目, 项目N个, N家企业).  A sentence that only
   names the ceremony ("会场安排了一场集中签约") opens a record without content; statistics
   (累计, 截至, 以来, earlier years) are not signings of the report;
2. **records** – one record per ceremony: a statement joins the open record when it adds no
   party of its own and no other amount (the same ceremony told twice, a detail of it), and opens
   a new record when it names other signatories, another amount, another host or another date;
   sentences without a signing verb that give the open record's missing figures ("这一批共有16个
   项目…合计金额约394亿元") or list its signatories ("签约企业包括…", a table under "如下:")
   complete it;
3. **parties** – a record whose statements name no signatory is a mass signing of the host: the
   place or park that is the subject of the sentence, the place the projects go to (落户X), or
   the host region of the article.

The functions are pure: they take the body's sentences, the organisation mentions found by the
labeller and the article's host region.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import orgs as _orgs
from . import places
from .money import find_money
from .records import Money, Signing

# ------------------------------------------------------------------------------------- lexicon
_VERB = re.compile(
    r"签约|签署|签订|签下|签定|落笔|集中落地|"
    r"达成[^,。;:]{0,12}?(?:协议|合作|意向)|"
    r"(?:共同|联合)?发起(?:设立|成立)?[^,。;:]{0,10}?基金"
)
# a signing word used as a noun: 签约仪式, 签约项目, 签约企业 …
_NOMINAL = re.compile(
    r"(?:仪式|活动|环节|现场|大会|会|企业|项目|单位|方|额|金额|总额|资金|率|客商|代表|主体|工作|的)"
)
_CEREMONY = re.compile(r"仪式|活动|大会")
# statistics, not the signing the report is about
_CUMULATIVE = re.compile(r"累计|截至|截止|以来|已累计|先后|历年|近年")
_FOUNDERS = re.compile(r"由([^。;]{4,80}?)(?:共同|联合)?(?:出资)?(?:发起|设立|组建|成立)")
_LANDS = re.compile(r"落户|落地|落子|入驻|落户到|落地到")
# where a project is signed or goes to: the place mention starts where the match ends
_PLACE_SIGNS = re.compile(r"(?<![签])在(?=[^,。;]{2,14}?(?:正式|成功|顺利)?签约)|落户到?|落地到?")
_STATS = re.compile(
    r"累计|截至|截止|以来|已引进|已落地|已有|已吸引|全年|历年|同比|产值|营收|营业收入"
)
_PERIOD_OK = re.compile(r"今年以来|年初以来|开年以来|上半年|一季度|前三季度")
_AMOUNT_KEY = re.compile(
    r"(?:总投资额?|投资总额|协议投资额?|协议总额|协议额|意向投资额?|计划投资额?|投资额|投资规模|"
    r"签约金额|签约总额|签约额|签约资金|总金额|合同金额|金额|总额|合计|总计|共计|涉及资金|涉及金额|"
    r"总规模|基金规模|规模|计划总投资|预计总投资|拟投资|投资)"
    r"(?:为|达|约|近|超过?|逾|共|合计|总计)?[^,。;:\d]{0,3}$"
)
_AMOUNT_AFTER = re.compile(r"^(?:的|规模的)")  # "总投资2亿元的…项目", "金额100亿元的框架协议"
_NUM = r"(\d+|[一二两三四五六七八九十百]+)"
_COUNT_PATTERNS = (
    re.compile(r"(?:签约|签下|落笔|签署|签订)[^,。;]{0,6}?项目(?:共|总计|合计|达)?" + _NUM + r"个"),
    re.compile(r"(?<![第\d.])" + _NUM + r"个(?:[^,。;的]{0,30}?)项目"),
    re.compile(r"(?<![第\d.])" + _NUM + r"个[^,。;]{0,4}(?:签约|签下|落户)"),
    re.compile(r"项目(?:共|总计|合计|达)?" + _NUM + r"个"),
    re.compile(r"(?<![第\d.])" + _NUM + r"家(?:[^,。;的]{0,6}?)(?:企业|公司|机构|单位)"),
    re.compile(r"(?<![第\d.])" + _NUM + r"只(?:子)?基金"),
)
_ELABORATION = re.compile(
    r"^(?:其中,)?(?:本次|此次|本轮|这次)?(?:签约|集中签约)(?:方|企业|项目|单位)?(?:中|里|当中)"
    r"|^(?:本次|此次|首批)?签约(?:入驻)?(?:企业|项目|单位|方)(?:包括|有|为|分别为|如下|名单)"
    r"|^(?:本次|此次)?签约的.{0,10}?(?:项目|企业)(?:中|里|包括)"
)
_HOST_SUFFIX = re.compile(
    r"(?:省|市|区|县|州|镇|乡|街道|街|新区|开发区|高新区|经开区|园区|产业园|园|基地|科学城|生物城|"
    r"医学城|药谷|谷|港|城|片区|示范区|试验区|实验区|合作区|自贸区|管委会|政府)$"
)
_VENUE = re.compile(
    r"(?:会议中心|会展中心|展览中心|博览中心|国际中心|酒店|宾馆|饭店|大厦|礼堂|会堂|广场)$"
)
_ANAPHORA = re.compile(r"^(?:该区|该市|该县|本区|本市|全区|全市|全县|市里|区里|县里)")
_PLACE_LIST_END = re.compile(
    r"^(?:、[^,;。、]{1,8})*等(?:\d+|[一二两三四五六七八九十]+)?个?(?:地|地市|城市|省市|市州|区县|市县|国家|省份)"
)


@dataclass
class Mention:
    """An organisation or place named in the body (``text[start:end] == name``)."""

    start: int
    end: int
    name: str
    kind: str  # ORG | PLACE


_ADVERBIAL = re.compile(
    r"(?:[^,。;]{0,14}?(?:讯|\d日电)\s*)?(?:\([^)]{0,14}\)|[\d,、 ]|[年月日号]|上午|下午|晚上|当天|当日|同日|次日|日前|近日|目前|近期|随后|会上|现场|"
    r"同时|其中|此外|另外|另|还|也|并|已|正式|仪式上|签约仪式上|签约环节|活动中|活动上|大会上|会议期间|"
    r"期间|本报讯|记者|据悉|据了解|获悉|电|讯|今年|去年|以来|上半年|[在于][^,]{1,14}?(?:上|期间|中))*"
)
_LINK = re.compile(
    r"\s*(?:、[^、,;:。与和及]{1,16}(?=、))*(?:、|和|及|以及|与|同|,|分别与|分别同|还与|携手|联合|共同与|并与)\s*"
)
# the rest of one list member and the start of the next: "(成都)大中华西区总部项目、"
_ITEMS_GAP = re.compile(r"(?:[^,;:。、与]{0,20}、)+[^,;:。、与]{0,3}")
_CHAIN_END = re.compile(r"(?:、|和|及|与|同|以及|分别与|分别同|还与|并与|携手|联合)$")
_OBJECT_MARK = re.compile(r"(?:与|同|和|跟|分别与|分别同|还与|并与|携手)\s*$")
_HELD = re.compile(r"(?:举行|举办)了?$")
_TITLE_AFTER = re.compile(
    r"(?:领导|负责人|董事长|总经理|总裁|主任|局长|书记|院长|会长|副|党委|党工委|相关负责|有关负责)"
)


def _parties(
    text: str, zone_start: int, verb_start: int, clause_end: int, mentions: Sequence[Mention]
) -> tuple[list[str], list[str]]:
    """(organisations, places) in the party slots of a signing clause: the subject chain from
    the clause start ("A、B与C"), every chain that follows a 与/同 ("与A、B签约"), and the
    members listed right after the verb ("签约A、B等项目")."""
    named: list[str] = []
    hosts: list[str] = []
    zone = [mn for mn in mentions if zone_start <= mn.start and mn.end <= clause_end]
    prev_end = zone_start
    prev_party = False
    for k, mn in enumerate(zone):
        if k > 0 and prev_party and mn.kind == "PLACE":
            before = text[prev_end : mn.start]
            bracketed = before[-1:] == "(" and text[mn.end : mn.end + 1] == ")"
            glued = bool(before) and "\u4e00" <= before[-1] <= "\u9fff"
            if bracketed or (glued and not _CHAIN_END.search(before)):
                # "A(成都)大中华西区总部项目、B…": a place qualifying a member or inside a
                # project's name does not end the list of signatories
                continue
        gap = text[prev_end : mn.start]
        if mn.start >= verb_start:
            # after the verb: "签约A、B等项目", "签下A、B等5个项目"
            lead = text[max(prev_end, verb_start) : mn.start]
            party = bool(
                (k == 0 or prev_end <= verb_start or prev_party)
                and (re.fullmatch(r"[^,;]{0,4}", lead) or _ITEMS_GAP.fullmatch(lead))
                and (prev_end <= verb_start or _LINK.fullmatch(gap) or _ITEMS_GAP.fullmatch(gap))
            )
        elif prev_end == zone_start:
            party = bool(_ADVERBIAL.fullmatch(gap)) or bool(_OBJECT_MARK.search(gap))
            if not party and _HELD.search(gap) and _OBJECT_MARK.search(text[mn.end : mn.end + 1]):
                # "会上还举行了A与B的合作签约仪式": A opens the ceremony's name
                party = True
        else:
            party = (
                prev_party
                and (_LINK.fullmatch(gap) is not None or _ITEMS_GAP.fullmatch(gap) is not None)
            ) or bool(_OBJECT_MARK.search(gap))
        if not party and mn.start < verb_start and text[max(0, mn.start - 2) : mn.start] == "代表":
            party = True  # "某某代表磐石市人民政府与…签署": on behalf of
        if party and mn.start >= verb_start and mn.kind == "PLACE":
            party = False  # "签署磐石无抗生物产业园项目…协议": the project's place, not a signatory
        if party and text[max(0, mn.start - 1) : mn.start] in ("在", "从", "由", "赴"):
            party = False
        if party and _TITLE_AFTER.match(text[mn.end : mn.end + 4]):
            party = False  # "协会副会长范晓东与…": a person speaks for the body
        if party and mn.kind == "PLACE" and not _host_like(mn.name):
            party = False
        if party and re.match(r"等地|等省|等市|等城市", text[mn.end : mn.end + 3]):
            party = False
        if party:
            target = hosts if mn.kind == "PLACE" else named
            if mn.name not in target:
                target.append(mn.name)
        prev_end, prev_party = mn.end, party
    # names the recognisers missed but the enumeration shows: "与A、B(unknown)、C签订"
    for name in _unrecognised_items(text, zone_start, verb_start, mentions, named + hosts):
        if name not in named:
            named.append(name)
    return named, hosts


_ITEM_SEP = re.compile(r"、|,|与|同|和|及")
_ITEM_TAIL = re.compile(
    r"(?:共|等|共计)?(?:\d+|[一二两三四五六七八九十百]+)(?:余|多)?(?:家|个|所|位)[\u4e00-\u9fff]{0,6}$"
    r"|(?:等|分别|共同|正式|现场|当场|集中|还|也|已|将|均|就.*|举行.*|在.*)$"
)
_FIRMS_TAIL = re.compile(
    r"(?:等|共)?(?:\d+|[一二两三四五六七八九十]+)?(?:余|多)?家[\u4e00-\u9fff]{0,4}(?:企业|公司|机构|药企)"
)
_GENERIC_ITEM = re.compile(
    r"^(?:企业|公司|机构|单位|项目|双方|各方|客商|相关企业|投资机构|合作方|地方|当地|各地|园区)$"
)


def _unrecognised_items(
    text: str,
    zone_start: int,
    verb_start: int,
    mentions: Sequence[Mention],
    parties: Sequence[str],
) -> list[str]:
    """Members of a party enumeration that no recogniser named, accepted when the list also
    holds a recognised party (or the member is the whole object of 与/同): 2-16 characters of
    name material, not a common word, not a count or a generic noun."""
    seg_mentions = [mn for mn in mentions if zone_start <= mn.start < verb_start]
    pieces: list[tuple[int, int]] = []
    pos = zone_start
    for m in _ITEM_SEP.finditer(text, zone_start, verb_start):
        if any(mn.start <= m.start() < mn.end for mn in seg_mentions):
            continue
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, verb_start))
    if len(pieces) < 2:
        return []
    party_piece = [
        any(mn.name in parties and a <= mn.start < b for mn in seg_mentions) for a, b in pieces
    ]
    # "A、B、C、D四家企业将…签约": a list that says it is of firms
    firms_list = bool(_FIRMS_TAIL.search(text[pieces[-1][0] : verb_start]))
    out: list[str] = []
    for k, (a, b) in enumerate(pieces):
        if party_piece[k] or any(a <= mn.start < b for mn in seg_mentions):
            continue
        sep_before = text[a - 1 : a] if a > zone_start else ""
        neighbour = (k > 0 and party_piece[k - 1]) or (k + 1 < len(pieces) and party_piece[k + 1])
        in_list = sep_before == "、" or text[b : b + 1] == "、"
        item = text[a:b]
        item = _ITEM_TAIL.sub("", item).strip()
        if sep_before in ("与", "同") and b == verb_start and _legal_name(item):
            # "A与X有限公司签署": the whole object of 与, a name by its legal form even when
            # no recogniser took it (and even with 联合 inside: 联合诺华(天津)有限公司)
            out.append(item)
            continue
        if not (in_list and (neighbour or firms_list)):
            continue
        if not (2 <= len(item) <= 16) or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9()]+", item):
            continue
        if _GENERIC_ITEM.match(item) or _common_word(item) or _ADVERBIAL.fullmatch(item):
            continue
        if orgs_stop(item):
            continue
        out.append(item)
    return out


def _legal_name(item: str) -> bool:
    """True when ``item`` reads as a registered name: a legal suffix (有限公司, 事务所, 大学 …)
    after a valid core, no function character and no title inside."""
    from .orgs import _LEGAL_SUFFIXES, _STOP_CHARS, _TITLES, _valid, longest_suffix

    if not (4 <= len(item) <= 30) or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9()]+", item):
        return False
    suffix = longest_suffix(item)
    if suffix is None or suffix not in _LEGAL_SUFFIXES or not _valid(item, suffix, True):
        return False
    core = item[: len(item) - len(suffix)]
    return not any(c in _STOP_CHARS for c in core) and not any(t in item for t in _TITLES)


def orgs_stop(item: str) -> bool:
    """True when an enumeration member holds a stop word or a title (not a name)."""
    from .orgs import _STOP_CHARS, _STOP_WORD_RE, _TITLES

    return bool(
        _STOP_WORD_RE.search(item)
        or any(c in _STOP_CHARS for c in item if not c.isdigit())
        or any(t in item for t in _TITLES)
    )


@dataclass
class _Statement:
    index: int
    text: str
    start: int
    named: list[str]
    hosts: list[str]
    amount: Money | None
    count: int | None
    date_key: str | None
    is_signing: bool
    verb: str


@dataclass
class _Record:
    named: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    amount: Money | None = None
    count: int | None = None
    date_key: str | None = None
    sentence: str = ""
    position: int = 0
    verb: str = ""
    has_content: bool = False
    fields: tuple[str, ...] = ()


_FIELDS_RE = re.compile(
    r"(?:涉及|涵盖|覆盖|聚焦|包括)([^。;]{2,60}?)等(?:多个|细分|重点|相关)?(?:领域|方向|赛道)"
)


def fields_of(sentence: str) -> tuple[str, ...]:
    """The fields a signing covers ("涵盖医疗器械、生物药等领域" → 医疗器械, 生物药)."""
    m = _FIELDS_RE.search(sentence)
    if m is None:
        return ()
    out = []
    for p in re.split(r"[、和及与]", m.group(1)):
        p = p.strip()
        if 2 <= len(p) <= 12:
            out.append(p)
    return tuple(out)


def cn_number(s: str) -> int | None:
    """12, 十二, 二十七, 一百零六, 百 → int (None when not a number)."""
    if s.isdigit():
        return int(s)
    digits = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
    digits |= {"八": 8, "九": 9}
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur or None


# ------------------------------------------------------------------------------------ pass 1
def _verb_at(text: str) -> re.Match[str] | None:
    """The first signing verb of a sentence used as a verb (not 签约仪式/签约项目 …)."""
    for m in _VERB.finditer(text):
        word = m.group(0)
        follow = text[m.end() : m.end() + 3]
        if word in ("签约", "签署", "签订") and _NOMINAL.match(follow):
            before = text[: m.start()]
            # "A与B签约仪式", "签约项目19个", "签约金额/总额…": still a statement
            if "与" in before[-40:] and _CEREMONY.match(follow):
                return m
            if re.match(
                r"(?:项目|企业)(?:共|总计|合计|达)?\d", follow + text[m.end() + 3 : m.end() + 6]
            ):
                return m
            if re.match(r"(?:额|金额|总额|资金)", follow):
                return m
            continue
        if word.startswith("达成") and (
            "初步" in word
            or text[max(0, m.start() - 2) : m.start()] == "初步"
            or _BROKERED.search(text[: m.start()])
        ):
            # "达成初步合作意向": preliminary; "促成两地企业达成合作": the writer's side only
            # brought others together; neither is a signing
            continue
        return m
    return None


# "促成A与B达成…": the subject brokered an agreement between others (within the clause)
_BROKERED = re.compile(r"促成[^,。;]*$")


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the comma clause around ``pos``."""
    s = max(text.rfind(c, 0, pos) for c in ",:;") + 1
    ends = [k for k in (text.find(c, pos) for c in ",:;。") if k >= 0]
    return s, (min(ends) if ends else len(text))


_TOTAL_KEY = re.compile(r"总|合计|共计|签约金额|签约额|协议|规模")


def _amount(text: str, money: list[Money]) -> Money | None:
    """The money figure of a signing: the first one behind a total word (总投资, 签约总额, 合计 …),
    else the first behind any investment word (投资3亿元的…) or before 的…项目/协议."""
    best: tuple[int, Money] | None = None
    for m in money:
        before = text[max(0, m.start - 14) : m.start]
        before = re.split(r"[,;:。]", before)[-1]
        key = _AMOUNT_KEY.search(before)
        rank = None
        if key is not None:
            rank = 0 if _TOTAL_KEY.search(key.group(0)) else 1
        else:
            after = text[m.start + len(m.text) : m.start + len(m.text) + 3]
            if _AMOUNT_AFTER.match(after) and re.search(r"投资|金额|规模", before + after):
                rank = 1
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, m)
    return best[1] if best else None


def _count(text: str, verb_at: int | None = None) -> int | None:
    """The project count of a sentence: the count nearest to the signing verb (the first one
    when there is no verb), never a count after 其中 when an earlier one exists."""
    found: list[tuple[int, int]] = []
    cut = text.find("其中")
    for pat in _COUNT_PATTERNS:
        for m in pat.finditer(text):
            n = cn_number(m.group(1))
            if n is None or n > 2000:
                continue
            if found and cut >= 0 and m.start() > cut:
                continue
            found.append((m.start(), n))
    if not found:
        return None
    if verb_at is None:
        pos, n = min(found)
        return None if _STATS.search(text[:pos]) else n
    return min(found, key=lambda x: (abs(x[0] - verb_at), x[0]))[1]


def _date_key(text: str) -> str | None:
    m = re.search(r"(\d{1,2})月(\d{1,2})日|(?<![\d月])(\d{1,2})日", text)
    if m is None:
        return None
    return m.group(0)


def _host_like(name: str) -> bool:
    if _VENUE.search(name):
        return False
    return bool(_HOST_SUFFIX.search(name)) or places.lookup(name) is not None


def _statement(
    index: int,
    start: int,
    text: str,
    mentions: Sequence[Mention],
    published_year: int | None,
    yuan: str = "CNY",
) -> _Statement | None:
    """Parse one sentence; ``None`` when it reports no signing and gives no figures."""
    verb = _verb_at(text)
    if verb is not None and _ELABORATION.search(text):
        verb = None  # "本次签约中,A、B、C等企业集中落户": the signatories of the record told before
    money = find_money(text, yuan)
    amount = _amount(text, money)
    count = _count(text, verb.start() if verb else None)
    if verb is None:
        if amount is None and count is None and not _ELABORATION.search(text) and "\t" not in text:
            return None
        return _Statement(index, text, start, [], [], amount, count, _date_key(text), False, "")
    head = text[: verb.start()]
    if _CUMULATIVE.search(head) and not _PERIOD_OK.search(head):
        return None
    if _PERIOD_OK.search(head) and re.search(r"已(?:经)?$", head):
        return None  # "今年以来,某县已签订…协议25个": the period's running total, not a signing
    years = [int(y) for y in re.findall(r"(20\d{2}|19\d{2})年", head)]
    if published_year and years and max(years) < published_year and "月" not in head:
        return None  # a past year's total
    named: list[str] = []
    hosts: list[str] = []
    anaphora: str | bool = False
    for v in _verbs(text):
        n2, h2, ana = _verb_parties(text, v, mentions)
        named += [n for n in n2 if n not in named]
        hosts += [h for h in h2 if h not in hosts]
        anaphora = anaphora or ana
    if isinstance(anaphora, str):
        named.insert(0, "@org:" + anaphora)
    elif anaphora and not hosts:
        hosts.append("@anaphora")
    # a fund's founders: "基金由A、B和C共同发起设立"
    fm = _FOUNDERS.search(text)
    if fm is not None and "基金" in text:
        for mn in mentions:
            inside = fm.start(1) <= mn.start and mn.end <= fm.end(1)
            if inside and mn.kind == "ORG" and mn.name not in named:
                named.append(mn.name)
    # the sentence subject when no clause names anybody ("X举办推介会,签约6个项目")
    if not named and not hosts:
        first = next((mn for mn in mentions if mn.start < verb.start()), None)
        if (
            first is not None
            and _ADVERBIAL.fullmatch(text[: first.start])
            and first.kind == "PLACE"
            and _host_like(first.name)
        ):
            hosts.append(first.name)
    # the place projects go to: "…签约落户赣江新区中医药科创城"
    # the place the projects go to: "…签约落户赣江新区中医药科创城"
    if not named:
        for lm in _LANDS.finditer(text):
            cand = next(
                (
                    mn
                    for mn in mentions
                    if mn.kind == "PLACE" and mn.start == lm.end() and _host_like(mn.name)
                ),
                None,
            )
            if cand is not None:
                if cand.name in hosts:
                    hosts.remove(cand.name)
                hosts.insert(0, cand.name)
                break
    # one firm signing a project in a place ("A项目在成都正式签约", "A…项目落户壶关县"): the
    # place is its counterpart; with two or more named signatories it is only the venue
    if len(named) == 1 and not hosts:
        for pm in _PLACE_SIGNS.finditer(text):
            at = next((mn for mn in mentions if mn.start == pm.end()), None)
            if at is not None and at.kind != "PLACE":
                continue  # a firm follows: "落户到A公司" is not a place
            name = at.name if at is not None else _place_at(text, pm.end())
            if name and _host_like(name) and name != named[0]:
                hosts.append(name)
                break
    return _Statement(
        index, text, start, named, hosts, amount, count, _date_key(text), True, verb.group(0)
    )


def _place_at(text: str, start: int) -> str | None:
    """The place name written at ``start`` (合肥, 合肥高新区), read from the gazetteer even
    when the name is also an ordinary word: the caller's context (在…签约, 落户) says it is a
    place."""
    loc = places.prefix_location(text[start : start + 12])
    if loc is None:
        return None
    end = start + len(loc.text)
    z = _ZONE_TAIL.match(text, end)
    if z is not None and z.end() - end <= 10:
        end = z.end()
    return text[start:end]


def _verbs(text: str) -> list[re.Match[str]]:
    """Every signing verb of a sentence used as a verb, in order."""
    out: list[re.Match[str]] = []
    pos = 0
    while True:
        m = _verb_at(text[pos:])
        if m is None:
            return out
        real = re.compile(re.escape(m.group(0))).search(text, pos + m.start())
        if real is None:
            return out
        out.append(real)
        pos = real.end()


_ORG_ANAPHORA = re.compile(
    r"^(?:该|本|这家|此|这个)?(基金|公司|集团|企业|医院|大学|研究院|协会|联盟|园区|产业园|基地|园)"
    r"(?:还|也|已|将|并|同时|正式|当天|现场)*(?:分别)?(?:与|同|和)"
)


def _verb_parties(
    text: str, verb: re.Match[str], mentions: Sequence[Mention]
) -> tuple[list[str], list[str], str | bool]:
    """Parties of one verb: (organisations, places, refers back to an earlier place)."""
    vs = verb.start()
    cs, ce = _clause_bounds(text, vs)
    # the party zone: the clause of the verb, reaching back over clauses that continue a list
    # or a "与" phrase ("A、B,当场同C签订…"), or over the subject of a "并与…" clause
    zone_start = cs
    while zone_start > 0:
        ps, _ = _clause_bounds(text, max(0, zone_start - 2))
        prev = text[ps : zone_start - 1]
        here = text[zone_start:vs]
        if re.search(r"(?:与|同|和|、)[^、与同和]{0,30}$", prev) and not _verb_at(prev):
            zone_start = ps
        elif re.match(r"(?:并|还|也|同时|随后|当场|现场)*(?:分别)?(?:与|同)", here):
            # "X代表向客商推介…,并与5家企业签订": X, the subject of the previous clause
            subj = next((mn for mn in mentions if ps <= mn.start < zone_start), None)
            if subj is not None and _ADVERBIAL.fullmatch(text[ps : subj.start]):
                named, hosts = _parties(text, subj.start, vs, ce, [subj])
                n2, h2 = _parties(text, cs, vs, ce, mentions)
                return named + n2, hosts + h2, False
            break
        else:
            break
    named, hosts = _parties(text, zone_start, vs, ce, mentions)
    for h in list(hosts):
        mn = next(m for m in mentions if m.name == h)
        if _PLACE_LIST_END.match(text[mn.end :]):
            hosts.remove(h)  # "与武汉、宜昌、黄冈等地签约": the places of the projects, not parties
    head = text[zone_start:vs].lstrip("已将还并也当场现")
    anaphora: str | bool = bool(_ANAPHORA.match(head))
    om = _ORG_ANAPHORA.match(head)
    lead_gap = len(text[zone_start:vs]) - len(head)
    if om is not None and not any(
        zone_start <= mn.start <= zone_start + lead_gap for mn in mentions
    ):
        anaphora = om.group(1)  # "基金还与…签署": the fund named before
    if verb.group(0).endswith("基金"):
        named = [n for n in named if not any(m.name == n and m.start >= vs for m in mentions)]
    return named, hosts, anaphora


# ------------------------------------------------------------------------------------ pass 2
def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) / len(long_) >= 0.5


def _covered(names: Sequence[str], pool: Sequence[str]) -> bool:
    return all(any(_same(n, p) for p in pool) for n in names)


def _merges(st: _Statement, rec: _Record) -> bool:
    if (
        st.count is not None
        and st.count == rec.count
        and st.amount is None
        and (_covered(rec.named, st.named) or _covered(st.named, rec.named))
    ):
        return True  # "与5家企业签订…" then "A、B等5家企业与…签订": the same five
    if st.amount is not None and rec.amount is not None:
        # the same figure told again merges; another figure is another record
        return abs(st.amount.amount - rec.amount.amount) <= 1e-6 * rec.amount.amount
    if not _covered(st.named, rec.named):
        return not rec.has_content  # a bare ceremony mention is filled by its first statement
    if st.hosts and rec.hosts and not _covered(st.hosts, rec.hosts + rec.named):
        return not rec.has_content
    if st.date_key and rec.date_key and st.date_key != rec.date_key:
        return not rec.has_content
    if st.count is not None and rec.count is not None and st.count != rec.count and st.named:
        return False
    # an agreement of named parties, then a batch of projects with its own figures: two records
    return not (
        rec.named
        and rec.count is None
        and rec.amount is None
        and st.count is not None
        and st.amount is not None
        and not _REFERS_BACK.search(st.text)
    )


_REFERS_BACK = re.compile(r"此次|本次|这次|该项目|上述|签约项目|两个项目|其中")


def _absorb(rec: _Record, st: _Statement) -> None:
    for n in st.named:
        if not any(_same(n, k) for k in rec.named):
            rec.named.append(n)
    for h in st.hosts:
        if h not in rec.hosts:
            rec.hosts.append(h)
    if rec.amount is None and st.amount is not None:
        rec.amount = st.amount
    if rec.count is None and st.count is not None:
        rec.count = st.count
    if rec.date_key is None:
        rec.date_key = st.date_key
    if not rec.sentence:
        rec.sentence, rec.position, rec.verb = st.text, st.start, st.verb
    if not rec.fields:
        rec.fields = fields_of(st.text)
    if st.named or st.amount is not None or st.count is not None or st.hosts:
        rec.has_content = True


_WORTH = re.compile(r"签|协议|基金|落地|落户|项目|企业|达成|合作|发起|\t")
_NOT_AFTER_PLACE = re.compile(r"项目|产业|企业|技术|平台|工作|发展|建设|设施|能力")
_ZONE_TAIL = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|新区|工业园区)"
)


def place_mentions(text: str, taken: Sequence[tuple[int, int]]) -> list[Mention]:
    """Places of the gazetteer in ``text`` (a zone named after a place keeps its suffix:
    合肥高新区), outside the spans already ``taken`` by organisation names."""
    out: list[Mention] = []
    for s, e, _loc in places.find_places(text):
        if e - s == 2 and _common_word(text[s:e]):
            continue  # 合作 (a city in Gansu) is first of all "co-operation"
        if e - s == 2 and _NOT_AFTER_PLACE.match(text, e):
            continue  # "29个新建项目": 新建 is a verb here, not the district of Nanchang
        z = _ZONE_TAIL.match(text, e)
        if z is not None and z.end() - e <= 10:
            e = z.end()
        if any(a < e and s < b for a, b in taken):
            continue
        if out and out[-1].end == s and not _ZONE_TAIL.fullmatch(text[s:e]):
            # 安徽省太和县: one place, named by its most specific part
            out[-1] = Mention(out[-1].start, e, text[s:e], "PLACE")
            continue
        if out and out[-1].end == s:
            out[-1] = Mention(out[-1].start, e, text[out[-1].start : e], "PLACE")
            continue
        out.append(Mention(s, e, text[s:e], "PLACE"))
    return out


def _common_word(word: str) -> bool:
    """A frequent jieba word that is not tagged as a place or name (合作, 开发, 城区 …)."""
    from .orgs import _jieba

    dt = _jieba().dt
    if int(dt.FREQ.get(word, 0)) < 50:
        return False
    return _pos_tag(word) not in ("ns", "nr", "nrt", "nz")


def _pos_tag(word: str) -> str:
    return _orgs.pos_tag(word)


def mentions_in(
    text: str,
    org_names: Sequence[str],
    neutral: Sequence[str],
    aliases: dict[str, str] | None = None,
) -> list[Mention]:
    """Organisation (longest name first; a short name the text introduced stands for its full
    name) and place mentions of one sentence."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    forms = {n: n for n in org_names} | {a: full for a, full in (aliases or {}).items()}
    for form in sorted(forms, key=len, reverse=True):
        k = text.find(form)
        while k >= 0:
            if not any(a < k + len(form) and k < b for a, b in taken):
                out.append(Mention(k, k + len(form), forms[form], "ORG"))
                taken.append((k, k + len(form)))
            k = text.find(form, k + 1)
    for name in sorted(set(neutral), key=len, reverse=True):
        if not _host_like(name):
            continue
        k = text.find(name)
        while k >= 0:
            if not any(a < k + len(name) and k < b for a, b in taken):
                out.append(Mention(k, k + len(name), name, "PLACE"))
                taken.append((k, k + len(name)))
            k = text.find(name, k + 1)
    for k, mn in enumerate(out):
        if (
            mn.kind == "ORG"
            and text[max(0, mn.start - 2) : mn.start] == "联合"
            and text[max(0, mn.start - 3) : mn.start - 2] in ("与", "同", "和")
            and not mn.name.startswith("联合")
        ):
            # "与联合诺华(天津)有限公司签署": after 与 the word opens the name (the recognisers
            # drop it as the adverb "jointly")
            out[k] = Mention(mn.start - 2, mn.end, "联合" + mn.name, "ORG")
    out += place_mentions(text, [(m.start, m.end) for m in out])
    out.sort(key=lambda m: m.start)
    merged: list[Mention] = []
    for mn in out:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "PLACE"
            and mn.kind == "ORG"
            and 0 <= mn.start - prev.end <= 1
            and re.fullmatch(r"[\u4e00-\u9fff]?", text[prev.end : mn.start])
            and not re.match(r"[与和及同在]", text[prev.end : mn.start + 1])
        ):
            # 武侯区环|华西…中心: the place opens the organisation's own name
            merged[-1] = Mention(prev.start, mn.end, text[prev.start : mn.end], "ORG")
            continue
        if prev is not None and prev.kind == mn.kind == "PLACE" and prev.end == mn.start:
            if mn.name in places.gazetteer():
                # 厦门市海沧区 → 海沧区: the most specific division names the span
                merged[-1] = Mention(prev.start, mn.end, mn.name, "PLACE")
            else:
                whole = text[prev.start : mn.end]  # 北京 + 大兴生物医药产业基地: one park
                merged[-1] = Mention(prev.start, mn.end, whole, "PLACE")
            continue
        merged.append(mn)
    return merged


_HEADING = re.compile(r"[。,;!?]")
_SUBJECT_PLACE = re.compile(
    r"^(?:[\d月日年上下午晚,、 ]|近日|日前|今天|昨天|当天)*"
    r"([\u4e00-\u9fff]{2,12}?(?:街道|街|镇|乡|新区|园区|开发区|高新区|经开区|区|县|市))"
    r"(?:举行|举办|召开|在|于|与|同|集中|共|成功|正式|现场|分别|签约|签下|签署|签订)"
)
_PLURAL = re.compile(r"等|一批|多个|系列|两个|二个|几个|若干|\d+个|[三四五六七八九十]个|分别")


def _within(inner: str, outer: str) -> bool:
    """True when place ``inner`` lies in place ``outer`` (same city, or same province)."""
    a = places.lookup(inner) or places.prefix_location(inner)
    b = places.lookup(outer) or places.prefix_location(outer)
    if a is None or b is None:
        return False
    if b.city is not None:
        return a.city == b.city
    return a.province == b.province


def extract(
    sentences: Sequence[tuple[int, str]],
    org_names: Sequence[str],
    neutral: Sequence[str],
    host_region: str | None,
    published: str | None,
    aliases: dict[str, str] | None = None,
    yuan: str = "CNY",
) -> list[Signing]:
    """Signing records of a body given as ``(offset, sentence)`` pairs, the organisation names
    found in it, the neutral names (places, parks) the labeller marked and short names the
    text introduces (简称 → full name)."""
    year = int(published[:4]) if published else None
    records: list[_Record] = []
    fallbacks: list[str | None] = []
    cur: _Record | None = None
    last_host: str | None = host_region
    recent_host: tuple[int, str] | None = None
    earlier: list[str] = []
    seen_places: set[str] = set()
    since = 99
    for i, (off, text) in enumerate(sentences):
        if not _WORTH.search(text):
            since += 1
            continue
        local = mentions_in(text, org_names, neutral, aliases or {})
        st = _statement(i, off, text, local, year, yuan)
        # every name read so far (any sentence, and this one's before its verb) for "该区"/"基金还与"
        verb_m = _verb_at(text) if st is not None and st.is_signing else None
        prior = earlier + [mn.name for mn in local if verb_m is None or mn.end <= verb_m.start()]
        earlier += [mn.name for mn in local]
        if st is not None and st.is_signing and not st.named and verb_m is not None:
            owner = _project_owner(text, verb_m.start(), org_names)
            if owner is not None:
                st.named.append(owner)
        for mn in local:
            if mn.kind == "PLACE" and _host_like(mn.name):
                last_host = mn.name
                venue = text[max(0, mn.start - 1) : mn.start] in ("在", "于", "赴", "从")
                if (st is None or not st.is_signing) and not venue:
                    recent_host = (i, mn.name)
        since += 1
        if st is None:
            continue
        if not st.is_signing:
            if cur is None or since > 2:
                continue
            if st.amount is not None and _STATS.search(text[: st.amount.start]):
                st.amount = None  # "已引进总投资超500亿元…", "挂牌以来…投资额208.6亿元"
            # a table row with an amount of its own (under a record that has its total) is a
            # record of its own, not a list of the record's signatories
            own_figure = "\t" in text and cur.amount is not None and bool(find_money(text, yuan))
            if (_ELABORATION.search(text) or "\t" in text) and not own_figure:
                names = [m.name for m in local if m.kind == "ORG"]
                for n in names:
                    if not any(_same(n, k) for k in cur.named):
                        cur.named.append(n)
                        cur.has_content = True
            if cur.amount is None and st.amount is not None:
                cur.amount, cur.has_content = st.amount, True
            if cur.count is None and st.count is not None:
                cur.count, cur.has_content = st.count, True
            if not cur.fields:
                cur.fields = fields_of(text)
            since = 0 if (_ELABORATION.search(text) or "\t" in text) else since
            continue
        if "@anaphora" in st.hosts:
            # "该区已与…": the district named before, by its government when the text named it so
            gov = next(
                (
                    o
                    for o in reversed(prior)
                    if o.endswith(("政府", "管委会")) and last_host and last_host[:2] in o
                ),
                None,
            )
            # a government this sentence names before its verb is the one "该区" refers to
            # ("从天津滨海新区政府了解到,该区已与…")
            here = [
                mn.name
                for mn in local
                if mn.kind == "ORG"
                and mn.name.endswith(("政府", "管委会"))
                and verb_m is not None
                and mn.end <= verb_m.start()
            ]
            ref_host = (here[-1] if here else None) or gov or last_host
            st.hosts = [ref_host] if ref_host else []
        for k, n in enumerate(st.named):
            if n.startswith("@org:"):
                ref = next(
                    (o for o in reversed(prior) if o.endswith(n[5:]) and o not in st.named), None
                )
                st.named[k] = ref or ""
        st.named = [n for n in st.named if n]
        if st.named and st.named[0] in seen_places:
            st.hosts.insert(0, st.named.pop(0))  # the park the text named before
        seen_places |= {mn.name for mn in local if mn.kind == "PLACE"}
        if not _HEADING.search(text) and len(text) <= 30:
            # a heading ("北碚:22个项目集中签约") announces the record its paragraph reports
            st = _Statement(st.index, st.text, st.start, [], [], None, None, None, True, st.verb)
        fallback = _fallback_host(text, recent_host, i, host_region)
        if cur is not None and _merges(st, cur):
            _absorb(cur, st)
        else:
            cur = _Record()
            records.append(cur)
            fallbacks.append(fallback)
            _absorb(cur, st)
        since = 0
    out: list[Signing] = []
    for rec, fallback in zip(records, fallbacks, strict=True):
        if not rec.has_content:
            continue
        parties: list[str] = []
        hosts = [h for h in rec.hosts if h]
        if not rec.named and not hosts and fallback:
            hosts = [fallback]
        for p in hosts + rec.named:
            if p not in parties and not any(_same(p, q) and len(q) >= len(p) for q in parties):
                parties.append(p)
        count = rec.count
        if (
            count is None
            and rec.named
            and "项目" in rec.sentence
            and not _PLURAL.search(rec.sentence)
        ):
            count = 1  # "A与B就…项目签约": one project
        amount = rec.amount
        out.append(
            Signing(
                parties=tuple(parties),
                amount_yuan=amount.amount
                if amount is not None and amount.currency == "CNY"
                else None,
                project_count=count,
                fields=rec.fields,
                amount=amount,
                sentence=rec.sentence,
                reason=f"句中含签约动词“{rec.verb}”" if rec.verb else "签约信息",
                position=rec.position,
            )
        )
    return out


_PROJECT_NAME = re.compile(r"[^,。;:、“”]{2,30}?项目")


def _project_owner(text: str, verb_at: int, org_names: Sequence[str]) -> str | None:
    """The organisation whose brand opens the name of the project a sentence signs
    ("海尔·城阳生物细胞谷项目正式签约落户…" with 海尔集团 named in the article): the brand is
    the name without its suffix; a place name is no brand."""
    lead = _ADVERBIAL.match(text)
    pos = lead.end() if lead is not None else 0
    m = _PROJECT_NAME.match(text, pos)
    if m is None or m.end() > verb_at:
        return None
    phrase = m.group(0)
    hits: list[str] = []
    for org in org_names:
        suffix = _orgs.longest_suffix(org)
        brand = org[: len(org) - len(suffix)] if suffix else org
        if len(brand) < 2 or places.lookup(brand) is not None:
            continue
        if phrase.startswith(brand) and org not in hits:
            hits.append(org)
    return hits[0] if len(hits) == 1 else None


def _fallback_host(
    text: str, recent: tuple[int, str] | None, index: int, host_region: str | None
) -> str | None:
    """The host of a mass signing that names no signatory: the place that opens the sentence
    (郑店街举行…), a place named just before that lies in the article's region, the article's
    region (from its headline), or that recent place."""
    m = _SUBJECT_PLACE.match(text)
    if m is not None:
        return m.group(1)
    near = recent[1] if recent is not None and index - recent[0] <= 3 else None
    if near and host_region and (_within(near, host_region) or near == host_region):
        return near
    if host_region:
        return host_region
    here = next(
        (
            mn.name
            for mn in place_mentions(text, [])
            if _host_like(mn.name)
            and text[max(0, mn.start - 1) : mn.start] not in ("在", "于", "赴")
        ),
        None,
    )
    return here or near
