"""Importing organisations and spaces from real-looking .csv and .xlsx files."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yiqiao.core.models import AuditEvent, ImportJob
from yiqiao.registry.models import Organisation, Space

pytestmark = pytest.mark.django_db

HEADER = "名称*,类型,统一社会信用代码,注册区域*,所在园区,成立日期,注册资本（万元）,资质,产业链节点,简称/别名\n"
GOOD_ROWS = (
    "锦城康瑞生物科技有限公司,企业,91350100M000100Y43,tp.jc.th,桐华转化医学产业园,2018/5/6,1200,高新技术企业、专精特新,化学创新药,康瑞\n"
    "桐华微创医疗器械有限公司,企业,,桐华区,,2020-01-15,800,,device.imaging,\n"
)
BAD_ROW = "锦城坏码医药有限公司,企业,91350100M000100Y44,tp.jc.th,,2019-13-01,-5,,,\n"


def upload(client: Any, content: bytes, name: str, target: str = "organisations") -> ImportJob:
    response = client.post(
        reverse("registry:import-start"),
        {"target": target, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


def decide(client: Any, job: ImportJob, decision: str) -> ImportJob:
    client.post(reverse("registry:import-decide", args=[job.pk]), {"decision": decision})
    job.refresh_from_db()
    return job


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


def test_it_imports_a_utf8_csv_after_validation(officer: Any) -> None:
    job = upload(officer, (HEADER + GOOD_ROWS).encode("utf-8-sig"), "机构.csv")
    assert job.status == "validated"
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert Organisation.objects.count() == 0  # nothing is written before the user confirms
    job = decide(officer, job, "all")
    assert job.status == "done"
    org = Organisation.objects.get(uscc="91350100M000100Y43")
    assert org.registered_capital_yuan == 12_000_000
    assert org.is_high_tech and org.is_specialised
    assert org.park is not None and org.park.name == "桐华转化医学产业园"
    assert [n.code for n in org.chain_nodes.all()] == ["drug_manufacturer.chem_innovative"]
    assert org.aliases == ["康瑞"]
    assert AuditEvent.objects.filter(action="import").count() == 2


def test_it_reads_first_tree_codes_as_their_replacements_and_reports_unknown_nodes(
    officer: Any,
) -> None:
    unknown = "锦城未知节点医药有限公司,企业,,tp.jc.th,,2021-01-01,100,,device.ivd、量子制药,\n"
    job = upload(officer, (HEADER + GOOD_ROWS + unknown).encode("utf-8"), "机构.csv")
    errors = [r for r in job.report if r["action"] == "error"]
    assert [(e["line"], e["errors"]) for e in errors] == [(4, ["产业链节点“量子制药”不存在"])]
    decide(officer, job, "valid_only")
    org = Organisation.objects.get(name="桐华微创医疗器械有限公司")
    assert [n.code for n in org.chain_nodes.all()] == ["device_manufacturer.imaging"]
    assert not Organisation.objects.filter(name="锦城未知节点医药有限公司").exists()


def test_it_reads_gbk_files_from_chinese_offices(officer: Any) -> None:
    job = upload(officer, (HEADER + GOOD_ROWS).encode("gbk"), "机构-gbk.csv")
    assert job.counts["create"] == 2
    assert job.counts["error"] == 0


def test_it_reports_each_bad_row_and_writes_nothing(officer: Any) -> None:
    job = upload(officer, (HEADER + GOOD_ROWS + BAD_ROW).encode("utf-8"), "机构.csv")
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 1}
    errors = [r for r in job.report if r["action"] == "error"]
    assert errors[0]["line"] == 4
    assert errors[0]["errors"] == [
        "统一社会信用代码“91350100M000100Y44”无效：第18位校验码错误：应为“3”，实际为“4”",
        "成立日期“2019-13-01”不是有效日期",
        "注册资本不能为负数",
    ]
    job = decide(officer, job, "all")  # refused: the file has errors
    assert job.status == "validated"
    assert Organisation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_it_imports_only_valid_rows_when_asked(officer: Any) -> None:
    job = upload(officer, (HEADER + GOOD_ROWS + BAD_ROW).encode("utf-8"), "机构.csv")
    job = decide(officer, job, "valid_only")
    assert job.status == "done"
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "桐华微创医疗器械有限公司",
        "锦城康瑞生物科技有限公司",
    ]


def test_it_changes_nothing_when_the_same_file_is_imported_again(officer: Any) -> None:
    content = (HEADER + GOOD_ROWS).encode("utf-8")
    decide(officer, upload(officer, content, "a.csv"), "all")
    before = list(Organisation.objects.order_by("pk").values())
    audit_count = AuditEvent.objects.count()
    job = upload(officer, content, "a.csv")
    assert job.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    decide(officer, job, "all")
    assert list(Organisation.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == audit_count


def test_it_upserts_by_normalised_name_when_no_code(officer: Any, org_factory: Any) -> None:
    existing = org_factory("桐华微创医疗器械有限责任公司")
    job = upload(officer, (HEADER + GOOD_ROWS.splitlines(keepends=True)[1]).encode(), "b.csv")
    assert job.counts == {"create": 0, "update": 1, "unchanged": 0, "error": 0}
    decide(officer, job, "all")
    existing.refresh_from_db()
    assert existing.registered_capital_yuan == 8_000_000
    assert Organisation.objects.count() == 1


def test_it_flags_duplicate_rows_within_a_file(officer: Any) -> None:
    row = GOOD_ROWS.splitlines(keepends=True)[1]
    job = upload(
        officer, (HEADER + row + row.replace("有限公司", "有限责任公司")).encode(), "c.csv"
    )
    errors = [r for r in job.report if r["action"] == "error"]
    assert [e["errors"] for e in errors] == [["与第2行重复"]]


def test_it_imports_xlsx(officer: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["名称", "类型", "注册区域", "员工人数"])
    sheet.append(["锦城表格药业有限公司", "企业", "tp.jc.th", 42])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = upload(officer, buffer.getvalue(), "机构.xlsx")
    decide(officer, job, "all")
    assert Organisation.objects.get().headcount == 42


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "文件为空"),
        (
            b"\x00\x01\x02binary",
            "x.csv",
            "文件包含二进制内容，不是文本 CSV；请上传 .xlsx 或 .csv 文件",
        ),
        (b"PK\x03\x04broken", "x.xlsx", "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式"),
        (b"\xff\xfe\xfa\xfb\xfc", "x.csv", "无法识别文件编码"),
        (b"a,b\n1,2\n", "x.csv", "缺少必填列：名称、注册区域"),
        (b"whatever", "x.xls", "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后上传"),
        (b"whatever", "x.pdf", "仅支持 .xlsx 和 .csv 文件"),
    ],
)
def test_it_refuses_unreadable_files_with_a_message(
    officer: Any, content: bytes, name: str, message: str
) -> None:
    job = upload(officer, content or b"", name) if content else None
    if job is None:  # an empty upload is refused by the form itself
        response = officer.post(
            reverse("registry:import-start"),
            {"target": "organisations", "file": SimpleUploadedFile(name, b"")},
        )
        assert response.status_code == 200
        assert Organisation.objects.count() == 0
        return
    assert job.status == "failed"
    assert job.error.startswith(message)
    assert Organisation.objects.count() == 0


def test_it_refuses_an_oversized_file(officer: Any, settings: Any) -> None:
    settings.YIQIAO_IMPORT_MAX_BYTES = 100
    response = officer.post(
        reverse("registry:import-start"),
        {"target": "organisations", "file": SimpleUploadedFile("big.csv", b"x" * 200)},
    )
    assert response.status_code == 200
    assert "文件过大" in str(response.context["form"].errors["file"])
    assert ImportJob.objects.count() == 0


def test_it_files_outside_rows_as_its_own_but_never_changes_another_units_record(
    officer: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    # An organisation sits where it is (an outside investor): a new one is maintained by the
    # importing unit; one already maintained by the other district's unit is not changed.
    org_factory("北山旧企业有限公司", region=regions["other"], owner_unit=units["outsider"])
    content = (
        HEADER + "北山企业有限公司,企业,,tp.yz.bs,,,,,,\n北山旧企业有限公司,企业,,北山区,,,500,,,\n"
    ).encode()
    job = upload(officer, content, "d.csv")
    by_line = {r["line"]: r for r in job.report}
    assert (by_line[2]["action"], by_line[3]["action"]) == ("create", "error")
    assert by_line[3]["errors"] == ["该机构已由其他单元维护，无权通过导入修改"]


def test_it_applies_a_job_once_even_if_confirmed_twice(officer: Any) -> None:
    job = upload(officer, (HEADER + GOOD_ROWS).encode(), "e.csv")
    decide(officer, job, "all")
    decide(officer, job, "all")
    assert Organisation.objects.count() == 2


def test_it_imports_spaces(officer: Any) -> None:
    content = (
        "名称,类型,所在园区,总面积（㎡）,可用面积（㎡）,租金（元/㎡·月）,GMP等级,可招商\n"
        "A栋3层,楼宇/办公,tp.jc.th.tmp,1200,800,65,,是\n"
        "B栋厂房,厂房,tp.jc.th.dz,5000,6000,30,D级,是\n"
    ).encode()
    job = upload(officer, content, "spaces.csv", target="spaces")
    assert job.counts["create"] == 1
    assert job.report[0]["errors"] == ["可用面积不能大于总面积"]
    decide(officer, job, "valid_only")
    assert list(Space.objects.values_list("name", flat=True)) == ["A栋3层"]


def test_it_offers_templates(officer: Any) -> None:
    response = officer.get(reverse("registry:import-template", args=["organisations", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "名称*"
    csv_template = officer.get(reverse("registry:import-template", args=["spaces", "csv"]))
    assert csv_template.content.decode("utf-8-sig").startswith("名称*,类型*,所在园区*")


def test_it_exports_with_formula_cells_neutralised(officer: Any, org_factory: Any) -> None:
    org_factory('=HYPERLINK("http://x")有限公司', aliases=["@evil"])
    response = officer.get(reverse("registry:organisation-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["B2"].value == '\'=HYPERLINK("http://x")有限公司'
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("简称/别名") + 1).value == "'@evil"


def test_it_imports_its_own_export_back_without_a_change(
    officer: Any, org_factory: Any, regions: Any
) -> None:
    import datetime as dt
    from decimal import Decimal

    from yiqiao.registry.models import ChainNode, Region
    from yiqiao.registry.services.regions import Division, regions_load_china

    # Two 鼓楼区 in China: the export names the outside investor's district with its code.
    regions_load_china(
        [
            Division("320000", "江苏省", "province", None),
            Division("320100", "南京市", "city", "320000"),
            Division("320106", "鼓楼区", "district", "320100"),
            Division("350000", "福建省", "province", None),
            Division("350100", "福州市", "city", "350000"),
            Division("350102", "鼓楼区", "district", "350100"),
        ]
    )
    org_factory(
        "锦城康瑞生物科技有限公司",
        uscc="91350100M000100Y43",
        park=regions["park"],
        founded_on=dt.date(2018, 5, 6),
        registered_capital_yuan=Decimal("12345678.90"),
        revenue_yuan=Decimal("35000000"),
        headcount=86,
        is_high_tech=True,
        is_little_giant=True,
        is_listed=True,
        listed_market="科创板",
        ticker="688999",
        lifecycle_stage="growth",
        aliases=["康瑞", "康瑞生物"],
        products="体外诊断试剂",
        description="专注分子诊断",
        notes="内部：重点跟进",
    ).chain_nodes.set(ChainNode.objects.filter(code="drug_manufacturer.chem_innovative"))
    org_factory(
        "鼓楼示例医药投资有限公司",
        kind="investor",
        region=Region.objects.get(division_code="320106"),
    )
    exported = officer.get(reverse("registry:organisation-export")).content
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    template = officer.get(reverse("registry:import-template", args=["organisations", "xlsx"]))
    template_sheet = load_workbook(io.BytesIO(template.content)).active
    assert template_sheet is not None
    assert headers[1:-1] == [str(c.value).rstrip("*") for c in template_sheet[1]]
    assert "鼓楼区（320106）" in [c.value for c in sheet["E"]]

    job = upload(officer, exported, "机构名录.xlsx")

    assert job.status == "validated", job.report
    assert job.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_it_exports_the_filtered_spaces(officer: Any, regions: Any) -> None:
    Space.objects.create(
        name="A栋",
        kind="building",
        park=regions["park"],
        total_area_m2=100,
        available_area_m2=40,
        is_available=True,
    )
    Space.objects.create(
        name="+B厂房",
        kind="plant",
        park=regions["zone"],
        total_area_m2=100,
        available_area_m2=0,
        is_available=False,
    )
    response = officer.get(reverse("registry:space-export"), {"kind": "plant"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[12]) for r in rows] == [("'+B厂房", "否")]
