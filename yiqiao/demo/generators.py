"""The registry of demo generators and the run that calls them in dependency order.

A generator is a function `run(context) -> None` that writes its app's part of the demo
district through its app's services or bulk loaders, deterministically for `context.seed`. It
may read what earlier generators left in `context.results` (by key) and add lines to
`context.notes` (printed in order) or set `context.headline` (printed after all of them).

    register_demo_generator(
        "projects", projects_demo, after=("register", "policies"), label="招商项目"
    )

`after` names the generators that must run first; a cycle or an unknown name is an error when
the demo runs, not a silent reordering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str, int, int], None]


@dataclass
class DemoContext:
    """What a generator gets: the seed, the scale, progress, and the results so far."""

    seed: int
    scale: int
    progress: Progress
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    headline: str = ""
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoGenerator:
    """One app's contribution: `run` writes it; `is_present` says it is already loaded;
    `logins` lists (username, password, role) of the accounts it made, for printing again."""

    key: str
    run: Callable[[DemoContext], Any]
    after: tuple[str, ...] = ()
    label: str = ""
    is_present: Callable[[], bool] | None = None
    logins: Callable[[], list[tuple[str, str, str]]] | None = None


class DemoOrderError(Exception):
    """The generators' `after` declarations name an unknown generator or form a cycle."""


_GENERATORS: dict[str, DemoGenerator] = {}


def register_demo_generator(
    key: str,
    run: Callable[[DemoContext], Any],
    *,
    after: tuple[str, ...] = (),
    label: str = "",
    is_present: Callable[[], bool] | None = None,
    logins: Callable[[], list[tuple[str, str, str]]] | None = None,
) -> None:
    """Add (or replace) the generator `key`; call from the app's AppConfig.ready()."""
    _GENERATORS[key] = DemoGenerator(key, run, tuple(after), label, is_present, logins)


def demo_generators() -> list[DemoGenerator]:
    """All generators in an order where each runs after those it names (ties by key)."""
    for gen in _GENERATORS.values():
        unknown = [k for k in gen.after if k not in _GENERATORS]
        if unknown:
            raise DemoOrderError(f"demo generator {gen.key!r} runs after unknown {unknown}")
    ordered: list[DemoGenerator] = []
    done: set[str] = set()
    pending = dict(sorted(_GENERATORS.items()))
    while pending:
        ready = [g for g in pending.values() if set(g.after) <= done]
        if not ready:
            raise DemoOrderError(f"demo generators form a cycle: {sorted(pending)}")
        for gen in ready:
            ordered.append(gen)
            done.add(gen.key)
            del pending[gen.key]
    return ordered


def demo_is_present() -> bool:
    """True when any generator finds its part already in the database."""
    return any(g.is_present() for g in demo_generators() if g.is_present is not None)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts present in the database, from every generator that makes some."""
    logins: list[tuple[str, str, str]] = []
    for gen in demo_generators():
        if gen.logins is not None:
            logins.extend(gen.logins())
    return logins


def demo_run(*, scale: int, seed: int, progress: Progress | None = None) -> DemoContext:
    """Run every generator once, in order, and return the context they filled."""
    context = DemoContext(seed=seed, scale=scale, progress=progress or (lambda s, d, t: None))
    for gen in demo_generators():
        context.results[gen.key] = gen.run(context)
    return context
