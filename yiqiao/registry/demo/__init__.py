"""The demo district: a deterministic, realistic register for demos, tests and benchmarks.

    from yiqiao.registry.demo import generate_demo
    summary = generate_demo(scale=3000, seed=7)
    for username, password, role in summary.logins:
        print(username, password, role)

``generate_demo`` only loads into an empty database (``DemoError`` otherwise). The district's
region code is ``DEMO_DISTRICT_CODE`` ("xs.jc.th"); every demo login uses ``DEMO_PASSWORD``.
All names and texts are invented. See ``generator`` for the data model of the generated part,
``core`` and ``catalogue`` for the hand-written records.
"""

from __future__ import annotations

from .generator import DemoError, DemoSummary, generate_demo
from .places import DEMO_DISTRICT_CODE, DEMO_PASSWORD, OUTSIDER_DISTRICT_CODE

__all__ = [
    "DEMO_DISTRICT_CODE",
    "DEMO_PASSWORD",
    "OUTSIDER_DISTRICT_CODE",
    "DemoError",
    "DemoSummary",
    "generate_demo",
]
