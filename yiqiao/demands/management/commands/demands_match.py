"""``yiqiao demands match NEEDS.jsonl [--top 10] [--organisation ID] [--as-of DATE]``

Reads JSON lines ``{"id", "text", "category"?}`` and writes one JSON line per need:
``{"id", "requirements": [{"name", "op", "value", "unit", "span"}], "results": [{"type", "key",
"title", "attributes", "requirements": [{"name", "status"}], "reasons"}]}`` (plus
``preferences`` and ``unread``: what was read as a preference, and what could not be read and
why). Without ``--organisation`` the need is raised for a new enterprise of the district that is
not yet in the register; the district is the one whose register holds the most spaces.
A bad line is answered with ``{"id", "error"}`` and the rest go on.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from yiqiao.demands.engine.understand import CATEGORY_TYPES
from yiqiao.demands.matching import match_need
from yiqiao.demands.resources import district_of
from yiqiao.registry.models import Organisation, Region


def default_district() -> Region | None:
    """The district whose register holds the most spaces (the demo district in a demo)."""
    return (
        Region.objects.filter(kind=Region.Kind.DISTRICT)
        .annotate(n=Count("children__spaces", distinct=True))
        .order_by("-n", "code")
        .first()
    )


class Command(BaseCommand):
    help = (
        "按需求文本匹配本区资源（JSON Lines 输入输出，见 yiqiao/demands/evaluation/real/README.md）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "needs", help="JSON Lines 文件：每行 {id, text, category?}；- 表示标准输入"
        )
        parser.add_argument("--top", type=int, default=10, help="每条需求返回的结果数（默认 10）")
        parser.add_argument(
            "--organisation", type=int, help="提出需求的机构编号（默认：尚未登记的新企业）"
        )
        parser.add_argument(
            "--as-of", dest="as_of", help="按指定日期判断可入驻、政策有效期（YYYY-MM-DD）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        top = options["top"]
        if not 1 <= top <= 100:
            raise CommandError("--top 须在 1 到 100 之间")
        try:
            as_of = (
                dt.date.fromisoformat(options["as_of"])
                if options["as_of"]
                else timezone.localdate()
            )
        except ValueError as error:
            raise CommandError(f"--as-of 不是日期（YYYY-MM-DD）：{options['as_of']}") from error
        exclude: tuple[str, ...] = ()
        root: Region | None
        if options["organisation"] is not None:
            org = (
                Organisation.objects.filter(pk=options["organisation"])
                .select_related("region")
                .first()
            )
            if org is None:
                raise CommandError(f"没有编号为 {options['organisation']} 的机构")
            root = district_of(org.region)
            exclude = (f"org:{org.pk}", f"investor:{org.pk}")
        else:
            root = default_district()
        path = options["needs"]
        try:
            handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error.strerror}") from error
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                self.stdout.write(
                    json.dumps(
                        self.one(line, number, root, as_of, top, exclude), ensure_ascii=False
                    )
                )

    def one(
        self,
        line: str,
        number: int,
        root: Region | None,
        as_of: dt.date,
        top: int,
        exclude: tuple[str, ...],
    ) -> dict[str, Any]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return {"id": None, "line": number, "error": f"第 {number} 行不是 JSON：{error.msg}"}
        if not isinstance(item, dict) or not isinstance(item.get("text", ""), str):
            return {"id": None, "line": number, "error": f"第 {number} 行须为含 text 字段的对象"}
        need_id = item.get("id", number)
        category = item.get("category")
        if category is not None and category not in CATEGORY_TYPES:
            return {"id": need_id, "error": f"未知的需求类别：{category}"}
        outcome = match_need(
            item.get("text") or "",
            category=category,
            root=root,
            as_of=as_of,
            top=top,
            exclude_keys=exclude,
        )
        return outcome.as_json(need_id)
