"""Build the demo district into an empty database, deterministically.

Everything random comes from one ``random.Random(seed)`` drawn in a fixed order, so the same
seed yields the same names, codes, figures and texts. Rows are written with ``bulk_create`` in
batches and nothing is kept in memory beyond one batch and the sets that keep names and codes
unique, so ``scale=1_000_000`` fits comfortably on a small machine.

Audit: the demo register is loaded by the system, not by a person, so no per-row audit events
are written (the audit trail records people's changes from then on).
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import OrgUnit, User
from yiqiao.accounts.services.passwords import demo_password_for
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_make
from yiqiao.registry.models import (
    ChainBits,
    ChainNode,
    Contact,
    InvestorProfile,
    Organisation,
    Region,
    Service,
    Space,
)
from yiqiao.vocab.units import cleanroom_iso

from . import words
from .catalogue import SERVICES, SPACES
from .places import (
    DEMO_DISTRICT_CODE,
    ORG_UNITS,
    PARK_CODES,
    REGIONS,
    USERS,
)
from .records import CORE_ORGS, INVESTORS, NEAR_DUPLICATES, CoreOrg

Progress = Callable[[str, int, int], None]

#: Enterprises written per batch (one bulk_create each for organisations, chain links, contacts).
BATCH_SIZE = 2000
#: Spaces in the demo: the hand-written catalogue plus generated ones up to this total.
SPACE_TOTAL = 150
#: Reference date for ages and founding dates (fixed so the data do not depend on the clock).
REFERENCE_DATE = date(2025, 6, 30)

_BRANDS = "".join(dict.fromkeys(words.BRAND_CHARS))
_USCC_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # letters allowed in a USCC body
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class DemoError(Exception):
    """The demo cannot be loaded (for example because the database is not empty)."""


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` wrote, and how to sign in.

    ``logins`` lists (username, password, role description in Chinese). ``catalogue`` maps the
    stable keys of hand-written records ("org:plat.poc", "S-EZ-01", "SV-CDMO-2", …) to their
    primary keys, for judged needs and tests that refer to them.
    """

    district_code: str
    seed: int
    scale: int
    organisations: int
    by_kind: dict[str, int]
    enterprises_generated: int
    near_duplicates: int
    chain_links: int
    contacts: int
    spaces: int
    services: int
    investor_profiles: int
    regions: int
    org_units: int
    users: int
    logins: list[tuple[str, str, str]]
    catalogue: dict[str, int] = field(repr=False)
    seconds: float = 0.0


def generate_demo(
    *, scale: int = 3000, seed: int = 7, progress: Progress | None = None
) -> DemoSummary:
    """Fill an empty database with the demo district and return a summary with the logins.

    ``scale`` is the number of generated enterprises (on top of about 70 hand-written
    organisations); ``seed`` fixes every random choice; ``progress(stage, done, total)`` is called
    after each stage step and batch. Raises ``DemoError`` (nothing written) if organisations,
    regions, org units or any demo username already exist. Runs in one transaction.
    """
    if scale < 0:
        raise DemoError("scale 不能为负数")
    started = time.perf_counter()
    report: Progress = progress or (lambda stage, done, total: None)
    with transaction.atomic():
        # Checked inside the transaction so that two concurrent loads cannot both pass.
        _refuse_non_empty()
        builder = _Builder(random.Random(seed), report)
        builder.regions()
        builder.org_units()
        builder.core_organisations()
        builder.investor_profiles()
        builder.near_duplicates()
        builder.enterprises(scale)
        builder.spaces()
        builder.services()
        builder.register_data()
        builder.users()
    return DemoSummary(
        district_code=DEMO_DISTRICT_CODE,
        seed=seed,
        scale=scale,
        organisations=sum(builder.by_kind.values()),
        by_kind=dict(sorted(builder.by_kind.items())),
        enterprises_generated=scale,
        near_duplicates=len(NEAR_DUPLICATES),
        chain_links=builder.chain_links,
        contacts=builder.contacts,
        spaces=builder.space_count,
        services=builder.service_count,
        investor_profiles=len(INVESTORS),
        regions=len(REGIONS),
        org_units=len(ORG_UNITS),
        users=len(USERS),
        logins=[(u[0], builder.passwords[u[0]], u[5]) for u in USERS],
        catalogue=dict(builder.catalogue),
        seconds=round(time.perf_counter() - started, 3),
    )


