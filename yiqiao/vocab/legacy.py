"""Stated mappings from codes used before the vocabulary existed to RESOURCES.md codes.

Data migrations import these, so the mapping is written once and can be read by anyone who
wonders where an old value went.
"""

from __future__ import annotations

#: Old funding-stage codes (needs and investor profiles) → STAGE. Old investor profiles said
#: "c" for "C轮及以后": it maps to C and D+ there (see INVESTOR_STAGE_LEGACY).
STAGE_LEGACY: dict[str, str] = {
    "seed": "seed",
    "angel": "angel",
    "pre_a": "Pre-A",
    "a": "A",
    "b": "B",
    "c": "C",
    "d": "D+",
    "pre_ipo": "Pre-IPO",
    "growth": "strategic",
}
#: Old investor-profile stage codes → the STAGE values they meant.
INVESTOR_STAGE_LEGACY: dict[str, tuple[str, ...]] = {
    **{old: (new,) for old, new in STAGE_LEGACY.items()},
    "c": ("C", "D+"),
}
#: Old space kinds → SPACE_KIND.
SPACE_KIND_LEGACY: dict[str, str] = {
    "building": "office",
    "plant": "plant",
    "land": "land",
    "lab": "lab",
}


def stage_from_legacy(code: str) -> str | None:
    """The STAGE value of an old code (already-new codes pass through); None if unknown."""
    from .terms import STAGE

    if code in STAGE:
        return code
    return STAGE_LEGACY.get(code)
