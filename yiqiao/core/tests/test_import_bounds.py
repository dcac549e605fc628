"""Bounded imports (issue 10, H4): a file that would hold the worker is refused quickly, with a
message, before its rows reach an importer; a job whose worker died does not stay pending."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from yiqiao.core.imports import import_plan
from yiqiao.core.tabular import ImportFileError, TableLimits, read_table

HEADER = "名称*,类型,统一社会信用代码,注册区域*\n"


def _xlsx(rows: int, columns: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for r in range(rows):
        sheet.append([r * columns + c for c in range(columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook declaring its used range, as Excel writes it (openpyxl's write-only
    mode leaves the <dimension> tag out)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1
                )
            target.writestr(info, data)
    return out.getvalue()


def test_it_reads_a_narrow_sheet_whatever_range_it_declares() -> None:
    content = _with_dimension(_xlsx(rows=3, columns=3), "A1:XFD2000")
    table = read_table(content, "declared.xlsx", limits=TableLimits())
    assert table.headers == ["0", "1", "2"]
    assert table.rows == [(2, ["3", "4", "5"]), (3, ["6", "7", "8"])]


def test_it_refuses_a_wide_sheet_without_a_dimension_before_parsing_it() -> None:
    content = _xlsx(rows=40, columns=16_384)
    started = time.process_time()
    with pytest.raises(ImportFileError, match="工作表有一行含 16384 个单元格，超过上限 200 列"):
        read_table(content, "wide.xlsx", limits=TableLimits())
    assert time.process_time() - started < 1.0


def test_it_refuses_a_wide_csv_row() -> None:
    content = (HEADER + "a,b,c,d" + ",x" * 300 + "\n").encode()
    with pytest.raises(ImportFileError, match="第2行有 304 列数据"):
        read_table(content, "wide.csv", limits=TableLimits())


def test_it_keeps_trailing_blank_columns_out_of_the_count() -> None:
    content = HEADER.rstrip("\n") + "," * 500 + "\n甲公司,企业,,tp.jc.th" + "," * 500 + "\n"
    table = read_table(content.encode(), "blank.csv", limits=TableLimits())
    assert table.headers == ["名称", "类型", "统一社会信用代码", "注册区域"]
    assert table.rows == [(2, ["甲公司", "企业", "", "tp.jc.th"])]


def test_it_refuses_more_cells_than_allowed() -> None:
    with pytest.raises(ImportFileError, match="单元格总数超过上限 100 个"):
        read_table(_xlsx(rows=20, columns=10), "cells.xlsx", limits=TableLimits(max_cells=100))


def test_it_refuses_a_workbook_that_unpacks_too_large_before_unpacking_it() -> None:
    with pytest.raises(ImportFileError, match="工作表解压后 .* MB，超过上限"):
        read_table(
            _xlsx(rows=200, columns=20), "big.xlsx", limits=TableLimits(max_unpacked_bytes=1000)
        )


def test_it_refuses_more_rows_than_declared_allowed() -> None:
    with pytest.raises(ImportFileError, match="行数超过上限 10 行"):
        read_table(_xlsx(rows=50, columns=3), "rows.xlsx", limits=TableLimits(max_rows=10))


@pytest.mark.django_db
def test_it_stops_validation_once_its_time_is_spent(alice: Any) -> None:
    rows = "".join(f"机构{n}有限公司,企业,,tp.jc.th\n" for n in range(1200))
    table = read_table((HEADER + rows).encode(), "slow.csv", limits=TableLimits(max_seconds=60))
    assert table.budget is not None
    table.budget.started -= 61  # as if reading and validating had taken a minute already
    with pytest.raises(ImportFileError, match="文件处理超时（超过 60 秒）已停止，未写入任何数据"):
        import_plan(target="organisations", table=table, user=alice)


@pytest.mark.django_db
def test_it_fails_an_import_job_for_a_wide_file_with_the_reason(
    client_for: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiqiao.core.models import ImportJob
    from yiqiao.registry.models import Organisation

    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/registry/import/",
            {
                "target": "organisations",
                "file": SimpleUploadedFile("wide.xlsx", _xlsx(rows=40, columns=16_384)),
            },
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == "工作表有一行含 16384 个单元格，超过上限 200 列；请删除多余的列后重新上传"
    assert Organisation.objects.count() == 0
