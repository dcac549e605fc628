"""Stage and milestone dates can be entered afterwards; the audit keeps the entry date (issue 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.core.models import AuditEvent
from yiqiao.projects.models import StageChange
from yiqiao.projects.services import project_advance_stage, project_create

pytestmark = pytest.mark.django_db


def test_it_back_enters_a_lead_and_its_stages_noting_the_entry_date(
    alice: Any, investor: Any, regions: Any
) -> None:
    today = timezone.localdate()
    project = project_create(
        data={
            "title": "示例抗体药物产业化基地",
            "investors": [investor],
            "target_region": regions["park"],
            "lead_on": dt.date(2025, 3, 1),
        },
        by=alice,
    )
    project = project_advance_stage(
        project=project, to_stage="contacted", by=alice, on=dt.date(2025, 3, 20)
    )
    changes = list(
        StageChange.objects.filter(project=project).values_list("to_stage", "changed_on")
    )
    assert changes == [("lead", dt.date(2025, 3, 1)), ("contacted", dt.date(2025, 3, 20))]
    assert project.stage_entered_on == dt.date(2025, 3, 20)
    notes = list(
        AuditEvent.objects.filter(model="projects.project", object_id=str(project.pk))
        .order_by("pk")
        .values_list("note", flat=True)
    )
    assert notes[0] == f"（补录：生效日期 2025-03-01，登记日期 {today:%Y-%m-%d}）"
    assert notes[1] == f"线索 → 接洽（补录：生效日期 2025-03-20，登记日期 {today:%Y-%m-%d}）"


def test_it_refuses_a_lead_dated_in_the_future(alice: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="线索日期"):
        project_create(
            data={"title": "示例项目", "lead_on": timezone.localdate() + dt.timedelta(days=2)},
            by=alice,
        )
