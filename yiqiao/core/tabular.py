"""Reading uploaded spreadsheets (.xlsx, .csv in UTF-8/GBK) and writing .xlsx exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
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
    budget: Budget | None = None  # the work allowance left for validating this table


@dataclass(frozen=True)
class TableLimits:
    """How much work one upload may cause. A sheet of 2,000 rows × 16,384 columns (3.6 MB
    packed) once held the only worker for 28 minutes: every bound here is checked while reading,
    before the rows reach an importer, and the time bound also covers validation."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 200
    max_cells: int = 2_000_000
    max_seconds: float = 120.0
    max_unpacked_bytes: int = 200 * 1024 * 1024  # worksheet XML after unzipping


def table_limits() -> TableLimits:
    """The limits configured in settings (YIQIAO_IMPORT_*)."""
    from django.conf import settings

    defaults = TableLimits()
    return TableLimits(
        max_bytes=getattr(settings, "YIQIAO_IMPORT_MAX_BYTES", defaults.max_bytes),
        max_rows=getattr(settings, "YIQIAO_IMPORT_MAX_ROWS", defaults.max_rows),
        max_columns=getattr(settings, "YIQIAO_IMPORT_MAX_COLUMNS", defaults.max_columns),
        max_cells=getattr(settings, "YIQIAO_IMPORT_MAX_CELLS", defaults.max_cells),
        max_seconds=getattr(settings, "YIQIAO_IMPORT_MAX_SECONDS", defaults.max_seconds),
        max_unpacked_bytes=getattr(
            settings, "YIQIAO_IMPORT_MAX_UNPACKED_BYTES", defaults.max_unpacked_bytes
        ),
    )


class Budget:
    """Counts cells and time while a table is read and validated; refuses past the limits."""

    def __init__(self, limits: TableLimits) -> None:
        self.limits = limits
        self.started = time.monotonic()
        self.cells = 0

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.limits.max_seconds:
            raise ImportFileError(
                f"文件处理超时（超过 {self.limits.max_seconds:.0f} 秒）已停止，未写入任何数据；"
                "请删除多余的行列或拆分文件后重新上传"
            )

    def row(self, line_no: int, cells: list[str]) -> list[str]:
        """A row's cells without trailing blanks, counted; refused when too wide or too many."""
        end = len(cells)
        while end and not cells[end - 1]:
            end -= 1
        if end > self.limits.max_columns:
            raise ImportFileError(
                f"第{line_no}行有 {end} 列数据，超过上限 {self.limits.max_columns} 列；"
                "请删除多余的列后重新上传"
            )
        self.cells += len(cells)
        if self.cells > self.limits.max_cells:
            raise ImportFileError(
                f"单元格总数超过上限 {self.limits.max_cells:,} 个；请删除多余的行列或拆分文件"
            )
        if line_no % 256 == 0:
            self.check_time()
        return cells[:end]


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


