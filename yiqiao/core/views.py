"""Home page and the per-record audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page: the figures of the register the user can see."""
    from yiqiao.registry.queries import home_figures

    return render(request, "core/home.html", {"figures": home_figures(user=request.user)})


@login_required
def audit_trail(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    """Audit events of one record, for admins whose scope includes the record."""
    user = request.user
    if not user.can_read_audit:  # type: ignore[union-attr]
        raise PermissionDenied("仅管理员可查看审计记录")
    from yiqiao.registry.queries import access_record_for_audit

    record = access_record_for_audit(user, model, object_id)
    events = AuditEvent.objects.filter(model=model, object_id=object_id).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_trail.html",
        {"record": record, "page": page, "model": model, "scope": user_scope(user)},
    )
