"""Demo accounts get a password each, made when the demo is made and shown once (issue 10, M3);
everything else in the demo stays the same for a seed."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_gives_every_demo_login_its_own_password_shown_once(
    settings: Any, client: Any, monkeypatch: Any
) -> None:
    from yiqiao.accounts.services import passwords
    from yiqiao.registry.demo import generate_demo, register_logins

    settings.YIQIAO_DEMO_PASSWORD = ""
    monkeypatch.delenv("YIQIAO_DEMO_PASSWORD", raising=False)
    passwords._DEMO_PASSWORDS.clear()
    summary = generate_demo(scale=0, seed=7)
    shown = {username: password for username, password, _role in summary.logins}
    assert len(shown) >= 6
    assert len(set(shown.values())) == len(shown)  # no two accounts share a password
    assert all(len(p) == 14 and p != "yiqiao-demo" for p in shown.values())
    for username, password in shown.items():
        assert client.login(username=username, password=password), username
        assert not client.login(username=username, password="yiqiao-demo")
        client.logout()
    # printed again later (database already filled): the passwords are not retrievable
    assert {password for _u, password, _r in register_logins()} == {""}
    passwords._DEMO_PASSWORDS.clear()
