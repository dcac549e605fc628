"""The ladder panel on the organisation page (registered in CultivationConfig.ready): the
enterprise's rung, its recognitions, its 上市后备库 stage and talent teams, with a link to its
ladder page. Staff only; four small queries."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from yiqiao.core.access import VIEW

from .engine import current_rung
from .engine.ladder import RUNG_LABELS
from .models import ListingCandidate, Recognition, TalentTeam
from .services.recognitions import held_by


def organisation_ladder_panel(request: Any, organisation: Any) -> str:
    user = request.user
    if not (getattr(user, "is_superuser", False) or getattr(user, "is_staff_role", False)):
        return ""
    if organisation.kind != "enterprise":
        return ""
    recognitions = list(
        Recognition.objects.restrict(user, VIEW)
        .filter(organisation=organisation)
        .order_by("-recognised_on", "-pk")[:10]
    )
    rung = current_rung(held_by(organisation), timezone.localdate())
    listing = (
        ListingCandidate.objects.restrict(user, VIEW).filter(organisation=organisation).first()
    )
    teams = list(TalentTeam.objects.restrict(user, VIEW).filter(host=organisation)[:10])
    return render_to_string(
        "cultivation/_organisation_panel.html",
        {
            "org": organisation,
            "rung_label": RUNG_LABELS.get(rung or "", "未入梯度"),
            "recognitions": recognitions,
            "listing": listing,
            "teams": teams,
        },
        request=request,
    )
