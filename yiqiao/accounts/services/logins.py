"""Login protection: failed sign-ins are counted per account and per address, and both lock.

Counting lives in the database (not a per-process cache), so every app process of a
deployment sees the same failures. A lock lasts until the window since the last counted failure
has passed; an admin's password reset ends an account's lock at once.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import LoginFailure


@dataclass(frozen=True)
class LoginLimits:
    """How many failures within `window` lock an account, and an address."""

    per_account: int
    per_address: int
    window: dt.timedelta


def login_limits() -> LoginLimits:
    return LoginLimits(
        per_account=settings.YIQIAO_LOGIN_FAILURES_PER_ACCOUNT,
        per_address=settings.YIQIAO_LOGIN_FAILURES_PER_ADDRESS,
        window=dt.timedelta(minutes=settings.YIQIAO_LOGIN_LOCK_MINUTES),
    )


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def login_lock_minutes(*, username: str, address: str, now: dt.datetime | None = None) -> int:
    """Minutes until a sign-in for this account from this address is allowed again (0: now)."""
    limits = login_limits()
    now = now or timezone.now()
    since = now - limits.window
    recent = LoginFailure.objects.filter(at__gte=since)
    remaining = dt.timedelta(0)
    for field, value, limit in (
        ("username", _key(username), limits.per_account),
        ("address", address, limits.per_address),
    ):
        if not value:
            continue
        times = list(
            recent.filter(**{field: value}).order_by("-at").values_list("at", flat=True)[:limit]
        )
        if len(times) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            remaining = max(remaining, times[-1] + limits.window - now)
    return math.ceil(remaining.total_seconds() / 60) if remaining > dt.timedelta(0) else 0


@transaction.atomic
def login_failure_record(*, username: str, address: str) -> None:
    """Count one failed sign-in; rows older than a day are dropped on the way."""
    LoginFailure.objects.create(username=_key(username), address=address[:45])
    LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


@transaction.atomic
def login_failures_clear(*, username: str) -> None:
    """Forget an account's failures (after a successful sign-in or an admin's reset)."""
    LoginFailure.objects.filter(username=_key(username)).delete()
