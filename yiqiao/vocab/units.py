"""Unit conversions into RESOURCES.md's fixed units.

Factors: 1 亩 = 666.67 m² (1/15 hectare, the statutory definition: 1 亩 = 10000/15 m²);
rent quoted per day × 30 for a month; 1 kgf = 9.80665 N, so 500 kg/㎡ ≈ 4.9 kN/㎡;
USD at a stated rate (default 7.2 yuan, the rate RESOURCES.md states).
Clean-room grades: ISO 14644-1 class numbers, lower is cleaner; the Chinese 百级/千级/万级/十万级
(GB 50073 naming after US FED-STD-209E 100/1,000/10,000/100,000) are ISO 5/6/7/8; GMP (2010)
grades A and B are ISO 5 at rest, C is ISO 7, D is ISO 8 (EU GMP Annex 1 equivalence).
"""

from __future__ import annotations

M2_PER_MU = 10000 / 15  # 666.67 m²
M2_PER_HECTARE = 10000.0
DAYS_PER_MONTH = 30
KN_PER_KGF = 9.80665 / 1000
USD_CNY_RATE = 7.2

#: Chinese clean-room names and GMP grades → ISO class
CLEANROOM_ISO: dict[str, int] = {
    "百级": 5,
    "千级": 6,
    "万级": 7,
    "十万级": 8,
    "三十万级": 9,
    "A": 5,
    "B": 5,
    "C": 7,
    "D": 8,
}
ISO_NAME: dict[int, str] = {5: "百级", 6: "千级", 7: "万级", 8: "十万级", 9: "三十万级"}


def mu_to_m2(mu: float) -> float:
    """亩 → m² (1 亩 = 666.67 m²)."""
    return mu * M2_PER_MU


def m2_to_mu(m2: float) -> float:
    return m2 / M2_PER_MU


def rent_per_day_to_month(yuan_per_m2_day: float) -> float:
    """元/㎡/天 → 元/㎡/月 (× 30)."""
    return yuan_per_m2_day * DAYS_PER_MONTH


def kg_m2_to_kn_m2(kg_per_m2: float) -> float:
    """kg/㎡ → kN/㎡ (500 kg/㎡ = 4.9 kN/㎡)."""
    return kg_per_m2 * KN_PER_KGF


def kn_m2_to_kg_m2(kn_per_m2: float) -> float:
    return kn_per_m2 / KN_PER_KGF


def usd_to_yuan(usd: float, rate: float = USD_CNY_RATE) -> float:
    """USD → yuan at ``rate`` (the stated rate; 7.2 by default)."""
    return usd * rate


def cleanroom_iso(grade: str) -> int | None:
    """ISO class of a Chinese clean-room name (万级), a GMP grade (C, C级, GMP C) or "ISO 7".

    None when the text is none of these (the caller reports it as unread)."""
    text = grade.strip().upper().replace(" ", "").replace("-", "")
    if text.startswith("ISO"):
        digits = text[3:].removeprefix("CLASS").rstrip("级")
        return int(digits) if digits.isdigit() and 1 <= int(digits) <= 9 else None
    text = text.removeprefix("GMP")
    if text[:1] in {"A", "B", "C", "D"}:
        text = text.rstrip("级")
    return CLEANROOM_ISO.get(text)


def iso_label(iso: float | None, language: str = "zh") -> str:
    """How a page shows an ISO class: "ISO 7（万级）"."""
    if iso is None:
        return ""
    number = int(iso) if float(iso).is_integer() else iso
    name = ISO_NAME.get(int(iso)) if float(iso).is_integer() else None
    if language.lower().startswith("en") or name is None:
        return f"ISO {number}"
    return f"ISO {number}（{name}）"
