"""Sign-in with lockout, and the password forms (validation only; writes go through services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .services.logins import login_failure_record, login_failures_clear, login_lock_minutes


def client_address(request: HttpRequest | None) -> str:
    """The address a request came from (REMOTE_ADDR; a reverse proxy must set it)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refused while the account or the address is locked.

    A locked sign-in is refused before the password is checked, so guessing on cannot tell a
    right password from a wrong one; the message says how long to wait and whom to ask.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误，请重试。"),
        "locked": _(
            "登录失败次数过多，已暂时锁定，请 %(minutes)s 分钟后再试，或请管理员重置密码。"
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username") or "")
        address = client_address(self.request)
        minutes = login_lock_minutes(username=username, address=address)
        if minutes:
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username)
        return cleaned
