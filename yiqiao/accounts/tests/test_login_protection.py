"""Login protection (issue 10, M3): lockout per account and per address, password change, and
a password reset by an admin of the user's region."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from yiqiao.accounts.models import LoginFailure, User
from yiqiao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，已暂时锁定，请 15 分钟后再试，或请管理员重置密码。"


def _login(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_it_locks_an_account_after_five_failures_even_for_the_right_password(
    client: Any, alice: Any
) -> None:
    for _ in range(5):
        response = _login(client, "alice", "wrong-password")
        assert "用户名或密码错误，请重试。" in response.content.decode()
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a lock answers before the password is checked: guesses while locked are not counted
    assert LoginFailure.objects.filter(username="alice").count() == 5


def test_it_locks_the_account_from_another_address_too(client: Any, alice: Any) -> None:
    for number in range(5):
        _login(client, "alice", "wrong-password", address=f"10.0.0.{number}")
    response = _login(client, "alice", PASSWORD, address="10.9.9.9")
    assert LOCKED in response.content.decode()


def test_it_locks_an_address_that_tries_many_accounts(client: Any, alice: Any) -> None:
    for number in range(20):
        _login(client, f"guess{number}", "wrong-password", address="10.6.6.6")
    response = _login(client, "alice", PASSWORD, address="10.6.6.6")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = _login(client, "alice", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302


def test_it_lets_the_account_in_once_the_window_has_passed(client: Any, alice: Any) -> None:
    for _ in range(5):
        _login(client, "alice", "wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert LoginFailure.objects.filter(username="alice").count() == 0


def test_it_forgets_failures_after_a_successful_sign_in(client: Any, alice: Any) -> None:
    for _ in range(4):
        _login(client, "alice", "wrong-password")
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "alice", "wrong-password")
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_it_locks_the_admin_sign_in_as_well(client: Any, alice: Any) -> None:
    alice.is_staff = True
    alice.save()
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(
        "/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert LOCKED in response.content.decode()


def test_it_changes_ones_own_password(client_for: Any, alice: Any) -> None:
    client = client_for(alice)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Tonghua-2026-x",
            "new_password2": "Tonghua-2026-x",
        },
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Tonghua-2026-x",
            "new_password2": "Tonghua-2026-x",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Tonghua-2026-x")
    assert client.get("/").status_code == 200  # still signed in


def test_it_lets_an_admin_reset_a_password_once_shown_and_unlocks(
    client_for: Any, admin_user: Any, alice: Any
) -> None:
    for _ in range(5):
        LoginFailure.objects.create(username="alice", address="10.0.0.1")
    client = client_for(admin_user)
    page = client.get("/accounts/users/").content.decode()
    assert "alice" in page
    response = client.post(f"/accounts/users/{alice.pk}/reset-password/")
    assert response.status_code == 200
    password = response.context["password"]
    assert len(password) == 14
    alice.refresh_from_db()
    assert alice.check_password(password)
    assert not alice.check_password(PASSWORD)
    assert LoginFailure.objects.count() == 0
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(alice.pk))
    assert event.note == "管理员重置密码"
    assert password not in str(event.after) and password not in str(event.before)


def test_it_refuses_a_reset_by_an_officer_or_another_regions_admin(
    client_for: Any, units: Any, alice: Any, bob: Any
) -> None:
    outsider_admin = make_user("olga", units["outsider"], "admin")
    before = User.objects.get(pk=bob.pk).password
    assert client_for(alice).post(f"/accounts/users/{bob.pk}/reset-password/").status_code == 403
    assert (
        client_for(outsider_admin).post(f"/accounts/users/{bob.pk}/reset-password/").status_code
        == 404
    )
    assert "bob" not in client_for(outsider_admin).get("/accounts/users/").content.decode()
    assert User.objects.get(pk=bob.pk).password == before
    assert AuditEvent.objects.count() == 0
