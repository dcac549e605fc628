"""Helpers for browser tests; the browser and page fixtures live in the root conftest.py."""

from __future__ import annotations

from typing import Any


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
