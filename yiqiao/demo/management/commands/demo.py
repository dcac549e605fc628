"""Prepare the demo district on the configured database and serve it."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yiqiao.core.management.commands.serve import serve
from yiqiao.demo.generators import demo_is_present, demo_logins, demo_run


class Command(BaseCommand):
    help = "Migrate, load the demo district into an empty database, print the logins, and serve."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="only prepare the database")
        parser.add_argument("--scale", type=int, default=3000, help="generated enterprises")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] < 0:
            raise CommandError("--scale must be zero or more")
        call_command("migrate", interactive=False, verbosity=0)
        if demo_is_present():
            self.stdout.write("数据库中已有数据，跳过示范区生成。")
            logins = demo_logins()
        else:
            context = demo_run(
                scale=options["scale"], seed=options["seed"], progress=_progress_bar()
            )
            for note in context.notes:
                self.stdout.write(note)
            from yiqiao.core.db import database_analyze

            database_analyze(full=True)
            if context.headline:
                self.stdout.write(context.headline)
            logins = context.logins
        self.stdout.write("\n演示账号（用户名 / 密码 / 角色）：")
        for username, password, role in logins:
            shown = password or "（仅在生成时显示）"
            self.stdout.write(f"  {username:<14} {shown:<16} {role}")
        if any(password for _u, password, _r in logins):
            self.stdout.write("每个账号的密码随机生成，只显示这一次，请记下。")
        else:
            self.stdout.write(
                "密码只在生成示范区时显示一次；忘记时运行 yiqiao changepassword 用户名 重设。"
            )
        if not options["no_serve"]:
            serve(host=options["host"], port=options["port"], stdout=self.stdout)


def _progress_bar() -> Any:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            # Small stages finish at once; a bar only helps for the generated register.
            bar = bars[stage] = tqdm(
                total=total, desc=stage, unit="条", file=sys.stderr, disable=total < 1000
            )
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return progress
