"""Recording a follow-up (记录跟进) on a project: page, API and service (bug H3 of issue 10)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiqiao.core.models import AuditEvent
from yiqiao.projects.models import Activity


def test_it_records_a_follow_up_through_the_api(client_for: Any, alice: Any, project: Any) -> None:
    today = timezone.localdate()
    response = client_for(alice).post(
        f"/api/projects/projects/{project.pk}/activities",
        data=json.dumps({"kind": "call", "happened_on": today.isoformat(), "summary": "电话沟通"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    activity = Activity.objects.get(project=project)
    assert activity.summary == "电话沟通"
    event = AuditEvent.objects.get(model="projects.activity", object_id=str(activity.pk))
    assert event.after is not None and event.after["attachment"] == ""


def test_it_records_a_follow_up_with_an_attachment_on_the_page(
    client_for: Any, alice: Any, project: Any
) -> None:
    today = timezone.localdate()
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = client_for(alice).post(
        f"/projects/{project.pk}/activities/",
        {
            "kind": "meeting",
            "happened_on": today.isoformat(),
            "summary": "现场会谈",
            "next_follow_up_on": (today + dt.timedelta(days=7)).isoformat(),
            "attachment": upload,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(project=project)
    event = AuditEvent.objects.get(model="projects.activity", object_id=str(activity.pk))
    assert event.after is not None
    assert event.after["attachment"] == activity.attachment.name
    assert event.after["attachment"].endswith(".pdf")
    project.refresh_from_db()
    assert project.next_follow_up_on == today + dt.timedelta(days=7)
