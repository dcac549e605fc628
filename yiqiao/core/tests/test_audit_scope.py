"""The audit trail of a record is for the admins who manage it (issue 10: scoping is one layer).

A district admin may read another district's published policy (policies are public), but its
audit trail is the issuing district's internal record: who changed it, when, and the notes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import make_user
from yiqiao.core.audit import audit_record
from yiqiao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_another_districts_admin_reads_a_published_policy_but_not_its_audit_trail(
    client_for: Any, units: dict[str, Any], regions: dict[str, Any], admin_user: Any
) -> None:
    from yiqiao.policies.models import Policy

    policy = Policy.objects.create(
        code="th.listing", title="企业上市奖励", status="published", region=regions["district"]
    )
    audit_record(
        actor=admin_user, action=AuditEvent.Action.UPDATE, instance=policy, note="内部预算调整说明"
    )
    url = reverse("audit-trail", args=["policies.policy", policy.pk])
    other_admin = make_user("olga", units["outsider"], "admin")

    assert client_for(admin_user).get(url).status_code == 200
    assert "内部预算调整说明" in client_for(admin_user).get(url).content.decode()
    client = client_for(other_admin)
    assert client.get(reverse("policies:policy-detail", args=[policy.pk])).status_code == 200
    response = client.get(url)
    assert response.status_code == 404
    assert "内部预算调整说明" not in response.content.decode()


def test_an_admin_still_reads_the_audit_trail_of_a_user_of_the_unit(
    client_for: Any, admin_user: Any, alice: Any
) -> None:
    url = reverse("audit-trail", args=["accounts.user", alice.pk])
    assert client_for(admin_user).get(url).status_code == 200
