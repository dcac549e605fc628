"""Rung criteria: the shipped files of ``criteria/`` and the dated versions staff add.

Both are parsed with the policy field dictionary by the policy engine; a version is in force
from its ``effective_from`` until a later one starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from yiqiao.policies.engine import Policy, parse_policy
from yiqiao.policies.profiles import field_dictionary

from .models import CriteriaVersion

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"
#: Rungs with criteria (上市 is reached through the listing stages, not by criteria).
SCREENED_RUNGS = ("tech_sme", "high_tech", "specialised", "little_giant", "pre_ipo")


@lru_cache(maxsize=16)
def shipped_criteria(rung: str) -> Policy:
    """The criteria file shipped for ``rung`` (parsed once per process)."""
    return parse_policy(CRITERIA_DIR / f"{rung}.yaml", field_dictionary())


@lru_cache(maxsize=64)
def _parsed(pk: int, text: str) -> Policy:
    return parse_policy(text, field_dictionary())


@dataclass(frozen=True)
class RungCriteria:
    """The criteria of a rung in force on a date, and where they come from."""

    rung: str
    policy: Policy
    version: CriteriaVersion | None  # None: the shipped file

    @property
    def source_label(self) -> str:
        if self.version is None:
            return "内置标准"
        return f"第 {self.version.number} 版（{self.version.effective_from} 起）"


def criteria_in_force(rung: str, on: dt.date) -> RungCriteria:
    """The criteria of ``rung`` in force on ``on``."""
    version = (
        CriteriaVersion.objects.filter(rung=rung, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        return RungCriteria(rung, shipped_criteria(rung), None)
    return RungCriteria(rung, _parsed(version.pk, version.text), version)
