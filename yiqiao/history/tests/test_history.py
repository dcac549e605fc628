"""The demo history: made by the services under a simulated clock, deterministic per seed, every
pipeline filled, the audit trail consistent with the records, overdue needs on an officer's desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from yiqiao.core.clock import ClockError, simulated_clock
from yiqiao.demo.generators import demo_run

SCALE = 40


def _fingerprint() -> dict[str, Any]:
    """What a visitor sees of the history, without ids or random tokens."""
    from yiqiao.demands.models import Demand
    from yiqiao.events.models import Event, EventSigning, Meeting, Registration
    from yiqiao.projects.models import Milestone, Project, Signing, StageChange

    return {
        "events": list(
            Event.objects.order_by("starts_on", "title").values_list("title", "city", "starts_on")
        ),
        "registrations": Registration.objects.count(),
        "meetings": sorted(Meeting.objects.values_list("status", "slot", "table")),
        "projects": sorted(
            Project.objects.values_list("title", "stage", "signed_amount", "capital_arrived")
        ),
        "signings": sorted(Signing.objects.values_list("signed_on", "amount", "signatories")),
        "event_signings": EventSigning.objects.count(),
        "milestones": sorted(
            Milestone.objects.values_list("kind", "achieved_on", "capital_arrived")
        ),
        "stage_changes": StageChange.objects.count(),
        "needs": sorted(Demand.objects.values_list("title", "state", "respond_due", "category")),
    }


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # the milestones' evidence files


@pytest.fixture
def history(db: Any) -> Any:
    return demo_run(scale=SCALE, seed=7)


@pytest.mark.django_db
def test_it_makes_every_pipeline_non_empty_with_consistent_times(history: Any) -> None:
    from yiqiao.core.models import AuditEvent
    from yiqiao.demands.engine import workflow
    from yiqiao.demands.models import Conversion, Demand, FollowUp, Response
    from yiqiao.events.models import Event, EventSigning, Meeting, Registration
    from yiqiao.projects.models import (
        GateRecord,
        Milestone,
        Project,
        ServiceBooking,
        Signing,
        Stage,
        StageChange,
        TranslationProject,
    )

    summary = history.results["history"]
    today = timezone.localdate()
    assert summary.started_on <= today - dt.timedelta(days=800)
    # every pipeline has records, in every state that matters
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"promotion", "signing", "roadshow", "matchmaking", "salon"} <= kinds
    assert Event.objects.filter(starts_on__gt=today).exists()  # upcoming ones too
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert Meeting.objects.filter(status="held").exists()
    assert EventSigning.objects.exists() and Signing.objects.count() > EventSigning.objects.count()
    stages = set(Project.objects.values_list("stage", flat=True))
    assert Stage.LOST in stages and len(stages) >= 5
    assert Milestone.objects.filter(kind="registered").exists()
    assert Milestone.objects.exclude(evidence="").exists()  # the cockpit's 开工率 counts these
    assert Milestone.objects.filter(evidence="").exists()  # and says how many lack one
    states = set(Demand.objects.values_list("state", flat=True))
    assert {workflow.ASSIGNED, workflow.FOLLOWED_UP} <= states
    assert Response.objects.exists() and Conversion.objects.exists() and FollowUp.objects.exists()
    assert Demand.objects.filter(channel="event").exists()
    assert TranslationProject.objects.filter(gate_records__isnull=False).exists()
    assert GateRecord.objects.exists() and ServiceBooking.objects.exists()

    from yiqiao.cultivation.models import CultivationTarget, Recognition
    from yiqiao.intel.models import Article, ExtractedFact, LeadSuggestion
    from yiqiao.policies.models import Award, ScreeningRun

    assert Article.objects.exists() and ExtractedFact.objects.filter(status="confirmed").exists()
    assert LeadSuggestion.objects.exists()
    assert Recognition.objects.exists() and CultivationTarget.objects.exists()
    assert ScreeningRun.objects.filter(status="done").exists() and Award.objects.exists()

    # the officer has needs the history made overdue
    overdue = [
        d for d in Demand.objects.filter(assignee__username="officer") if d.is_overdue(today)
    ]
    assert overdue

    # records were made at the moment they happened: created times in the past two and a half
    # years, each one's audit event at the same moment, stage history dated by its own clock
    start = timezone.make_aware(dt.datetime.combine(summary.started_on, dt.time()))
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    assert Event.objects.filter(created_at__lt=start + dt.timedelta(days=120)).exists()
    for model, label in (
        (Event, "events.event"),
        (Demand, "demands.demand"),
        (Project, "projects.project"),
    ):
        # (the capital generator writes today, at the real time, after the history)
        for row in model.objects.filter(created_at__lt=midnight).order_by("id")[:40]:
            audit = AuditEvent.objects.get(model=label, object_id=str(row.pk), action="create")
            assert audit.at == row.created_at, (label, row.pk)
            assert start <= audit.at <= timezone.now()
    for change in StageChange.objects.order_by("id")[:200]:
        assert timezone.localtime(change.at).date() == change.changed_on
    ats = list(
        AuditEvent.objects.filter(
            model__in=["events.event", "demands.demand", "projects.signing"], at__lt=midnight
        )
        .order_by("id")
        .values_list("at", flat=True)
    )
    assert ats == sorted(ats)  # written in the order they happened
    assert summary.repeat_signings  # the conference-after-conference repeat is in the history


@pytest.mark.django_db
def test_it_is_deterministic_per_seed(monkeypatch: Any) -> None:
    """Two builds on the same day, one in the morning and one in the evening (the wall clock
    stands at yesterday 08:05 and 18:30, then runs on), make the same history."""
    real_now = timezone.now
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    prints = []
    for hour, minute in ((8, 5), (18, 30)):
        started = real_now()
        wall = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(hour, minute)))
        monkeypatch.setattr(
            timezone, "now", lambda wall=wall, started=started: wall + (real_now() - started)
        )
        with transaction.atomic():
            demo_run(scale=SCALE, seed=7)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
        monkeypatch.setattr(timezone, "now", real_now)
    assert prints[0] == prints[1]
    assert prints[0]["events"] and prints[0]["needs"] and prints[0]["signings"]


def test_the_clock_only_moves_forward_and_never_past_now() -> None:
    now = timezone.now()
    with simulated_clock(now - dt.timedelta(days=10)) as clock:
        assert timezone.now() == now - dt.timedelta(days=10)
        assert timezone.localdate() == timezone.localtime(now - dt.timedelta(days=10)).date()
        clock.advance(days=1)
        with pytest.raises(ClockError):
            clock.set(now - dt.timedelta(days=20))
        with pytest.raises(ClockError):
            clock.advance(days=30)
    assert abs((timezone.now() - now).total_seconds()) < 60  # the real clock is back


@pytest.mark.django_db
def test_the_histories_repeat_signings_are_flagged_on_the_event_report(
    history: Any, client: Any
) -> None:
    from django.urls import reverse

    from yiqiao.accounts.models import User
    from yiqiao.events.models import EventSigning
    from yiqiao.events.queries import headline
    from yiqiao.projects.queries import counted_signings, signing_repeats_recount

    repeat_ids = history.results["history"].repeat_signings
    assert len(repeat_ids) == 2  # the same project again, and the same deal as a new project
    assert not counted_signings().filter(pk__in=repeat_ids).exists()
    assert signing_repeats_recount() == []
    client.force_login(User.objects.get(username="officer"))
    for record in EventSigning.objects.filter(signing_id__in=repeat_ids).select_related("event"):
        figures, rows = headline(record.event)
        row = next(r for r in rows if r.pk == record.pk)
        assert row.is_repeat and "首次签约" in row.repeat_evidence
        assert sum(figures.amounts.values(), Decimal(0)) == sum(
            (r.amount for r in rows if not r.is_repeat), Decimal(0)
        )
        page = client.get(reverse("events:report", args=[record.event_id]))
        assert page.status_code == 200
        assert "重复签约" in page.content.decode() and "首次签约" in page.content.decode()
