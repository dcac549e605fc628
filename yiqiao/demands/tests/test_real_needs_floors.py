"""Real needs, frozen parts, in CI: ``yiqiao demands match`` against the demo district, scored
by predicates (yiqiao/demands/evaluation/real_score.py). Only the aggregate of a frozen part is
read (never per-need lines). Floors sit within two points of the figures reported in the issue
note (see FLOORS); raise them with the figures, never lower them to pass."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from yiqiao.demands.evaluation.real_score import load_jsonl, score
from yiqiao.demo.generators import DemoContext, demo_generators

pytestmark = pytest.mark.django_db

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
#: set → (top-5 precision floor, violations allowed); measured on the demo (scale 300, seed 7)
FLOORS = {
    # measured 2026-12-08: 0.505, 18 violations (was 0.423, 26; issue 13 asks for 0.6 and none:
    # not met yet)
    "real/frozen.jsonl": (0.49, 18),
    # measured 2026-12-07: 0.646, 29 violations
    "financing/frozen.jsonl": (0.63, 29),
}


def _figures(path: Path) -> dict[str, float]:
    out = io.StringIO()
    call_command("demands_match", str(path), "--top", "10", stdout=out)
    outputs = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return score(load_jsonl(path), outputs)


def _demo_register_and_policies() -> None:
    """The demo generators the matcher reads: the register and the policy library."""
    context = DemoContext(seed=7, scale=300, progress=lambda s, d, t: None)
    for gen in demo_generators():
        if gen.key in ("register", "policies"):
            context.results[gen.key] = gen.run(context)


def test_it_meets_the_floors_on_the_frozen_parts_of_the_real_sets() -> None:
    _demo_register_and_policies()
    for name in os.environ.get("YIQIAO_REPORT_SETS", "").split():
        print(name, json.dumps(_figures(EVALUATION / name)))  # noqa: T201 (train/dev figures)
    for name, (precision, violations) in FLOORS.items():
        figures = _figures(EVALUATION / name)
        print(name, json.dumps(figures))  # noqa: T201 (the aggregate only)
        assert figures["top5_precision"] >= precision, (name, figures["top5_precision"])
        assert figures["violations"] <= violations, (name, figures["violations"])
