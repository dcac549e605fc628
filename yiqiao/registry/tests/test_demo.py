"""The demo district generator: determinism, refusal, counts, codes, logins, scope, spaces."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Q

from yiqiao.accounts.models import User
from yiqiao.core.uscc import uscc_problem
from yiqiao.registry import queries
from yiqiao.registry.demo import (
    DEMO_DISTRICT_CODE,
    DEMO_PASSWORD,
    OUTSIDER_DISTRICT_CODE,
    DemoError,
    generate_demo,
    generator,
)
from yiqiao.registry.demo.catalogue import SERVICES, SPACES, catalogue_entries
from yiqiao.registry.demo.records import CORE_ORGS, INVESTORS, NEAR_DUPLICATES
from yiqiao.registry.demo.register_data import described_counts
from yiqiao.registry.models import (
    Contact,
    InvestorProfile,
    Organisation,
    Region,
    Service,
    Space,
)
from yiqiao.vocab import SPACE_KIND

SCALE = 150


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _Rollback(Exception):
    pass


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "orgs": list(
            Organisation.objects.order_by("id").values_list(
                "name", "uscc", "founded_on", "headcount", "revenue_yuan", "is_high_tech"
            )
        ),
        "contacts": list(Contact.objects.order_by("id").values_list("name", "phone", "email")),
        "spaces": list(Space.objects.order_by("id").values_list("name", "available_area_m2")),
        "links": list(
            Organisation.chain_nodes.through.objects.order_by("id").values_list(
                "organisation__name", "chainnode__code"
            )
        ),
    }


def _generate_and_roll_back(seed: int) -> dict[str, list[tuple[Any, ...]]]:
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    try:
        with transaction.atomic():
            generate_demo(scale=SCALE, seed=seed)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Organisation.objects.exists()
    return snapshot


@pytest.mark.django_db
def test_it_generates_identical_data_for_the_same_seed_and_different_data_for_another() -> None:
    first = _generate_and_roll_back(7)
    second = _generate_and_roll_back(7)
    other = _generate_and_roll_back(8)
    added = sum(described_counts()["added_kinds"].values())
    assert len(first["orgs"]) == len(CORE_ORGS) + len(NEAR_DUPLICATES) + SCALE + added
    assert first == second
    start = len(CORE_ORGS) + len(NEAR_DUPLICATES)
    generated = slice(start, start + SCALE)
    assert [o[0] for o in first["orgs"][generated]] != [o[0] for o in other["orgs"][generated]]
    assert [o[1] for o in first["orgs"][generated]] != [o[1] for o in other["orgs"][generated]]


@pytest.mark.django_db
def test_it_refuses_a_database_that_already_has_organisations() -> None:
    region = Region.objects.create(code="zz", name="已有区域", kind="city")
    Organisation.objects.create(name="已有企业有限公司", kind="enterprise", region=region)
    with pytest.raises(DemoError, match="已有机构"):
        generate_demo(scale=10)
    assert Region.objects.count() == 1
    assert Organisation.objects.count() == 1
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_when_a_demo_username_is_taken() -> None:
    User.objects.create_user(username="admin", password="x-1234567")
    with pytest.raises(DemoError, match="admin"):
        generate_demo(scale=10)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_writes_the_expected_counts_by_kind() -> None:
    summary = generate_demo(scale=SCALE, seed=3)
    expected = Counter(spec.kind for spec in CORE_ORGS)
    keys = {spec.key: spec.kind for spec in CORE_ORGS}
    expected.update(keys[key] for key, _ in NEAR_DUPLICATES)
    expected["enterprise"] += SCALE
    described = described_counts()
    expected.update(described["added_kinds"])
    in_db = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")))
    assert in_db == dict(expected)
    assert summary.by_kind == dict(sorted(expected.items()))
    assert summary.organisations == sum(expected.values())
    assert Space.objects.count() == summary.spaces == 150 + described["spaces"]
    assert Service.objects.count() == summary.services == len(SERVICES) + described["services"]
    demo_investors = {spec.org_key for spec in INVESTORS} | described["investor_demo_keys"]
    assert InvestorProfile.objects.count() == (
        len(demo_investors) + described["added_kinds"]["investor"]
    )
    assert Contact.objects.count() == summary.contacts
    links = Organisation.chain_nodes.through.objects.count()
    assert links == summary.chain_links
    legacy = Service.objects.filter(name__in=[s.name for s in SERVICES], provider__kind="platform")
    per_platform = Counter(legacy.values_list("provider_id", flat=True))
    assert len(per_platform) == 8
    assert all(3 <= n <= 8 for n in per_platform.values())
    generated = Organisation.objects.filter(
        kind="enterprise", region__code=DEMO_DISTRICT_CODE
    ).exclude(pk__in=[summary.catalogue[k] for k in summary.catalogue if k.startswith("ORG-")])
    assert not generated.annotate(n=Count("chain_nodes")).filter(Q(n=0) | Q(n__gt=2)).exists()
    assert set(summary.catalogue) >= {s.key for s in SPACES} | {s.key for s in SERVICES}


@pytest.mark.django_db
def test_it_gives_every_uscc_a_valid_check_character_and_leaves_some_without() -> None:
    generate_demo(scale=SCALE, seed=5)
    codes = [c for c in Organisation.objects.values_list("uscc", flat=True) if c is not None]
    assert [c for c in codes if uscc_problem(c) is not None] == []
    assert len(set(codes)) == len(codes)
    enterprises = Organisation.objects.filter(kind="enterprise")
    without = enterprises.filter(uscc=None).count()
    assert 0 < without < enterprises.count() * 0.25


@pytest.mark.django_db
def test_it_lets_every_demo_login_sign_in(client: Any) -> None:
    summary = generate_demo(scale=20, seed=1)
    assert [login[0] for login in summary.logins] == [
        "admin",
        "officer",
        "park",
        "viewer",
        "leader",
        "enterprise",
        "platform",
        "outsider",
    ]
    for username, password, role in summary.logins:
        assert password == DEMO_PASSWORD
        assert role
        assert client.login(username=username, password=password), username
        client.logout()
    assert not client.login(username="officer", password="wrong-password")
    enterprise = User.objects.get(username="enterprise")
    assert enterprise.organisation is not None
    assert enterprise.organisation.name == "川诺诊断技术有限公司"
    platform = User.objects.get(username="platform")
    assert platform.organisation is not None
    assert platform.organisation.kind == "platform"


@pytest.mark.django_db
def test_it_keeps_the_demo_district_out_of_the_outsiders_region() -> None:
    generate_demo(scale=SCALE, seed=2)
    outsider = User.objects.get(username="outsider")
    assert outsider.org_unit is not None
    root = outsider.org_unit.region
    assert root.code == OUTSIDER_DISTRICT_CODE
    district = Region.objects.get(code=DEMO_DISTRICT_CODE)
    outsider_regions = Region.objects.filter(path__startswith=root.path)
    ours = Organisation.objects.filter(
        Q(region__path__startswith=district.path) | Q(park__path__startswith=district.path)
    )
    assert ours.count() > SCALE
    assert not ours.filter(Q(region__in=outsider_regions) | Q(park__in=outsider_regions)).exists()
    seen = queries.organisation_list(user=outsider, filters=queries.OrganisationFilters())
    assert sorted(seen.values_list("region__code", flat=True)) == [OUTSIDER_DISTRICT_CODE] * 3
    officer = User.objects.get(username="officer")
    officer_sees = queries.organisation_list(user=officer, filters=queries.OrganisationFilters())
    assert not officer_sees.filter(region__code=OUTSIDER_DISTRICT_CODE).exists()
    assert officer_sees.filter(region__code=DEMO_DISTRICT_CODE).count() >= SCALE


@pytest.mark.django_db
def test_it_keeps_available_area_within_total() -> None:
    generate_demo(scale=10, seed=9)
    assert Space.objects.count() == 150 + described_counts()["spaces"]
    assert not Space.objects.filter(available_area_m2__gt=F("total_area_m2")).exists()
    assert not Space.objects.filter(is_available=True, available_area_m2=0).exists()
    kinds = set(Space.objects.values_list("kind", flat=True))
    assert kinds == {"building", "plant", "land", "lab"} | set(SPACE_KIND.values)
    # every space states whether it is on offer, in the vocabulary
    assert not Space.objects.filter(status=None).exists()
    assert Space.objects.filter(is_available=False).exists()
    assert Space.objects.exclude(gmp_grade="").filter(kind="plant").exists()


@pytest.mark.django_db
def test_it_plants_near_duplicates_the_duplicates_page_finds() -> None:
    generate_demo(scale=SCALE, seed=4)
    admin = User.objects.get(username="admin")
    pairs = queries.likely_duplicates(user=admin)
    names = sorted(other.name for _, other in pairs)
    assert names == sorted(variant for _, variant in NEAR_DUPLICATES)
    total = Organisation.objects.count()
    distinct = Organisation.objects.values("name_normalised").distinct().count()
    assert total - distinct == len(NEAR_DUPLICATES)


@pytest.mark.django_db
def test_it_reports_progress_for_each_stage(monkeypatch: Any) -> None:
    monkeypatch.setattr(generator, "BATCH_SIZE", 100)
    calls: list[tuple[str, int, int]] = []
    generate_demo(scale=250, seed=6, progress=lambda s, d, t: calls.append((s, d, t)))
    enterprise_calls = [c for c in calls if c[0] == "生成企业"]
    assert enterprise_calls == [
        ("生成企业", 0, 250),
        ("生成企业", 100, 250),
        ("生成企业", 200, 250),
        ("生成企业", 250, 250),
    ]
    stages = list(dict.fromkeys(c[0] for c in calls))
    assert stages == [
        "区域",
        "机构单元",
        "核心机构",
        "投资人画像",
        "生成企业",
        "载体",
        "平台服务",
        "载体与服务目录",
        "演示账号",
    ]


@pytest.mark.django_db
def test_it_rejects_a_negative_scale() -> None:
    with pytest.raises(DemoError, match="scale"):
        generate_demo(scale=-1)
    assert not Region.objects.exists()


def test_it_describes_the_catalogue_with_unique_keys_and_the_needed_vocabulary() -> None:
    entries = catalogue_entries()
    keys = [str(e["key"]) for e in entries]
    assert len(keys) == len(set(keys))
    assert Counter(str(e["kind"]) for e in entries) == {
        "space": len(SPACES),
        "service": len(SERVICES),
        "investor": len(INVESTORS),
        "platform": 9,
        "partner": 14,
    }
    assert all(len(str(e["text"])) >= 15 for e in entries)
    corpus = "\n".join(f"{e['title']} {e['text']}" for e in entries)
    for term in (
        "CDMO",
        "中试",
        "GMP厂房",
        "洁净车间",
        "IVD",
        "CRO",
        "概念验证",
        "天使投资",
        "拨投结合",
        "冷链物流",
        "商贸流通用地",
    ):
        assert term in corpus, term
    for space in SPACES:
        assert 0 <= space.available_m2 <= space.total_m2, space.key
