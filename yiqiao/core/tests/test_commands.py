"""The `yiqiao` command: demo preparation, engine dispatch, Chinese-first pages."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from yiqiao.cli import main as yiqiao_main


@pytest.mark.django_db
def test_it_prepares_the_demo_once_and_prints_the_logins() -> None:
    from yiqiao.registry.models import Organisation

    out = io.StringIO()
    call_command("demo", no_serve=True, scale=40, stdout=out)
    first = out.getvalue()
    assert "演示账号" in first
    assert "officer" in first and "outsider" in first
    count = Organisation.objects.count()
    assert count > 40
    from yiqiao.policies.models import OrganisationFact, Policy

    assert Policy.objects.count() >= 40  # the library is loaded with the demo
    assert OrganisationFact.objects.exists()
    out = io.StringIO()
    call_command("demo", no_serve=True, scale=40, stdout=out)
    assert "跳过示范区生成" in out.getvalue()
    assert "officer        yiqiao-demo" in out.getvalue()  # the logins are printed again
    assert Organisation.objects.count() == count


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
