"""The `yiqiao` command: engine dispatch, Chinese-first pages (the demo: yiqiao/demo/tests)."""

from typing import Any

import pytest

from yiqiao.cli import main as yiqiao_main


def test_it_refuses_an_unknown_benchmark(capsys: Any) -> None:
    assert yiqiao_main(["bench", "no-such-bench"]) == 2
    assert "no benchmark named 'no-such-bench'" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_serves_chinese_even_to_an_english_browser(client: Any) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "登录医桥" in response.content.decode()


@pytest.mark.django_db
def test_it_switches_language_when_the_user_chooses(client: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "en"


@pytest.mark.django_db
def test_it_sets_security_headers(client: Any) -> None:
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
