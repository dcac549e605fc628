"""Schemathesis over every API operation, signed in as a district officer.

Each operation gets a bounded number of generated requests, valid (positive) and invalid
(negative), sent through the WSGI application with a real session and CSRF token. A request may
be refused (4xx) but never answer 5xx, and every response must match the schema the API
publishes. The run is derandomised so a failure reproduces, and small enough for every test run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from yiqiao.api import api

EXAMPLES = 10
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = get_wsgi_application()
OPERATIONS = sorted((op.ok().method.upper(), op.ok().path) for op in SCHEMA.get_all_operations())


@pytest.fixture
def district(alice: Any, org_factory: Any, regions: Any, client: Client) -> list[Any]:
    """A few records of every kind (made through the API itself), so generated small ids
    often name a real record."""
    from yiqiao.registry.models import Organisation

    company = org_factory("锦城康瑞生物科技有限公司", headcount=86)
    investor = org_factory("沪上示例医药投资有限公司", kind=Organisation.Kind.INVESTOR)
    client.force_login(alice)
    made = []
    for path, body in [
        ("/api/projects/projects", {"title": "示例抗体药物产业化基地", "investors": [investor.pk]}),
        (
            "/api/events/events",
            {"title": "集中签约仪式", "kind": "signing", "city": "锦城", "starts_on": "2025-06-01"},
        ),
        (
            "/api/demands/demands",
            {"category": "space", "text": "需要2000平方米GMP厂房", "organisation_id": company.pk},
        ),
    ]:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code in (200, 201), (path, response.content)
        made.append(response.json())
    return made


@contextmanager
def _keeping_test_connection() -> Iterator[None]:
    """The requests go through the bare WSGI application, whose start and end signals close a
    database connection left outside autocommit: on PostgreSQL that is the test's transaction, and
    the request would meet a closed connection. Django's own test client disconnects the same
    handler around each request for the same reason (and reconnects it after, so this is done
    around each call, not once for the test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _session(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return cookies, {"X-CSRFToken": token, "Referer": "http://localhost/"}


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_it_answers_every_operation_without_server_error(
    method: str, path: str, mode: GenerationMode, alice: Any, district: Any
) -> None:
    operation = SCHEMA[path][method]
    cookies, headers = _session(alice)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        with _keeping_test_connection():
            response = case.call(cookies=cookies, headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()
