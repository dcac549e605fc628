"""`yiqiao demo`: every app's generator runs once on an empty database; logins are printed."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_prepares_the_demo_once_and_prints_the_logins() -> None:
    from yiqiao.registry.models import Organisation

    out = io.StringIO()
    call_command("demo", no_serve=True, scale=40, stdout=out)
    first = out.getvalue()
    assert "演示账号" in first
    assert "officer" in first and "outsider" in first
    assert "officer        yiqiao-demo" in first  # the password is shown when the demo is made
    count = Organisation.objects.count()
    assert count > 40
    from yiqiao.policies.models import OrganisationFact, Policy

    assert Policy.objects.count() >= 40  # the library is loaded with the demo
    assert OrganisationFact.objects.exists()
    out = io.StringIO()
    call_command("demo", no_serve=True, scale=40, stdout=out)
    assert "跳过示范区生成" in out.getvalue()
    # the logins are printed again, the passwords are not (shown once; issue 10, M3)
    assert "officer        （仅在生成时显示）" in out.getvalue()
    assert "yiqiao-demo" not in out.getvalue()
    assert Organisation.objects.count() == count
