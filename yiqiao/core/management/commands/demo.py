"""Prepare the demo district on the configured database and serve it."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .serve import serve


class Command(BaseCommand):
    help = "Migrate, load the demo district into an empty database, print the logins, and serve."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="only prepare the database")
        parser.add_argument("--scale", type=int, default=3000, help="generated enterprises")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        from yiqiao.registry.demo import generate_demo
        from yiqiao.registry.models import Organisation

        if options["scale"] < 0:
            raise CommandError("--scale must be zero or more")
        call_command("migrate", interactive=False, verbosity=0)
        if Organisation.objects.exists():
            self.stdout.write("数据库中已有数据，跳过示范区生成。")
            from yiqiao.accounts.models import User
            from yiqiao.registry.demo import DEMO_PASSWORD
            from yiqiao.registry.demo.places import USERS

            present = set(User.objects.values_list("username", flat=True))
            logins = [(u[0], DEMO_PASSWORD, u[5]) for u in USERS if u[0] in present]
        else:
            summary = generate_demo(
                scale=options["scale"], seed=options["seed"], progress=_progress_bar()
            )
            logins = summary.logins
            from yiqiao.policies.demo import load_demo_policy_data

            # The policy library and the enterprise facts the calculator and screening use.
            self.stdout.write(str(load_demo_policy_data(seed=options["seed"])))
            from yiqiao.core.db import database_analyze

            database_analyze(full=True)
            self.stdout.write(
                f"\n示范区已生成：{summary.organisations} 家机构、{summary.spaces} 处载体、"
                f"{summary.services} 项平台服务（{summary.seconds:.1f} 秒）"
            )
        self.stdout.write("\n演示账号（用户名 / 密码 / 角色）：")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<14} {password:<16} {role}")
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