def read_table(
    content: bytes,
    filename: str,
    *,
    limits: TableLimits | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Parse an uploaded file into headers and rows, or raise ImportFileError.

    Bounded by `limits` (default: the settings): bytes, rows, columns, cells and time.
    """
    limits = limits or table_limits()
    if max_bytes is not None or max_rows is not None:
        limits = TableLimits(
            **{
                **limits.__dict__,
                "max_bytes": max_bytes if max_bytes is not None else limits.max_bytes,
                "max_rows": max_rows if max_rows is not None else limits.max_rows,
            }
        )
    if not content:
        raise ImportFileError("文件为空")
    if len(content) > limits.max_bytes:
        raise ImportFileError(
            f"文件过大（{len(content) / 1048576:.1f} MB），上限为 {limits.max_bytes / 1048576:.0f} MB"
        )
    name = filename.lower()
    budget = Budget(limits)
    if name.endswith(".xls"):
        raise ImportFileError("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后上传")
    if name.endswith(".xlsx") or content[:2] == b"PK":
        table = _read_xlsx(content, budget)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(content, budget)
    else:
        raise ImportFileError("仅支持 .xlsx 和 .csv 文件")
    table.budget = budget
    return table


def _too_many_rows(limits: TableLimits) -> ImportFileError:
    return ImportFileError(f"行数超过上限 {limits.max_rows} 行，请拆分文件")


def _read_csv(content: bytes, budget: Budget) -> Table:
    text, encoding = decode_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [clean_header(h) for h in budget.row(1, next(reader))]
    except StopIteration as exc:
        raise ImportFileError("文件为空") from exc
    rows: list[tuple[int, list[str]]] = []
    try:
        for line_no, raw in enumerate(reader, start=2):
            cells = budget.row(line_no, [c.strip() for c in raw])
            if not any(cells):
                continue
            rows.append((line_no, cells))
            if len(rows) > budget.limits.max_rows:
                raise _too_many_rows(budget.limits)
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from exc
    return Table(headers, rows, encoding)


def _check_xlsx_size(content: bytes, limits: TableLimits) -> list[str]:
    """Refuse a workbook whose sheets unpack to more than the limit (checked from the zip's
    directory, before anything is decompressed); answer the worksheets' paths."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [
                info
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            ]
            shared = [i for i in archive.infolist() if i.filename == "xl/sharedStrings.xml"]
            unpacked = sum(info.file_size for info in parts + shared)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    if unpacked > limits.max_unpacked_bytes:
        raise ImportFileError(
            f"工作表解压后 {unpacked / 1048576:.0f} MB，超过上限 "
            f"{limits.max_unpacked_bytes / 1048576:.0f} MB；请删除多余的行列或拆分文件"
        )
    return [info.filename for info in parts]


def _prescan_sheet(content: bytes, path: str, limits: TableLimits) -> None:
    """Count a worksheet's cells and its widest row from the raw XML, in C-speed byte scans of
    1 MB chunks, before openpyxl builds a single cell; refuse past the limits. Bounded by the
    unpacked size checked before."""
    cells = 0
    widest = 0
    in_row = 0  # cells of the row still open at the end of the previous chunk
    tail = b""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            cut = max(data.rfind(b"<"), 0)  # never split a tag between chunks
            data, tail = data[:cut], data[cut:]
            pieces = data.split(b"</row>")
            for index, piece in enumerate(pieces):
                found = piece.count(b"<c ") + piece.count(b"<c>")
                in_row += found
                cells += found
                if index < len(pieces) - 1:  # the row closed here
                    widest = max(widest, in_row)
                    in_row = 0
            widest = max(widest, in_row)
            if widest > limits.max_columns:
                raise ImportFileError(
                    f"工作表有一行含 {widest} 个单元格，超过上限 {limits.max_columns} 列；"
                    "请删除多余的列后重新上传"
                )
            if cells > limits.max_cells:
                raise ImportFileError(
                    f"单元格总数超过上限 {limits.max_cells:,} 个；请删除多余的行列或拆分文件"
                )


def _read_xlsx(content: bytes, budget: Budget) -> Table:
    from openpyxl import load_workbook

    limits = budget.limits
    for path in _check_xlsx_size(content, limits):
        # Before openpyxl opens the workbook: without a <dimension> tag it reads a whole sheet
        # just to size it.
        _prescan_sheet(content, path, limits)
    try:
        # read_only streams the sheet row by row instead of building every cell in memory.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        headers: list[str] = []
        line_no = 0
        for line_no, first in enumerate(iterator, start=1):
            headers = [clean_header(v) for v in budget.row(line_no, [_cell_text(v) for v in first])]
            if any(headers):
                break
        if not any(headers):
            raise ImportFileError("文件为空：第一个工作表没有表头")
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(iterator, start=line_no + 1):
            cells = budget.row(number, [_cell_text(v) for v in values])
            if not any(cells):
                continue
            rows.append((number, cells))
            if len(rows) > limits.max_rows:
                raise _too_many_rows(limits)
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
