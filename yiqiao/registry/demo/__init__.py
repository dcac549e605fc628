"""The demo district: a deterministic, realistic register for demos, tests and benchmarks.

    from yiqiao.registry.demo import generate_demo
    summary = generate_demo(scale=3000, seed=7)
    for username, password, role in summary.logins:
        print(username, password, role)

``generate_demo`` only loads into an empty database (``DemoError`` otherwise). The district's
region code is ``DEMO_DISTRICT_CODE`` ("xs.jc.th"); every demo login gets its own random password, printed once (``DEMO_PASSWORD`` is the one
password tests give them all through ``YIQIAO_DEMO_PASSWORD``).
All names and texts are invented. See ``generator`` for the data model of the generated part,
``records`` and ``catalogue`` for the hand-written records.
"""

from __future__ import annotations

from yiqiao.demo.generators import DemoContext

from .generator import DemoError, DemoSummary, generate_demo
from .places import DEMO_DISTRICT_CODE, DEMO_PASSWORD, OUTSIDER_DISTRICT_CODE

__all__ = [
    "DEMO_DISTRICT_CODE",
    "DEMO_PASSWORD",
    "OUTSIDER_DISTRICT_CODE",
    "DemoError",
    "DemoSummary",
    "generate_demo",
    "register_demo",
    "register_logins",
    "register_present",
]


def register_demo(context: DemoContext) -> DemoSummary:
    """The register's part of `yiqiao demo`: regions, units, users, organisations, spaces."""
    summary = generate_demo(scale=context.scale, seed=context.seed, progress=context.progress)
    context.logins.extend(summary.logins)
    context.headline = (
        f"\n示范区已生成：{summary.organisations} 家机构、{summary.spaces} 处载体、"
        f"{summary.services} 项平台服务（{summary.seconds:.1f} 秒）"
    )
    return summary


def register_present() -> bool:
    from yiqiao.registry.models import Organisation

    return Organisation.objects.exists()


def register_logins() -> list[tuple[str, str, str]]:
    """The demo accounts that exist, as (username, password, role)."""
    from yiqiao.accounts.models import User

    from .places import USERS

    present = set(User.objects.values_list("username", flat=True))
    # Passwords are shown once, when the demo is made; they cannot be read back.
    return [(u[0], "", u[5]) for u in USERS if u[0] in present]
