"""Record reminders for overdue demands; safe to run as often as you like (one per day each).

Run from cron, e.g. every hour: ``python -m django demands_remind``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiqiao.demands.services import demand_remind_overdue


class Command(BaseCommand):
    help = "为超期需求的承办人记录提醒（每条需求每天至多一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），用于补跑")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["today"]) if options.get("today") else None
        written = demand_remind_overdue(today=today)
        self.stdout.write(f"已记录 {written} 条超期提醒")
