"""Shared fixtures: a small district and three personas (officer, park officer, outsider).

alice  — officer of the district bureau (sees the whole district)
bob    — officer of the translational-medicine park committee (sees that park only)
charlie — officer of another city's district bureau (sees none of our records)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Demo accounts normally get random passwords printed once; tests sign in with a known one.
os.environ.setdefault("YIQIAO_DEMO_PASSWORD", "yiqiao-demo")

PASSWORD = "correct-horse-9"


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "browser"}


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        help="the fast tier: engines and unit tests only (no database, browser or slow tests)",
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """`--fast` keeps the tests that touch no database, no browser and are not marked slow."""
    if not config.getoption("--fast"):
        return
    keep: list[Any] = []
    drop: list[Any] = []
    for item in items:
        uses_database = bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        marked = any(item.get_closest_marker(m) for m in ("django_db", "browser", "slow"))
        (drop if uses_database or marked else keep).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """PBKDF2 with Django's default iterations costs ~0.25 s CPU for every password set or
    checked, and the suite makes and logs in thousands of users (about half its CPU time went
    there). Tests hash with MD5; deployments keep the default hashers (settings.py)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()  # type: ignore[attr-defined]  # an lru_cache
    get_hashers_by_algorithm.cache_clear()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _one_request_at_a_time_live_server() -> None:
    """The test database on SQLite is in memory, and Django hands the live server the test's
    own connection; its threaded server then runs the browser's parallel requests (the
    cockpit's charts load together) on that one connection at once, which hung a CI run for
    an hour. The browser tests' server answers one request at a time (and closes each
    connection, as Django's server does when it is not threaded)."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            # The override is applied by LiveServerThread.run to the thread that serves.
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = OneRequestAtATime  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks run inline in tests so their effect can be asserted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _chain_tree(request: Any) -> None:
    """Tests that truncate tables (transactional and browser tests) also remove the chain
    tree that the chain app's migrations load; put it back for every test that uses the
    database."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from yiqiao.chain.services.tree import chain_tree_ensure

    chain_tree_ensure()


@pytest.fixture
def regions(db: Any) -> dict[str, Any]:
    from yiqiao.chain.services.tree import chain_tree_ensure
    from yiqiao.registry.models import Region

    chain_tree_ensure()

    province = Region.objects.create(code="tp", name="天府省", kind=Region.Kind.PROVINCE)
    city = Region.objects.create(
        code="tp.jc", name="锦城市", kind=Region.Kind.CITY, parent=province
    )
    district = Region.objects.create(
        code="tp.jc.th", name="桐华区", kind=Region.Kind.DISTRICT, parent=city
    )
    park = Region.objects.create(
        code="tp.jc.th.tmp", name="桐华转化医学产业园", kind=Region.Kind.PARK, parent=district
    )
    zone = Region.objects.create(
        code="tp.jc.th.dz", name="桐华经济开发区", kind=Region.Kind.ZONE, parent=district
    )
    other_city = Region.objects.create(
        code="tp.yz", name="雁州市", kind=Region.Kind.CITY, parent=province
    )
    other = Region.objects.create(
        code="tp.yz.bs", name="北山区", kind=Region.Kind.DISTRICT, parent=other_city
    )
    return {
        "province": province,
        "city": city,
        "district": district,
        "park": park,
        "zone": zone,
        "other": other,
    }


@pytest.fixture
def units(regions: dict[str, Any]) -> dict[str, Any]:
    from yiqiao.accounts.models import OrgUnit

    return {
        "bureau": OrgUnit.objects.create(
            name="桐华区投资促进局", kind=OrgUnit.Kind.BUREAU, region=regions["district"]
        ),
        "park": OrgUnit.objects.create(
            name="转化医学产业园管委会", kind=OrgUnit.Kind.PARK_COMMITTEE, region=regions["park"]
        ),
        "outsider": OrgUnit.objects.create(
            name="北山区商务局", kind=OrgUnit.Kind.BUREAU, region=regions["other"]
        ),
        "portal": OrgUnit.objects.create(
            name="桐华区企业服务门户", kind=OrgUnit.Kind.ENTERPRISE, region=regions["district"]
        ),
    }


def make_user(username: str, unit: Any, role: str, **extra: Any) -> Any:
    from yiqiao.accounts.models import User

    user = User(username=username, org_unit=unit, role=role, display_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def alice(units: dict[str, Any]) -> Any:
    return make_user("alice", units["bureau"], "officer")


@pytest.fixture
def admin_user(units: dict[str, Any]) -> Any:
    return make_user("ada", units["bureau"], "admin")


@pytest.fixture
def viewer(units: dict[str, Any]) -> Any:
    return make_user("victor", units["bureau"], "viewer")


@pytest.fixture
def bob(units: dict[str, Any]) -> Any:
    return make_user("bob", units["park"], "officer")


@pytest.fixture
def charlie(units: dict[str, Any]) -> Any:
    return make_user("charlie", units["outsider"], "officer")


@pytest.fixture
def org_factory(regions: dict[str, Any], units: dict[str, Any]) -> Any:
    from yiqiao.registry.models import Organisation

    def make(name: str, **fields: Any) -> Organisation:
        fields.setdefault("kind", Organisation.Kind.ENTERPRISE)
        fields.setdefault("region", regions["district"])
        fields.setdefault("owner_unit", units["bureau"])
        return Organisation.objects.create(name=name, **fields)

    return make


@pytest.fixture
def client_for(client: Any) -> Any:
    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


# ---- browser tests: Playwright driving Debian's Chromium (never a downloaded browser) ----

CHROMIUM = os.environ.get("YIQIAO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, request: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[Any]:
    outcome: Any = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
