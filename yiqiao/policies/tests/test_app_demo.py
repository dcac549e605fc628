"""Seeding the demo: library synced, facts for a share of enterprises, all three outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.policies.demo import load_demo_policy_data
from yiqiao.policies.models import OrganisationFact, Policy, PolicyVersion
from yiqiao.policies.queries import run_results
from yiqiao.policies.services.screening import screening_run_create, screening_run_execute
from yiqiao.registry.demo import DEMO_DISTRICT_CODE, generate_demo

from .app_support import use_fast_hasher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    use_fast_hasher(settings)


def test_it_seeds_facts_once_and_screening_finds_every_outcome(settings: Any) -> None:
    # The sample library names a placeholder division code for its district.
    settings.YIQIAO_POLICY_REGION_CODES = {DEMO_DISTRICT_CODE: "xs.jc.th"}
    generate_demo(scale=120, seed=7)
    first = load_demo_policy_data(7)
    assert first.facts_created > 0
    assert first.enterprises_with_facts > 0
    assert len(first.sync.created) == Policy.objects.count() >= 40
    counts = (OrganisationFact.objects.count(), PolicyVersion.objects.count())
    second = load_demo_policy_data(7)
    assert second.facts_created == 0
    assert second.sync.created == [] and second.sync.updated == []
    assert (OrganisationFact.objects.count(), PolicyVersion.objects.count()) == counts
    officer = User.objects.get(username="officer")
    run = screening_run_create(by=officer, as_of=timezone.localdate())
    screening_run_execute(run.pk)
    statuses = {r.status for r in run_results(run)}
    assert statuses == {"eligible", "eligible_if_data_supplied", "near_miss"}