def _refuse_non_empty() -> None:
    if Organisation.objects.exists():
        raise DemoError("数据库中已有机构数据，演示数据只能载入空数据库。请使用新的数据库文件。")
    codes = [r[0] for r in REGIONS]
    taken = list(Region.objects.filter(code__in=codes).values_list("code", flat=True)[:5])
    if taken:
        raise DemoError(f"区域编码已存在：{', '.join(taken)}。演示数据只能载入空数据库。")
    names = [u[1] for u in ORG_UNITS]
    if OrgUnit.objects.filter(name__in=names).exists():
        raise DemoError("演示机构单元已存在，演示数据只能载入空数据库。")
    usernames = [u[0] for u in USERS]
    clash = list(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if clash:
        raise DemoError(f"用户名已被占用：{', '.join(sorted(clash))}。演示数据只能载入空数据库。")
    if ChainNode.objects.count() == 0:
        raise DemoError("产业链节点为空：请先执行 migrate。")


def _wan(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(round(value * 10_000))


def _gb11714_check(body8: str) -> str:
    """Check character of the 9-character organisation code inside a USCC (GB 11714)."""
    total = 0
    for ch, weight in zip(body8, _GB11714_WEIGHTS, strict=True):
        total += (int(ch) if ch.isdigit() else ord(ch) - 55) * weight
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


class _Builder:
    """Holds the random generator, lookups and running counts while the demo is written."""

    def __init__(self, rng: random.Random, progress: Progress) -> None:
        self.rng = rng
        self.progress = progress
        self.region: dict[str, Region] = {}
        self.division: dict[str, str] = {}
        self.units: dict[str, OrgUnit] = {}
        self.orgs: dict[str, Organisation] = {}
        self.passwords: dict[str, str] = {}
        from yiqiao.chain.engine.tree import ChainTree

        nodes = {n.code: n for n in ChainNode.objects.all()}
        # The demo's word pools still say the register's first codes: read them as the nodes
        # that replaced them (the chain's legacy mapping).
        legacy = {
            old: nodes[new] for old, new in ChainTree.bundled().legacy.items() if new in nodes
        }
        self.nodes: dict[str, ChainNode] = legacy | nodes
        self.bits = ChainBits()
        self.seen_names: set[str] = set()
        self.seen_uscc: set[str] = set()
        self.seen_tickers: set[str] = set()
        self.by_kind: Counter[str] = Counter()
        self.catalogue: dict[str, int] = {}
        self.chain_links = 0
        self.contacts = 0
        self.space_count = 0
        self.service_count = 0
        self.generated_owner_ids: list[int] = []
        self.space_names: set[str] = {s.name for s in SPACES}
        leaves = [code for code in words.NODE_WEIGHTS if code in self.nodes]
        self.leaf_codes = leaves
        self.leaf_weights = [words.NODE_WEIGHTS[c] for c in leaves]
        self.cum_weights = list(_accumulate(self.leaf_weights))

    # --- places and people ------------------------------------------------------------------
    def regions(self) -> None:
        for i, (code, name, kind, parent, division) in enumerate(REGIONS, start=1):
            region = Region(code=code, name=name, kind=kind, parent=self.region.get(parent or ""))
            region.save()
            self.region[code] = region
            self.division[code] = division
            self.progress("区域", i, len(REGIONS))
        # Then China's provinces, cities and counties (GB/T 2260), so outside organisations and
        # invited regions are the real places; the demo's 上海市 or 浦东新区 receive their codes.
        from ..services.regions import regions_load_china

        regions_load_china()

    def org_units(self) -> None:
        for i, (key, name, kind, region, parent) in enumerate(ORG_UNITS, start=1):
            unit = OrgUnit.objects.create(
                name=name,
                kind=kind,
                region=self.region[region],
                parent=self.units.get(parent or ""),
            )
            self.units[key] = unit
            self.progress("机构单元", i, len(ORG_UNITS))

    def users(self) -> None:
        """The demo logins, each with its own password (``demo_password_for``), printed once.
        Accounts that share a password (a fixed one in tests) share its hash: PBKDF2 costs
        about a second per hash."""
        hashed: dict[str, str] = {}
        for i, (username, unit, role, org, display, _label) in enumerate(USERS, start=1):
            user = User(
                username=username,
                org_unit=self.units[unit],
                role=role,
                organisation=self.orgs[org] if org else None,
                display_name=display,
                email=f"{username}@example.cn",
            )
            password = demo_password_for(username)
            self.passwords[username] = password
            if password in hashed:
                user.password = hashed[password]
            else:
                user.set_password(password)
                hashed[password] = user.password
            user.save()
            self.progress("演示账号", i, len(USERS))

    def owner_unit_for(self, region: str, park: str | None) -> OrgUnit:
        if region == "cq.gl" or region.startswith("cq.gl."):
            return self.units["outsider"]
        if park == "xs.jc.th.ez":
            return self.units["ez"]
        if park == "xs.jc.th.tmp":
            return self.units["tmp"]
        return self.units["bureau"]

    # --- codes ------------------------------------------------------------------------------
    def uscc(self, prefix: str, region: str, founded: date | None) -> str:
        """A unique, valid USCC: 2-char prefix, division code, GB 11714 org code, check char."""
        division = self.division[region]
        rng = self.rng
        while True:
            if founded is not None and founded.year >= 2016 and prefix == "91":
                body = "MA" + "".join(rng.choice(_USCC_ORG_ALPHABET) for _ in range(6))
            else:
                body = f"{rng.randrange(10**8):08d}"
            code = uscc_make(prefix + division + body + _gb11714_check(body))
            if code not in self.seen_uscc:
                self.seen_uscc.add(code)
                return code

    def listing(self, low_tech: bool) -> tuple[str, str]:
        """(market, ticker) for a generated listed company; tickers are unique.

        Technology firms list mostly on the STAR and ChiNext boards; traders and service
        chains on the main boards."""
        if low_tech:
            first = self.rng.choice((2, 4))
        else:
            first = min(len(words.LISTED_MARKETS) - 1, int(self.rng.expovariate(0.9)))
        for i in range(len(words.LISTED_MARKETS)):
            market, fmt, size = words.LISTED_MARKETS[(first + i) % len(words.LISTED_MARKETS)]
            for _ in range(30):
                code = fmt.format(self.rng.randrange(1, size))
                if code not in self.seen_tickers:
                    self.seen_tickers.add(code)
                    return market, code
        return "", ""  # every board is full (only at absurd scales): leave it unlisted

    # --- organisations ----------------------------------------------------------------------
    def derived(self, org: Organisation, codes: Any) -> Organisation:
        """bulk_create skips save(): set the search column and chain bits here."""
        org.refresh_derived()
        org.chain_mask = self.bits.mask(self.nodes[c].pk for c in codes)
        return org

    def core_organisations(self) -> None:
        objs: list[Organisation] = []
        for spec in CORE_ORGS:
            objs.append(self.derived(self.core_org(spec), spec.chain))
        created = Organisation.objects.bulk_create(objs)
        links: list[Any] = []
        contacts: list[Contact] = []
        through = Organisation.chain_nodes.through
        for spec, org in zip(CORE_ORGS, created, strict=True):
            self.orgs[spec.key] = org
            self.catalogue[f"org:{spec.key}"] = org.pk
            self.by_kind[org.kind] += 1
            for code in spec.chain:
                links.append(through(organisation_id=org.pk, chainnode_id=self.nodes[code].pk))
            for person in self.people(org.pk, self.rng.randint(1, 3)):
                contacts.append(person)
        through.objects.bulk_create(links)
        Contact.objects.bulk_create(contacts)
        self.chain_links += len(links)
        self.contacts += len(contacts)
        self.progress("核心机构", len(CORE_ORGS), len(CORE_ORGS))

    def core_org(self, spec: CoreOrg) -> Organisation:
        founded = date.fromisoformat(spec.founded) if spec.founded else None
        name = spec.name
        self.seen_names.add(name_normalise(name))
        if spec.ticker:
            self.seen_tickers.add(spec.ticker)
        return Organisation(
            name=name,
            name_normalised=name_normalise(name)[:120],
            kind=spec.kind,
            uscc=self.uscc(spec.uscc_prefix, spec.region, founded) if spec.uscc_prefix else None,
            aliases=list(spec.aliases),
            former_names=list(spec.former_names),
            region=self.region[spec.region],
            park=self.region[spec.park] if spec.park else None,
            founded_on=founded,
            registered_capital_yuan=_wan(spec.capital_wan),
            revenue_yuan=_wan(spec.revenue_wan),
            rd_spend_yuan=_wan(spec.rd_wan),
            headcount=spec.headcount,
            is_high_tech=spec.high_tech,
            is_specialised=spec.specialised,
            is_little_giant=spec.little_giant,
            is_listed=bool(spec.listed_market),
            listed_market=spec.listed_market,
            ticker=spec.ticker,
            is_pre_ipo=spec.pre_ipo,
            is_chain_leader=spec.chain_leader,
            lifecycle_stage=spec.stage,
            products=spec.products,
            description=spec.description,
            owner_unit=self.owner_unit_for(spec.region, spec.park),
        )

    def investor_profiles(self) -> None:
        for i, spec in enumerate(INVESTORS, start=1):
            extra = "；".join(f"{v}" for v in spec.extra.values())
            profile = InvestorProfile.objects.create(
                organisation=self.orgs[spec.org_key],
                stages=list(spec.stages),
                ticket_min_yuan=_wan(spec.ticket_min_wan),
                ticket_max_yuan=_wan(spec.ticket_max_wan),
                fund_size_yuan=_wan(spec.fund_wan),
                region_preference=(spec.region_preference + ("；" + extra if extra else ""))[:120],
            )
            profile.sectors.set([self.nodes[c] for c in spec.sectors])
            self.catalogue[f"investor:{spec.org_key}"] = profile.pk
            self.progress("投资人画像", i, len(INVESTORS))

    def near_duplicates(self) -> None:
        """Second records of a few core organisations, differing only in brackets/legal form."""
        objs = []
        for key, variant in NEAR_DUPLICATES:
            original = self.orgs[key]
            assert name_normalise(variant) == original.name_normalised, variant
            objs.append(
                Organisation(
                    name=variant,
                    name_normalised=name_normalise(variant)[:120],
                    kind=original.kind,
                    uscc=None,
                    region=original.region,
                    park=original.park,
                    founded_on=original.founded_on,
                    registered_capital_yuan=original.registered_capital_yuan,
                    headcount=original.headcount,
                    products=original.products,
                    owner_unit=original.owner_unit,
                )
            )
        specs = {spec.key: spec for spec in CORE_ORGS}
        for (key, _), obj in zip(NEAR_DUPLICATES, objs, strict=True):
            self.derived(obj, specs[key].chain)
        Organisation.objects.bulk_create(objs)
        through = Organisation.chain_nodes.through
        links = [
            through(organisation_id=obj.pk, chainnode_id=self.nodes[code].pk)
            for (key, _), obj in zip(NEAR_DUPLICATES, objs, strict=True)
            for code in specs[key].chain
        ]
        through.objects.bulk_create(links)
        self.chain_links += len(links)
        for obj in objs:
            self.by_kind[obj.kind] += 1

    def enterprises(self, scale: int) -> None:
        """``scale`` generated enterprises of the demo district, written in batches."""
        through = Organisation.chain_nodes.through
        district = self.region[DEMO_DISTRICT_CODE]
        parks = [self.region[c] for c in PARK_CODES]
        units = [self.owner_unit_for(DEMO_DISTRICT_CODE, c) for c in PARK_CODES]
        bureau = self.units["bureau"]
        self.progress("生成企业", 0, scale)
        done = 0
        while done < scale:
            n = min(BATCH_SIZE, scale - done)
            orgs: list[Organisation] = []
            plans: list[tuple[list[str], int]] = []
            for _ in range(n):
                org, codes = self.enterprise(district, parks, units, bureau)
                orgs.append(self.derived(org, codes))
                plans.append((codes, self.contact_count()))
            Organisation.objects.bulk_create(orgs)
            links = []
            contacts: list[Contact] = []
            for org, (codes, n_contacts) in zip(orgs, plans, strict=True):
                for code in codes:
                    links.append(through(organisation_id=org.pk, chainnode_id=self.nodes[code].pk))
                if n_contacts:
                    contacts.extend(self.people(org.pk, n_contacts))
            through.objects.bulk_create(links)
            Contact.objects.bulk_create(contacts)
            if len(self.generated_owner_ids) < 40:
                self.generated_owner_ids.extend(
                    o.pk for o in orgs[: 40 - len(self.generated_owner_ids)]
                )
            self.chain_links += len(links)
            self.contacts += len(contacts)
            self.by_kind[Organisation.Kind.ENTERPRISE] += n
            done += n
            self.progress("生成企业", done, scale)

    def contact_count(self) -> int:
        r = self.rng.random()
        if r < 0.62:
            return 0
        if r < 0.86:
            return 1
        return 2 if r < 0.96 else 3

    def pick_node(self) -> str:
        x = self.rng.random() * self.cum_weights[-1]
        lo, hi = 0, len(self.cum_weights) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum_weights[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return self.leaf_codes[lo]

    def enterprise(
        self,
        district: Region,
        parks: list[Region],
        units: list[OrgUnit],
        bureau: OrgUnit,
    ) -> tuple[Organisation, list[str]]:
        rng = self.rng
        node = self.pick_node()
        codes = [node]
        if rng.random() < 0.3:
            other = self.pick_node()
            if other != node:
                codes.append(other)
        name, brand, trade = self.company_name(node)

        age_years = min(32.0, rng.gammavariate(1.5, 4.8))
        founded = REFERENCE_DATE - timedelta(days=int(age_years * 365.25) + rng.randrange(0, 30))
        size = rng.lognormvariate(math.log(12), 1.25) * (0.6 + min(age_years, 15) / 12)
        headcount = max(1, min(30_000, int(size)))
        capital = _round_to(rng.lognormvariate(math.log(2_000_000), 1.1), 10_000)
        low_tech = node in words.LOW_TECH_NODES
        revenue: int | None = None
        rd: int | None = None
        if rng.random() < 0.78:
            per_head = rng.lognormvariate(math.log(420_000 if low_tech else 300_000), 0.6)
            revenue = _round_to(headcount * per_head * min(1.0, 0.25 + age_years / 4), 1_000)

        p_high_tech = (0.12 if low_tech else 0.26) + (0.22 if headcount >= 20 else 0.0)
        p_high_tech += 0.12 if headcount >= 100 else 0.0
        is_high_tech = rng.random() < p_high_tech and age_years >= 1
        if revenue is not None:
            share = rng.uniform(0.05, 0.22) if is_high_tech else rng.uniform(0.0, 0.06)
            rd = _round_to(revenue * share, 1_000) if share > 0.005 else None
        is_specialised = is_high_tech and headcount >= 20 and rng.random() < 0.16
        is_little_giant = is_specialised and rng.random() < 0.12
        market = ticker = ""
        if headcount >= 300 and rng.random() < 0.2:
            market, ticker = self.listing(low_tech)
        is_listed = bool(market)
        is_pre_ipo = not is_listed and headcount >= 100 and rng.random() < 0.08
        is_chain_leader = is_listed and rng.random() < 0.15

        stage: str
        if is_listed:
            stage = Organisation.Stage.LISTED
        elif rng.random() < 0.04:
            stage = ""
        elif age_years < 2:
            stage = Organisation.Stage.SEED
        elif age_years < 5 or headcount < 20:
            stage = Organisation.Stage.STARTUP
        elif headcount < 300:
            stage = Organisation.Stage.GROWTH
        else:
            stage = Organisation.Stage.MATURE

        products_pool = words.NODE_WORDS[node][1]
        products = rng.sample(products_pool, k=rng.randint(1, 3))
        templates = words.DESCRIPTION_TEMPLATES[words.DESCRIPTION_GROUP.get(node, "maker")]
        description = rng.choice(templates).format(product=products[0])
        short = words.TRADE_SHORT.get(trade, trade[-2:])
        aliases = [brand + short] if rng.random() < 0.15 else []
        former_names: list[str] = []
        if age_years > 6 and rng.random() < 0.04:
            # renamed once: same brand, an older trade word and legal form
            former_names = [brand + rng.choice(words.FORMER_TRADES) + "有限责任公司"]
        has_uscc = rng.random() < 0.9
        r = rng.random()
        park_index = (
            None if r < 0.42 else 0 if r < 0.63 else 1 if r < 0.77 else 2 if r < 0.91 else 3
        )
        if node.startswith("pharma_commerce") and park_index is not None and rng.random() < 0.5:
            park_index = 3
        org = Organisation(
            name=name,
            name_normalised=name_normalise(name)[:120],
            kind=Organisation.Kind.ENTERPRISE,
            uscc=self.uscc("91", DEMO_DISTRICT_CODE, founded) if has_uscc else None,
            aliases=aliases,
            former_names=former_names,
            region=district,
            park=parks[park_index] if park_index is not None else None,
            founded_on=founded,
            registered_capital_yuan=Decimal(capital),
            revenue_yuan=Decimal(revenue) if revenue is not None else None,
            rd_spend_yuan=Decimal(rd) if rd is not None else None,
            headcount=headcount,
            is_high_tech=is_high_tech,
            is_specialised=is_specialised,
            is_little_giant=is_little_giant,
            is_listed=is_listed,
            listed_market=market,
            ticker=ticker,
            is_pre_ipo=is_pre_ipo,
            is_chain_leader=is_chain_leader,
            lifecycle_stage=stage,
            products="、".join(products),
            description=brand + trade + description,
            owner_unit=units[park_index] if park_index is not None else bureau,
        )
        return org, codes

    def company_name(self, node: str) -> tuple[str, str, str]:
        """(full name, brand, trade word); the normalised name is unique in the register."""
        rng = self.rng
        trades = words.NODE_WORDS[node][0]
        for attempt in range(200):
            brand = rng.choice(_BRANDS) + rng.choice(_BRANDS)
            if attempt >= 40:
                brand += rng.choice(_BRANDS)
            if brand[0] == brand[1]:
                continue
            trade = rng.choice(trades)
            r = rng.random()
            suffix = "有限公司" if r < 0.88 else "股份有限公司" if r < 0.96 else "有限责任公司"
            r = rng.random()
            if r < 0.07:
                name = rng.choice(words.PLACE_PREFIXES) + brand + trade + suffix
            elif r < 0.11:
                name = brand + "（" + rng.choice(words.PLACE_PREFIXES) + "）" + trade + suffix
            else:
                name = brand + trade + suffix
            key = name_normalise(name)
            if key not in self.seen_names:
                self.seen_names.add(key)
                return name, brand, trade
        raise DemoError("无法生成不重复的企业名称")  # pragma: no cover - space is ~10^7 names

    def people(self, org_id: int, n: int) -> Iterator[Contact]:
        rng = self.rng
        for i in range(n):
            surname, s_py = rng.choice(words.SURNAMES)
            given = [rng.choice(words.GIVEN) for _ in range(1 if rng.random() < 0.35 else 2)]
            name = surname + "".join(g[0] for g in given)
            local = "".join(g[1] for g in given) + "." + s_py
            if rng.random() < 0.4:
                local += str(rng.randrange(1, 100))
            phone = (
                f"{rng.choice(words.PHONE_PREFIXES)}-{rng.randrange(10_000):04d}"
                f"-{rng.randrange(10_000):04d}"
            )
            yield Contact(
                organisation_id=org_id,
                name=name,
                title=rng.choice(words.CONTACT_TITLES),
                phone=phone,
                email=f"{local}@{rng.choice(words.EMAIL_DOMAINS)}",
                is_primary=i == 0,
            )

    # --- spaces and services ----------------------------------------------------------------
    def spaces(self) -> None:
        objs: list[Space] = []
        keys: list[str] = []
        for spec in SPACES:
            owner = self.orgs.get(spec.owner) if spec.owner else None
            objs.append(
                Space(
                    name=spec.name,
                    kind=spec.kind,
                    park=self.region[spec.park],
                    address=spec.address,
                    total_area_m2=Decimal(str(spec.total_m2)),
                    available_area_m2=Decimal(str(spec.available_m2)),
                    rent_yuan_per_m2_month=Decimal(str(spec.rent)) if spec.rent else None,
                    gmp_grade=spec.gmp_grade,
                    cleanroom_class=spec.cleanroom,
                    floor_load_kg_m2=spec.floor_load,
                    owner=owner,
                    description=spec.description,
                    is_available=spec.available_m2 > 0,
                    owner_unit=self.owner_unit_for(DEMO_DISTRICT_CODE, spec.park),
                )
            )
            keys.append(spec.key)
        for i in range(max(0, SPACE_TOTAL - len(SPACES))):
            objs.append(self.generated_space(i))
        for space in objs:
            _legacy_attributes(space)
        created = Space.objects.bulk_create(objs)
        for key, space in zip(keys, created, strict=False):
            self.catalogue[key] = space.pk
        self.space_count = len(created)
        self.progress("载体", len(created), len(created))

    def generated_space(self, i: int) -> Space:
        rng = self.rng
        park = PARK_CODES[rng.choices(range(4), weights=(0.38, 0.24, 0.24, 0.14))[0]]
        kinds = {
            "xs.jc.th.ez": (("plant", 0.5), ("land", 0.12), ("building", 0.2), ("lab", 0.18)),
            "xs.jc.th.tmp": (("lab", 0.45), ("building", 0.4), ("plant", 0.15)),
            "xs.jc.th.smv": (("building", 0.75), ("lab", 0.25)),
            "xs.jc.th.clz": (("plant", 0.5), ("building", 0.35), ("land", 0.15)),
        }[park]
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        building = rng.choice(words.SPACE_BUILDINGS[park])
        block = rng.choice("ABCDEF") + str(rng.randint(1, 9))
        street = words.SPACE_STREETS[park]
        number = rng.randint(1, 240)
        gmp = cleanroom = ""
        load: int | None
        if kind == "land":
            mu = rng.choice((8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80))
            total = round(mu * 666.67)
            use, code = ("商贸流通", "SY") if park == "xs.jc.th.clz" else ("工业", "GY")
            name = f"{building}周边{use}用地{code}-2025-{i + 11:02d}（约{mu}亩）"
            rent = None
            load = None
        elif kind == "plant":
            floor = rng.randint(1, 4)
            total = _round_to(rng.uniform(800, 9000), 10)
            name = f"{building}{block}栋{floor}层厂房"
            rent = round(rng.uniform(22, 60), 1)
            load = rng.choice((500, 800, 1000, 1500, 2000, 3000))
            if park != "xs.jc.th.clz" and rng.random() < 0.45:
                gmp = rng.choice(("C级", "D级", "D级", "B级"))
                cleanroom = {"B级": "ISO 5/7", "C级": "万级（ISO 7）", "D级": "十万级（ISO 8）"}[
                    gmp
                ]
                name = f"{building}{block}栋{floor}层洁净车间"
        elif kind == "lab":
            floor = rng.randint(2, 12)
            total = _round_to(rng.uniform(100, 1500), 10)
            name = f"{building}{block}栋{floor}层实验室"
            rent = round(rng.uniform(50, 130), 1)
            load = rng.choice((300, 400, 500, 600))
            if rng.random() < 0.3:
                cleanroom = rng.choice(("BSL-2", "P2", "SPF"))
        else:
            floor = rng.randint(2, 28)
            total = _round_to(rng.uniform(200, 3000), 10)
            name = f"{building}{block}座{floor}层"
            rent = round(rng.uniform(40, 95), 1)
            load = rng.choice((200, 250, 300))
        is_available = rng.random() < 0.78
        available = _round_to(total * rng.uniform(0.15, 1.0), 10) if is_available else 0
        available = min(available, total)
        if is_available and available == 0:
            is_available = False
        features = rng.sample(words.SPACE_FEATURES[kind], k=2)
        owner_key = rng.choice(
            {
                "xs.jc.th.ez": ("inv.state", "gov.ez", "plat.cdmo", ""),
                "xs.jc.th.tmp": ("gov.tmp", "inst.tmf", ""),
                "xs.jc.th.smv": ("inv.state", "inc.valley", ""),
                "xs.jc.th.clz": ("ent.logistics", "gov.commerce", ""),
            }[park]
        )
        owner_id = self.orgs[owner_key].pk if owner_key else None
        if owner_id is None and self.generated_owner_ids and rng.random() < 0.5:
            owner_id = rng.choice(self.generated_owner_ids)
        return Space(
            name=self.unique_space_name(name),
            kind=kind,
            park=self.region[park],
            address=f"{street}{number}号",
            total_area_m2=Decimal(total),
            available_area_m2=Decimal(available),
            rent_yuan_per_m2_month=Decimal(str(rent)) if rent is not None else None,
            gmp_grade=gmp,
            cleanroom_class=cleanroom,
            floor_load_kg_m2=load,
            owner_id=owner_id,
            description="，".join(features) + "。",
            is_available=is_available,
            owner_unit=self.owner_unit_for(DEMO_DISTRICT_CODE, park),
        )

    def link_chain(self, org: Organisation, code: str) -> None:
        """Tie a described organisation to its chain position's node (and its chain bits)."""
        node = self.nodes.get(code)
        if node is None:
            return
        org.chain_nodes.add(node)
        org.chain_mask = self.bits.mask([node.pk])
        org.save(update_fields=["chain_mask"])
        self.chain_links += 1

    def register_data(self) -> None:
        """The described register (spaces, services, investors, partners in RESOURCES.md's
        attributes) from yiqiao/demo/data/register/."""
        from .register_data import RegisterLoader

        loader = RegisterLoader(
            orgs=self.orgs,
            regions=self.region,
            owner_unit_for=self.owner_unit_for,
            today=timezone.localdate(),
            link_chain=self.link_chain,
            uscc_for=self.uscc,
        )
        counts = loader.load()
        for key, org in loader.by_key.items():
            self.catalogue[key] = org.pk
        self.by_kind.update(loader.added_kinds)
        self.space_count += counts["spaces"]
        self.service_count += counts["services"]
        self.progress("载体与服务目录", counts["spaces"], counts["spaces"])

    def unique_space_name(self, name: str) -> str:
        """The name, or the name with a unit number when an earlier space took it."""
        candidate, unit = name, 1
        while candidate in self.space_names:
            unit += 1
            candidate = f"{name}（{unit}号单元）"
        self.space_names.add(candidate)
        return candidate

    def services(self) -> None:
        objs = [
            Service(
                provider=self.orgs[spec.provider],
                name=spec.name,
                category=spec.category,
                description=spec.description,
                capacity_per_month=spec.capacity_per_month,
                lead_time_days=spec.lead_time_days,
                price_note=spec.price_note,
            )
            for spec in SERVICES
        ]
        created = Service.objects.bulk_create(objs)
        for spec, service in zip(SERVICES, created, strict=True):
            self.catalogue[spec.key] = service.pk
        self.service_count = len(created)
        self.progress("平台服务", len(created), len(created))


def _legacy_attributes(space: Space) -> None:
    """The vocabulary's attributes of a generated space, from its legacy fields only (the
    migration's mapping): status from 可招商, GMP grade → gmp and ISO class, kg/㎡ → kN/㎡."""
    space.status = "available" if space.is_available else "leased"
    grade = (space.gmp_grade or "")[:1].upper()
    if grade in {"A", "B", "C", "D"}:
        space.gmp = True
        space.cleanroom_iso = cleanroom_iso(grade)
    if space.floor_load_kg_m2:
        space.floor_load_kn_m2 = round(space.floor_load_kg_m2 * 0.0098, 2)


def _round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total
