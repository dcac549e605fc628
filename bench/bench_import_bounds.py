"""Time how fast the import reader refuses a sheet of 2,000 rows × 16,384 columns.

    python bench/bench_import_bounds.py [--rows 2000] [--columns 16384]

Builds the workbook as raw SpreadsheetML in a zip (no <dimension> tag, as some writers leave
it out: openpyxl would otherwise read the whole sheet just to size it), reports its packed and
unpacked sizes, then times `core.tabular.read_table` with the default limits until it refuses.
It times only the reading (CPU seconds, `time.process_time`), not the file's construction.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)


def build(rows: int, columns: int) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    unpacked = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = (
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(head)
            unpacked += len(head)
            cells = b"".join(b"<c><v>%d</v></c>" % (c % 10) for c in range(columns))
            for r in range(1, rows + 1):
                row = b'<row r="%d">' % r + cells + b"</row>"
                sheet.write(row)
                unpacked += len(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue(), unpacked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--columns", type=int, default=16_384)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()
    from yiqiao.core.tabular import ImportFileError, read_table

    content, unpacked = build(args.rows, args.columns)
    started = time.process_time()
    try:
        read_table(content, "wide.xlsx")
        message = ""
    except ImportFileError as exc:
        message = str(exc)
    cpu = time.process_time() - started
    print(f"packed {len(content) / 1048576:.1f} MB, unpacked {unpacked / 1048576:.0f} MB")
    print(f"refused in {cpu:.3f} s CPU: {message}")
    result = {
        "bench": "import_bounds",
        "rows": args.rows,
        "columns": args.columns,
        "packed_bytes": len(content),
        "unpacked_bytes": unpacked,
        "refused": bool(message),
        "cpu_seconds": round(cpu, 4),
    }
    print(json.dumps(result))
    return 0 if message else 1


if __name__ == "__main__":
    raise SystemExit(main())
