"""The transition helper: lock, version check, snapshot, apply, save, audit — or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import StaleEditError, change_apply, versioned_change
from yiqiao.registry.models import Organisation


def test_it_saves_bumps_the_version_and_audits_before_and_after(
    alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华示例药业有限公司", headcount=10)
    with versioned_change(
        Organisation, org.pk, by=alice, row_version=1, action=AuditEvent.Action.TRANSITION
    ) as change:
        change.instance.headcount = 12
        change.note = "扩员"
    saved = change.instance
    assert (saved.headcount, saved.row_version) == (12, 2)
    event = AuditEvent.objects.get(model="registry.organisation", object_id=str(org.pk))
    assert (event.action, event.note, event.actor) == ("transition", "扩员", alice)
    assert event.changed_fields() == [("headcount", 10, 12), ("row_version", 1, 2)]


def test_it_refuses_a_stale_version_and_writes_nothing(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例药业有限公司", headcount=10)
    with pytest.raises(StaleEditError, match="已被他人修改"):
        change_apply(
            Organisation,
            org.pk,
            by=alice,
            row_version=7,
            apply=lambda o: setattr(o, "headcount", 1),
        )
    org.refresh_from_db()
    assert (org.headcount, org.row_version) == (10, 1)
    assert not AuditEvent.objects.exists()


def test_it_rolls_back_when_the_change_is_refused(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例药业有限公司", headcount=10)

    def refuse(o: Organisation) -> str:
        o.headcount = 99
        raise ValidationError("不允许")

    with pytest.raises(ValidationError):
        change_apply(Organisation, org.pk, by=alice, apply=refuse)
    org.refresh_from_db()
    assert (org.headcount, org.row_version) == (10, 1)
    assert not AuditEvent.objects.exists()


def test_it_skips_the_audit_of_an_unchanged_save_when_asked(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例药业有限公司")
    change_apply(Organisation, org.pk, by=alice, apply=lambda o: None, audit_unchanged=False)
    assert not AuditEvent.objects.exists()
    org.refresh_from_db()
    assert org.row_version == 2
