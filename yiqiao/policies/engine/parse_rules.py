"""Parsing of conditions and benefits (the rule part of a policy file).

Conditions and expressions live in :mod:`.parse_conditions`, benefits in :mod:`.parse_benefits`;
this module keeps the names other modules import.
"""

from __future__ import annotations

from .parse_benefits import BENEFIT_KINDS, parse_benefit
from .parse_conditions import Context, line_of, parse_condition, parse_defines, parse_expression

__all__ = [
    "BENEFIT_KINDS",
    "Context",
    "line_of",
    "parse_benefit",
    "parse_condition",
    "parse_defines",
    "parse_expression",
]
