"""`yiqiao serve` refuses a database the code is ahead of, before serving anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yiqiao.core.management.commands import serve as serve_command

pytestmark = pytest.mark.django_db


def test_it_finds_nothing_pending_on_a_migrated_database() -> None:
    assert serve_command.pending_migrations() == []


def test_it_refuses_to_serve_a_database_behind_the_code(monkeypatch: Any) -> None:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    # Forget that the last registry migration was applied: the database is now "behind".
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="registry").order_by("-id").first()
    assert last is not None
    last.delete()
    served: list[Any] = []
    monkeypatch.setattr("waitress.serve", lambda *a, **k: served.append(a))
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--no-worker")
    assert f"registry.{last.name}" in str(refused.value)
    assert "请先运行 yiqiao migrate" in str(refused.value)
    assert served == []
