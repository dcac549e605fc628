"""Ingest every .txt/.html file of a folder (a daily job); files already ingested are skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiqiao.intel import services


class Command(BaseCommand):
    help = "导入文件夹中的资讯文件（.txt/.html）；已导入的文章（指纹相同）不会重复导入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="资讯文件所在文件夹")
        parser.add_argument("--user", required=True, help="以该用户名义导入（决定可见范围）")
        parser.add_argument("--source", default="", help="来源名称（可选）")
        parser.add_argument("--recursive", action="store_true", help="同时导入子文件夹中的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        from yiqiao.accounts.models import User

        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"文件夹不存在：{folder}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{options['user']}")
        pattern = "**/*" if options["recursive"] else "*"
        files = sorted(
            p
            for p in folder.glob(pattern)
            if p.is_file() and p.suffix.lower() in services.ALLOWED_SUFFIXES
        )
        counts = {"created": 0, "duplicate": 0, "skipped": 0, "refused": 0}
        for path in files:
            try:
                if path.stat().st_size > services.max_bytes():
                    raise services.IngestRefused("文件过大")
                result = services.article_ingest(
                    content=path.read_bytes(),
                    by=user,
                    file_name=path.name,
                    source_name=options["source"],
                )
            except services.IngestRefused as exc:
                counts["refused"] += 1
                self.stderr.write(f"{path.name}: {'；'.join(exc.messages)}")
                continue
            if not result.created:
                counts["skipped"] += 1
            elif result.duplicate_of is not None:
                counts["duplicate"] += 1
            else:
                counts["created"] += 1
            self.stdout.write(f"{path.name}: {result.message}")
        self.stdout.write(
            f"新增 {counts['created']} 篇，合并重复稿 {counts['duplicate']} 篇，"
            f"已导入跳过 {counts['skipped']} 篇，无法导入 {counts['refused']} 篇"
        )
