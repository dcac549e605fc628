"""The values a write is handed: a form's cleaned data or an API payload, by field name.

Services take them as ``FieldValues`` (a read-only mapping to ``object``), not ``dict[str, Any]``:
a value is only used after it has been checked — by the model's ``full_clean``, a form, or an
``isinstance`` in the service — so the type checker keeps seeing every use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

FieldValues: TypeAlias = Mapping[str, object]
