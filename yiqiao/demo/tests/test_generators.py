"""The demo generator registry: every app's part runs once, after the parts it needs."""

from __future__ import annotations

import pytest

from yiqiao.demo import generators
from yiqiao.demo.generators import DemoOrderError, demo_generators, register_demo_generator


def test_it_orders_the_registered_generators_by_dependency() -> None:
    keys = [g.key for g in demo_generators()]
    assert keys.index("register") < keys.index("policies")


def test_it_refuses_a_cycle_and_an_unknown_name() -> None:
    saved = dict(generators._GENERATORS)
    try:
        register_demo_generator("a", lambda c: None, after=("b",))
        register_demo_generator("b", lambda c: None, after=("a",))
        with pytest.raises(DemoOrderError, match="cycle"):
            demo_generators()
        generators._GENERATORS.pop("b")
        with pytest.raises(DemoOrderError, match="unknown"):
            demo_generators()
    finally:
        generators._GENERATORS.clear()
        generators._GENERATORS.update(saved)
