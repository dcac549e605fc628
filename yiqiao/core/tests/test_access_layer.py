"""The access layer: rules per model, one answer for missing and foreign ids, no rule no rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404

from yiqiao.core.access import (
    access_object,
    registered_models,
    resolve_reference,
    resolve_references,
    restrict,
)
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Organisation


def test_it_gives_every_model_of_the_project_a_rule() -> None:
    from django.apps import apps

    ours = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("yiqiao.") and not m._meta.auto_created
    ]
    missing = sorted(m._meta.label for m in ours if m not in registered_models())
    assert missing == []


def test_it_scopes_the_register_by_region(
    alice: Any, bob: Any, charlie: Any, org_factory: Any, regions: Any
) -> None:
    district = org_factory("桐华示例药业有限公司")
    in_park = org_factory("园区示例生物有限公司", park=regions["park"])
    assert set(Organisation.objects.restrict(alice, "view")) == {district, in_park}
    assert list(Organisation.objects.restrict(charlie, "view")) == []
    assert list(restrict(Organisation.objects.filter(pk=district.pk), alice, "change")) == [
        district
    ]


def test_it_answers_the_same_for_a_missing_and_a_foreign_id(
    alice: Any, charlie: Any, org_factory: Any
) -> None:
    org = org_factory("桐华示例药业有限公司")
    with pytest.raises(Http404) as foreign:
        access_object(Organisation, charlie, org.pk)
    with pytest.raises(Http404) as missing:
        access_object(Organisation, charlie, org.pk + 1000)
    assert str(foreign.value) == str(missing.value) == "机构不存在或无权查看"
    with pytest.raises(ValidationError) as foreign_ref:
        resolve_reference(Organisation, charlie, org.pk, label="投资方")
    assert foreign_ref.value.messages == [f"投资方（编号 {org.pk}）不存在或无权使用"]
    assert org.name not in str(foreign_ref.value)
    with pytest.raises(ValidationError) as bad:
        resolve_references(Organisation, alice, [org.pk, "x", 2**70], label="投资方")
    assert bad.value.messages == [f"投资方（编号 x、{2**70}）不存在或无权使用"]
    assert resolve_references(Organisation, alice, [org.pk], label="投资方") == [org]


def test_it_refuses_a_viewer_a_change(viewer: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例药业有限公司")
    assert access_object(Organisation, viewer, org.pk) == org
    with pytest.raises(PermissionDenied):
        access_object(Organisation, viewer, org.pk, "change")


def test_it_refuses_a_model_without_a_rule(alice: Any) -> None:
    from yiqiao.core import access

    saved = access._RULES.pop(AuditEvent)
    try:
        with pytest.raises(ImproperlyConfigured):
            AuditEvent.objects.restrict(alice, "view")
    finally:
        access._RULES[AuditEvent] = saved


def test_it_shows_nothing_to_an_anonymous_visitor(org_factory: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    org_factory("桐华示例药业有限公司")
    assert list(Organisation.objects.restrict(AnonymousUser(), "view")) == []
