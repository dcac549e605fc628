"""The policy calculator panel on the organisation page (registered in PoliciesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from . import queries
from .engine.values import format_number
from .forms import FactForm
from .profiles import field_dictionary


def policy_panel(request: Any, organisation: Any) -> str:
    """Qualifying policies with amounts and traces, reasons per condition, missing data (with a
    form for officers to add it) and near misses. Shown to staff and to the enterprise itself."""
    from .views import may_see_calculator

    user = request.user
    if not may_see_calculator(user, organisation):
        return ""
    view = queries.organisation_calculator(organisation, on=timezone.localdate())
    can_edit = bool(getattr(user, "can_edit_register", False)) and organisation.is_active
    missing = view.missing_fields()
    applications = queries.open_applications(organisation)
    form = None
    if can_edit:
        form = FactForm(initial={"field": missing[0][0]} if missing else None)
    return render_to_string(
        "policies/_calculator_panel.html",
        {
            "org": organisation,
            "calc": view,
            "eligible": [(p, item, applications.get(p.pk)) for p, item in view.eligible()],
            "can_apply": queries.may_apply(user, organisation),
            "awards": queries.organisation_awards(organisation),
            "superseded": view.superseded(),
            "quick": view.quick_apply(),
            "near": view.near_misses(),
            "missing": missing,
            "fact_form": form,
            "facts": _fact_rows(queries.organisation_facts(organisation, limit=20))
            if can_edit
            else [],
        },
        request=request,
    )


def _fact_rows(facts: list[Any]) -> list[dict[str, Any]]:
    """Facts with the field's Chinese label and a readable value."""
    fields = field_dictionary()
    rows = []
    for fact in facts:
        spec = fields.get(fact.field)
        value = fact.value
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif (
            spec is not None and spec.type in ("money", "number") and isinstance(value, int | float)
        ):
            text = format_number(float(value), spec.unit)
        elif isinstance(value, list):
            text = "、".join(spec.value_label(v) if spec else str(v) for v in value)
        elif spec is not None and spec.type == "enum":
            text = spec.value_label(str(value))
        else:
            text = str(value)
        rows.append(
            {
                "label": spec.label if spec else fact.field,
                "value": text,
                "as_of": fact.as_of,
                "source": fact.source,
                "entered_by": fact.entered_by,
            }
        )
    return rows
