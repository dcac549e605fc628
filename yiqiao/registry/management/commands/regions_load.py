"""Load China's provinces, cities and counties (GB/T 2260) as regions (idempotent, offline)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiqiao.registry.services.regions import regions_load_china


class Command(BaseCommand):
    help = "载入全国省、市、区县（GB/T 2260 行政区划代码）为区域；已有的区域保留，可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = regions_load_china()
        self.stdout.write(
            f"新增区域 {summary.created} 个，补充行政区划代码 {summary.coded} 个，"
            f"已存在 {summary.kept} 个"
        )
