"""Command line: ``extract PATH... --jsonl`` prints one JSON object per input file.

Used as ``python -m yiqiao.intel.engine.cli extract PATH... --jsonl`` or through the
project-level ``yiqiao intel extract PATH... --jsonl``, which calls :func:`main`.  A folder argument expands to its
``*.txt``, ``*.html`` and ``*.htm`` files in name order.  Bad files (empty, binary, unreadable)
produce a message on stderr and ``{"source": ..., "error": ...}`` on stdout; the exit code is 0
when every file was processed (even with errors), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator

from .pipeline import extract_article

_EXTS = (".txt", ".html", ".htm")


def _expand(paths: list[str]) -> Iterator[str]:
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                full = os.path.join(p, name)
                if os.path.isfile(full) and name.lower().endswith(_EXTS):
                    yield full
        else:
            yield p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code.

    Accepts ``extract PATH... --jsonl`` and, as called by ``yiqiao intel extract``, the same
    arguments without the leading ``extract``.
    """
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] == "extract":
        args_in = args_in[1:]
    parser = argparse.ArgumentParser(
        prog="yiqiao intel extract", description="抽取文章中的机构、金额、签约、活动与指标"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--jsonl", action="store_true", help="每个文件输出一行 JSON（默认）")
    parser.add_argument("--no-lac", action="store_true", help="不使用 LAC 模型（仅规则）")
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # argparse exits on usage errors; report a code instead
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    for path in _expand(args.paths):
        source = os.path.basename(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            msg = f"无法读取文件：{exc.strerror or exc}"
            print(f"{source}: {msg}", file=sys.stderr)
            print(json.dumps({"source": source, "error": msg}, ensure_ascii=False), flush=True)
            continue
        result = extract_article(data, source, use_lac=not args.no_lac)
        if result.error is not None:
            print(f"{source}: {result.error}", file=sys.stderr)
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
