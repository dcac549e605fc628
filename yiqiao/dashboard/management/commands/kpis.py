"""``yiqiao kpis --json [--as-of DATE] [--region CODE] [--key KEY]``: every figure with its records.

``yiqiao kpis rebuild [--verify]``: the summary rows behind the fast figures
(dashboard/services/summary.py): ``--verify`` recounts them from the raw tables and prints every
difference (exit 1 when there is one) without writing; without it, they are rebuilt from the
recount.

One JSON line per figure: ``{"key", "label", "value", "unit", "period", "definition",
"records": {"model", "ids"}}`` — a rate gives ``numerator`` and ``denominator`` instead of
``records`` — so an auditor can recompute each figure from the records and the raw tables.
Counted over every record (no user); ``--region`` limits to a region's subtree.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiqiao.registry.models import Region

from ...kpis.context import KpiContext
from ...kpis.registry import spec, specs


class Command(BaseCommand):
    help = "Print every cockpit figure as one JSON line with the records it counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", choices=["rebuild"], help="rebuild: the summary rows"
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="with rebuild: compare only, exit 1 on a difference",
        )
        parser.add_argument("--json", action="store_true", help="one JSON line per figure")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--region", help="region code (e.g. xs.jc.th): its subtree only")
        parser.add_argument("--key", action="append", help="only these figures (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            self._rebuild(verify=options["verify"])
            return
        today = timezone.localdate()
        as_of = today
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of “{options['as_of']}”不是 YYYY-MM-DD 日期") from exc
            if as_of > today:
                raise CommandError(f"--as-of {as_of} 晚于今天，指标只统计已发生的记录")
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"没有编码为“{options['region']}”的区域")
        chosen = specs()
        if options["key"]:
            unknown = [k for k in options["key"] if spec(k) is None]
            if unknown:
                raise CommandError(f"没有这些指标：{'、'.join(unknown)}")
            chosen = [s for s in chosen if s.key in options["key"]]
        ctx = KpiContext.year_to_date(as_of, region=region)
        for item in chosen:
            kpi = item.compute(ctx)
            if options["json"]:
                self.stdout.write(json.dumps(kpi.as_json(), ensure_ascii=False))
            else:
                self.stdout.write(f"{kpi.label}\t{kpi.value}\t{kpi.unit}\t{kpi.period}")

    def _rebuild(self, *, verify: bool) -> None:
        from ...services import summary

        if not verify:
            for name, rows in summary.rebuild_all().items():
                self.stdout.write(f"{name}: {rows} summary rows rebuilt from the raw tables")
            return
        found = summary.verify_all()
        for name, lines in found.items():
            for line in lines:
                self.stdout.write(line)
            self.stdout.write(f"{name}: {len(lines)} differences")
        if any(found.values()):
            raise SystemExit(1)
