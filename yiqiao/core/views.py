"""The per-record audit trail (the home page belongs to the register: registry.views.home)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yiqiao.core.access import CHANGE, access_object, not_found_message, restrict, rule_for
from yiqiao.core.audit import audit_changes
from yiqiao.core.models import AuditEvent, ImportJob
from yiqiao.core.scope import user_scope

NOT_AUDITABLE = {AuditEvent, ImportJob}
#: Records whose trail an admin reads when the record is in view (see audit_trail).
READ_IS_ENOUGH = {"accounts.user", "accounts.orgunit"}


@login_required
def audit_trail(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    """Audit events of one record, for admins whose scope includes the record.

    Any model with an access rule has a trail; the record is fetched through the access layer,
    so an id outside the admin's scope answers 404 like a missing one.
    """
    user = request.user
    if not user.can_read_audit:  # type: ignore[union-attr]
        raise PermissionDenied("仅管理员可查看审计记录")
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError) as exc:
        raise Http404("未知的记录类型") from exc
    if model_class in NOT_AUDITABLE or rule_for(model_class) is None:
        raise Http404("未知的记录类型")
    if not object_id.isdigit():
        raise Http404("未知的记录类型")
    record = access_object(model_class, user, int(object_id))
    # The trail is the record's internal history, for the admins who manage the record: one
    # readable beyond that (another district's published policy) answers like a missing one.
    # Accounts are managed on their own pages, so their rule grants no change; reading them
    # is enough there.
    label = model_class._meta.label_lower
    if (
        label not in READ_IS_ENOUGH
        and not restrict(model_class, user, CHANGE).filter(pk=record.pk).exists()
    ):
        raise Http404(not_found_message(model_class))
    events = AuditEvent.objects.filter(model=label, object_id=object_id).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [(e, audit_changes(e, model_class, user)) for e in page]
    return render(
        request,
        "core/audit_trail.html",
        {
            "record": record,
            "page": page,
            "rows": rows,
            "model": model,
            "scope": user_scope(user),
        },
    )
