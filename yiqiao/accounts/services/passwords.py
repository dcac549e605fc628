"""Password changes: by the user, and a reset by an admin of the user's unit or a unit above."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from yiqiao.core.access import access_object
from yiqiao.core.audit import audit_record
from yiqiao.core.models import AuditEvent

from ..models import User
from .logins import login_failures_clear

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def password_generate(length: int = 14) -> str:
    """A random password that Django's validators accept (letters and digits, not all digits)."""
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


_DEMO_PASSWORDS: dict[str, str] = {}


def demo_password_for(username: str) -> str:
    """The password a demo account gets: random per account, made when the demo is made and
    printed once by `yiqiao demo` (never stored in clear). `YIQIAO_DEMO_PASSWORD` fixes one
    password for every account (the test suite sets it so tests can sign in)."""
    import os

    from django.conf import settings

    # read at call time too: the test suite sets the variable after settings were loaded
    fixed = getattr(settings, "YIQIAO_DEMO_PASSWORD", "") or os.environ.get(
        "YIQIAO_DEMO_PASSWORD", ""
    )
    if fixed:
        return str(fixed)
    return _DEMO_PASSWORDS.setdefault(username, password_generate())


@transaction.atomic
def password_reset(*, user_id: int, by: User) -> tuple[User, str]:
    """Give a user a new random password (shown once to the admin) and end any lock.

    Only admins reach users here: `access_object` with "reset_password" answers 404 for a user
    outside the admin's region and 403 for a non-admin.
    """
    target = access_object(User, by, user_id, "reset_password")
    password = password_generate()
    validate_password(password, target)
    target.set_password(password)
    target.save(update_fields=["password"])
    login_failures_clear(username=target.username)
    audit_record(actor=by, action=AuditEvent.Action.UPDATE, instance=target, note="管理员重置密码")
    return target, password
