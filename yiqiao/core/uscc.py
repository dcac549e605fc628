"""Unified social credit code (统一社会信用代码) check, GB 32100-2015.

18 characters from the alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V). Characters 1-17
carry weights 3^(i-1) mod 31; the 18th is the check character: 31 - (sum mod 31), where 31 maps
to 0.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]


@dataclass(frozen=True)
class UsccProblem:
    """Why a code is not valid, in a form a person can act on."""

    message: str
    position: int | None = None  # 1-based position of the offending character


def uscc_normalise(raw: str) -> str:
    """Upper-case, strip spaces and full-width forms; does not validate."""
    text = raw.strip().upper()
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
            ch = chr(code - 0xFEE0)
        if ch.isspace() or ch in "-":
            continue
        out.append(ch.upper())
    return "".join(out)


def uscc_check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> UsccProblem | None:
    """Return None for a valid code, else the first problem found (Chinese message)."""
    if len(code) != 18:
        return UsccProblem(f"统一社会信用代码应为18位，实际为{len(code)}位")
    for i, ch in enumerate(code, start=1):
        if ch not in VALUES:
            return UsccProblem(f"第{i}位字符“{ch}”不是合法字符（不可使用 I、O、Z、S、V）", i)
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return UsccProblem(f"第18位校验码错误：应为“{expected}”，实际为“{code[17]}”", 18)
    return None


def uscc_make(first17: str) -> str:
    """Complete a 17-character body with its check character (used by the demo generator)."""
    return first17 + uscc_check_character(first17)
