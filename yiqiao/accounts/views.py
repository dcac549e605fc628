"""Account pages: change one's own password; admins list their users and reset a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yiqiao.core.access import restrict

from .access import RESET_PASSWORD
from .models import User
from .services.passwords import password_reset


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the old one, then the new one twice (Django's validators)."""
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)  # stay signed in on this device
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """The users whose passwords this admin may reset (their region's units and below)."""
    users = restrict(User, request.user, RESET_PASSWORD).select_related("org_unit")
    if not getattr(request.user, "can_read_audit", False):
        raise PermissionDenied("仅管理员可管理账号")
    return render(
        request,
        "accounts/user_list.html",
        {"users": users.order_by("org_unit__name", "username")},
    )


@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset a password; the new one is shown once, on the answer to this request only."""
    admin = request.user
    assert isinstance(admin, User)
    target, password = password_reset(user_id=pk, by=admin)
    return render(
        request, "accounts/password_reset_done.html", {"target": target, "password": password}
    )
