"""Helpers shared by the capital pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from yiqiao.accounts.models import User


def errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def form_errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{e}".lstrip("：")
        for k, errs in form.errors.items()
        for e in errs
    )


def submit(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict[str, Any]], Any],
    *,
    done: str,
    back: str,
) -> HttpResponse:
    """Validate, call the service, say what happened (or why nothing was saved), go back."""
    if not form.is_valid():
        messages.error(request, f"未保存：{form_errors(form)}")
        return redirect(back)
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"未保存：{errors_text(exc)}")
    except PermissionDenied as exc:
        messages.error(request, f"未保存：{exc}" if str(exc) else "未保存：当前角色无权执行此操作")
    else:
        messages.success(request, done)
    return redirect(back)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user (views are login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_editor(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "role", "") in {"admin", "officer"})
