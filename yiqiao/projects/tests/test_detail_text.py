"""The project page reads as text for people: no system keys, no clock units for a day count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from yiqiao.projects.models import Project


def _page(client: Any, project: Any, language: str = "zh-hans") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("projects:project-detail", args=[project.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_it_never_shows_the_key_a_service_wrote_as_the_source(
    client_for: Any, alice: Any, project: Any
) -> None:
    client = client_for(alice)
    for key in ("chain-target:3:111:3273", "events:meeting:12", "capital.close:4"):
        Project.objects.filter(pk=project.pk).update(source_note="由会议成果转入", source_ref=key)
        page = _page(client, project)
        assert "由会议成果转入" in page
        assert key not in page


def test_it_links_a_typed_web_address_and_shows_a_typed_number(
    client_for: Any, alice: Any, project: Any
) -> None:
    client = client_for(alice)
    Project.objects.filter(pk=project.pk).update(source_ref="https://example.cn/news/1")
    assert 'href="https://example.cn/news/1"' in _page(client, project)
    Project.objects.filter(pk=project.pk).update(source_ref="javascript:alert(1)")
    page = _page(client, project)
    assert 'href="javascript:' not in page
    Project.objects.filter(pk=project.pk).update(source_ref="/intel/articles/7/")
    assert 'href="/intel/articles/7/"' in _page(client, project)
    Project.objects.filter(pk=project.pk).update(source_ref="//evil.example/x")
    assert 'href="//evil.example' not in _page(client, project)
    Project.objects.filter(pk=project.pk).update(source_ref="招商办2026-031")
    assert "招商办2026-031" in _page(client, project)


def test_it_counts_the_days_in_the_stage_in_the_pages_language(
    client_for: Any, alice: Any, project: Any
) -> None:
    from yiqiao.projects.views import _today

    client = client_for(alice)
    Project.objects.filter(pk=project.pk).update(stage_entered_on=_today())
    assert "0 天" in _page(client, project)
    english = _page(client, project, "en")
    assert (
        "0 days" in english
        and "minutes" not in english
        and "，" not in english.split("In this stage")[1][:80]
    )
    Project.objects.filter(pk=project.pk).update(stage_entered_on=_today() - dt.timedelta(days=1))
    assert "1 day<" in _page(client, project, "en")
