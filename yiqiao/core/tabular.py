"""Reading uploaded spreadsheets (.xlsx, .csv in UTF-8/GBK) and writing .xlsx exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .text import safe_cell


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number as the user sees it, cells)
    encoding: str


def clean_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    return text.replace("*", "").replace(" ", "").replace("(", "（").replace(")", "）")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode_text(content: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if b"\x00" in content[:4096]:
        raise ImportFileError("文件包含二进制内容，不是文本 CSV；请上传 .xlsx 或 .csv 文件")
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"无法识别文件编码（第{exc.start}字节附近），请另存为 UTF-8 或 GBK 编码的 CSV"
        ) from exc


def read_table(content: bytes, filename: str, *, max_bytes: int, max_rows: int) -> Table:
    """Parse an uploaded file into headers and rows, or raise ImportFileError."""
    if not content:
        raise ImportFileError("文件为空")
    if len(content) > max_bytes:
        raise ImportFileError(
            f"文件过大（{len(content) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB"
        )
    name = filename.lower()
    if name.endswith(".xls"):
        raise ImportFileError("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后上传")
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content, max_rows)
    if name.endswith((".csv", ".txt")):
        return _read_csv(content, max_rows)
    raise ImportFileError("仅支持 .xlsx 和 .csv 文件")


def _read_csv(content: bytes, max_rows: int) -> Table:
    text, encoding = decode_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [clean_header(h) for h in next(reader)]
    except StopIteration as exc:
        raise ImportFileError("文件为空") from exc
    rows: list[tuple[int, list[str]]] = []
    try:
        for line_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            rows.append((line_no, [c.strip() for c in cells]))
            if len(rows) > max_rows:
                raise ImportFileError(f"行数超过上限 {max_rows} 行，请拆分文件")
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from exc
    return Table(headers, rows, encoding)


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        headers: list[str] = []
        for first in iterator:
            headers = [clean_header(_cell_text(v)) for v in first]
            if any(headers):
                break
        if not any(headers):
            raise ImportFileError("文件为空：第一个工作表没有表头")
        rows: list[tuple[int, list[str]]] = []
        line_no = 1
        for line_no, values in enumerate(iterator, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            rows.append((line_no, cells))
            if len(rows) > max_rows:
                raise ImportFileError(f"行数超过上限 {max_rows} 行，请拆分文件")
    finally:
        workbook.close()
    return Table(headers, rows, "xlsx")


# ---- cell parsers: each returns a value or raises ValueError with a Chinese message ----


def parse_decimal(text: str, *, scale: Decimal = Decimal(1), label: str = "数值") -> Decimal | None:
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"{label}“{text}”不是数字") from exc
    if not value.is_finite():
        raise ValueError(f"{label}“{text}”不是数字")
    if value < 0:
        raise ValueError(f"{label}不能为负数")
    value = value * scale
    if value.adjusted() >= 15:
        raise ValueError(f"{label}“{text}”超出合理范围")
    return value.quantize(Decimal("0.01"))


def parse_int(text: str, *, label: str) -> int | None:
    value = parse_decimal(text, label=label)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError(f"{label}应为整数")
    return int(value)


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(text: str, *, label: str = "日期") -> dt.date | None:
    if not text:
        return None
    match = _DATE_RE.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        raise ValueError(f"{label}“{text}”格式应为 2020-05-01")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(f"{label}“{text}”不是有效日期") from exc


def parse_bool(text: str, *, label: str) -> bool | None:
    if not text:
        return None
    value = text.strip().lower()
    if value in {"是", "y", "yes", "true", "1", "√"}:
        return True
    if value in {"否", "n", "no", "false", "0", "×"}:
        return False
    raise ValueError(f"{label}应填“是”或“否”")


def split_list(text: str) -> list[str]:
    for sep in [",", "，", ";", "；", "/", "\n", "|"]:
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    on_row: Callable[[int], None] | None = None,
) -> bytes:
    """A write-only workbook; every text cell is protected against formula injection."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for i, row in enumerate(rows, start=1):
        sheet.append([safe_cell(v) for v in row])
        if on_row and i % 1000 == 0:
            on_row(i)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
