"""Ledger (台账) import through the register's import jobs, and export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yiqiao.core.models import AuditEvent, ImportJob
from yiqiao.projects.models import Project, Signing, StageChange
from yiqiao.registry.models import Organisation

pytestmark = pytest.mark.django_db
HEADERS = [
    "项目名称*",
    "企业*",
    "拟落地园区",
    "阶段",
    "计划投资额（万元）",
    "签约日期",
    "签约金额（万元）",
    "签约方",
]
FUTURE = (timezone.localdate() + dt.timedelta(days=10)).isoformat()


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(client_for: Any, alice: Any, django_capture_on_commit_callbacks: Any) -> Any:
    client = client_for(alice)

    class Wrapped:
        def post(self, *args: Any, **kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

        def get(self, *args: Any, **kwargs: Any) -> Any:
            return client.get(*args, **kwargs)

    return Wrapped()


def upload(client: Any, content: bytes) -> ImportJob:
    response = client.post(
        reverse("registry:import-start"),
        {"target": "projects", "file": SimpleUploadedFile("台账.xlsx", content)},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


def decide(client: Any, job: ImportJob, decision: str) -> ImportJob:
    client.post(reverse("registry:import-decide", args=[job.pk]), {"decision": decision})
    job.refresh_from_db()
    return job


@pytest.fixture
def enterprises(org_factory: Any) -> None:
    org_factory("桐华示例生物制药有限公司", uscc="91350100M000100Y43")
    org_factory("示例医疗器械有限公司")
    org_factory("同名科技有限公司")
    org_factory("同名科技有限公司")


GOOD = [
    [
        "抗体药物基地",
        "91350100M000100Y43",
        "tp.jc.th.tmp",
        "签约",
        "50000",
        "2025-03-18",
        "42000",
        "区政府、企业",
    ],
    ["高值耗材产线", "示例医疗器械有限公司", "桐华经济开发区", "洽谈", "8000", "", "", ""],
]


def test_it_reports_bad_rows_and_changes_nothing(officer: Any, enterprises: None) -> None:
    rows = [
        *GOOD,
        ["未知企业项目", "查无此企业有限公司", "", "线索", "100", "", "", ""],
        ["同名企业项目", "同名科技有限公司", "", "线索", "100", "", "", ""],
        ["负数项目", "示例医疗器械有限公司", "", "线索", "-100", "", "", ""],
        ["未来签约", "示例医疗器械有限公司", "", "签约", "100", FUTURE, "100", "x"],
    ]
    audit_before = AuditEvent.objects.count()
    job = upload(officer, xlsx(rows))
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 4}
    errors = {r["line"]: r["errors"] for r in job.report if r["action"] == "error"}
    assert errors[4] == [
        "企业“查无此企业有限公司”不在机构名录中，请先登记该企业或填写统一社会信用代码"
    ]
    assert errors[5] == ["企业“同名科技有限公司”在名录中有多个同名机构，请改填统一社会信用代码"]
    assert errors[6] == ["计划投资额不能为负数"]
    assert errors[7] == [f"签约日期“{FUTURE}”晚于今天，不能登记未发生的签约"]
    job = decide(officer, job, "all")
    assert Project.objects.count() == 0
    assert Signing.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_it_imports_then_reimport_changes_nothing(officer: Any, enterprises: None) -> None:
    job = decide(officer, upload(officer, xlsx(GOOD)), "all")
    assert job.status == "done"
    signed = Project.objects.get(title="抗体药物基地")
    assert (signed.stage, signed.signed_amount, signed.planned_amount) == (
        "signed",
        420000000,
        500000000,
    )
    assert signed.registered_company_id is None
    assert StageChange.objects.filter(project=signed).count() == 1
    state = list(Project.objects.order_by("pk").values())
    audit = AuditEvent.objects.count()
    again = upload(officer, xlsx(GOOD))
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    decide(officer, again, "all")
    assert list(Project.objects.order_by("pk").values()) == state
    assert Signing.objects.count() == 1
    assert AuditEvent.objects.count() == audit


def test_it_exports_a_ledger_that_reimports_unchanged(officer: Any, enterprises: None) -> None:
    decide(officer, upload(officer, xlsx(GOOD)), "all")
    response = officer.get(reverse("projects:project-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("项目名称", "企业")
    assert len(rows) == 3
    job = upload(officer, response.content)
    assert job.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert Organisation.objects.count() == 4
