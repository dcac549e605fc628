"""The demo district carries a ladder with history, a 上市后备库, approvals, teams, targets."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yiqiao.cultivation import queries
from yiqiao.cultivation.models import (
    CultivationTarget,
    ListingCandidate,
    Recognition,
    TalentTeam,
)
from yiqiao.demo.generators import DemoContext, demo_generators
from yiqiao.policies.models import OrganisationRecord


@pytest.mark.django_db
def test_it_builds_the_demo_ladder() -> None:
    from yiqiao.accounts.models import User

    # The generators this one runs after, then this one (the rest of the demo is theirs).
    context = DemoContext(seed=7, scale=40, progress=lambda s, d, t: None)
    for generator in demo_generators():
        if generator.key in {"register", "policies", "cultivation"}:
            context.results[generator.key] = generator.run(context)
    assert any(note.startswith("梯度培育：") for note in context.notes)
    rungs = set(Recognition.objects.values_list("rung", flat=True))
    assert {"tech_sme", "high_tech", "specialised", "little_giant", "pre_ipo", "listed"} <= rungs
    assert ListingCandidate.objects.filter(stage="listed").count() == 1
    assert ListingCandidate.objects.count() == 3
    assert OrganisationRecord.objects.filter(source="梯度培育·产品获批").count() == 14
    assert TalentTeam.objects.count() == 6
    assert CultivationTarget.objects.count() == 8
    officer = User.objects.get(username="officer")
    today = timezone.localdate()
    assert queries.recertification_due(officer, today).count() >= 3
    page = queries.rung_candidates(officer, "specialised", today)
    assert page.rows and page.rows[0].failed + page.rows[0].missing <= 1
    progress = {p.target.metric: p.realised for p in queries.target_progress(officer, today.year)}
    assert progress["new_high_tech"] >= 6
    outsider = User.objects.get(username="outsider")
    theirs = queries.rung_candidates(outsider, "specialised", today).rows
    assert theirs and not any(r.organisation.region.code.startswith("xs.jc.th") for r in theirs)
