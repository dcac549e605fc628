"""Field helpers shared by the capital models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator

MONEY: Any = {"max_digits": 18, "decimal_places": 2}
#: 1e12 yuan is beyond any single round, fund or grant in the field (absurd-amount guard).
MAX_AMOUNT = Decimal("1000000000000")
AMOUNT_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]
PERCENT: Any = {"max_digits": 7, "decimal_places": 3}
