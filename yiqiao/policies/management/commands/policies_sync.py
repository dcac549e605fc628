"""Load the policy library folder into Policy/PolicyVersion rows (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiqiao.policies.profiles import library_dir
from yiqiao.policies.services import policy_library_sync


class Command(BaseCommand):
    help = "同步政策库目录到数据库：未变化的文件不写入，变化的文件新增一个修订版本。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "folder", nargs="?", default="", help="政策文件目录（默认见 --library）"
        )
        parser.add_argument(
            "--library",
            default="",
            help="demo（示范区虚构政策库）、starter（真实条款起步库）或目录；默认取设置 YIQIAO_POLICY_LIBRARY",
        )
        parser.add_argument("--region", default="", help="发布政策的辖区编码（为空表示平台通用）")

    def handle(self, *args: Any, **options: Any) -> None:
        from yiqiao.registry.models import Region

        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区域 {options['region']} 不存在")
        folder = options["folder"] or str(library_dir(options["library"] or None))
        report = policy_library_sync(folder=folder, region=region)
        for line in report.errors:
            self.stderr.write(line)
        for code in report.held_back:
            self.stderr.write(f"{code}: 未通过发布检查，已退回审核")
        self.stdout.write(str(report))
        if report.errors:
            raise CommandError("部分政策文件有误，未入库")
