"""Searchable pickers: the sources a picker widget searches, and the endpoint that answers it.

A form field that chooses a record (an investor among 3,000 organisations, a project, a region
of China) uses ``core.widgets.Picker``; the widget names a *source* registered here. The source
returns the records the user may see (always through ``restrict``), so the list offered while
typing holds nothing the form would refuse and nothing from another scope. The form field's own
queryset (the same source) validates what is posted.

Sources are registered by the domain apps from their ``AppConfig.ready()`` (core imports no
domain app)::

    register_picker("organisations", PickerSource(
        queryset=lambda user, params: Organisation.objects.restrict(user, VIEW).filter(...),
        search=("name", "uscc"),
        hint=lambda org: org.region.name,
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

#: How many records a picker shows while typing; more are reached by typing more.
PICK_LIMIT = 20
#: The longest search text read (longer input is cut, never an error).
QUERY_MAX_CHARS = 60


@dataclass(frozen=True)
class PickerSource:
    """What one picker searches.

    ``queryset(user, params)`` returns the records the user may choose (scoped through
    ``restrict``; ``params`` are the widget's fixed filters, e.g. ``kind=enterprise``);
    ``search`` names the text fields matched by the typed text (case-insensitive contains);
    ``hint`` gives the grey text beside a name that tells two similar names apart;
    ``order`` the field that, after shorter matches first, orders the list."""

    queryset: Callable[[Any, dict[str, list[str]]], QuerySet[Any]]
    search: Sequence[str] = ("name",)
    hint: Callable[[Any], str] | None = None
    label: Callable[[Any], str] = str
    order: str = "name"
    select_related: Sequence[str] = field(default_factory=tuple)
    #: Replaces the plain contains-match of each typed word (e.g. a search index of folded
    #: names, aliases and former names); receives the whole typed text.
    match: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None


PICKERS: dict[str, PickerSource] = {}


def register_picker(name: str, source: PickerSource) -> None:
    PICKERS[name] = source


def picker_source(name: str) -> PickerSource:
    try:
        return PICKERS[name]
    except KeyError as exc:
        raise Http404("未知的选择列表") from exc


def picker_choices(
    name: str, user: Any, params: dict[str, list[str]] | None = None
) -> QuerySet[Any]:
    """The records a form field using picker ``name`` accepts (its validating queryset)."""
    source = picker_source(name)
    return source.queryset(user, params or {})


def picker_search(
    name: str, user: Any, text: str, params: dict[str, list[str]] | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Up to PICK_LIMIT matches of ``text`` among what the user may choose, shortest names
    first (the exact name of a short company comes before the long names that contain it);
    and whether there are more."""
    source = picker_source(name)
    qs = source.queryset(user, params or {})
    text = " ".join(text.split())[:QUERY_MAX_CHARS]
    if source.match is not None:
        qs = source.match(qs, text)
    for word in text.split(" ") if source.match is None else ():
        if word:
            condition = Q()
            for field_name in source.search:
                condition |= Q(**{f"{field_name}__icontains": word})
            qs = qs.filter(condition)
    if source.select_related:
        qs = qs.select_related(*source.select_related)
    rows = list(qs.order_by(Length(source.order), source.order, "pk")[: PICK_LIMIT + 1])
    results = [
        {
            "id": row.pk,
            "label": source.label(row),
            "hint": source.hint(row) if source.hint else "",
        }
        for row in rows[:PICK_LIMIT]
    ]
    return results, len(rows) > PICK_LIMIT


@login_required
@require_GET
def pick(request: HttpRequest, name: str) -> JsonResponse:
    """``GET /pick/<name>/?q=…&kind=…``: the matches a picker shows while the user types."""
    params = {k: request.GET.getlist(k) for k in request.GET if k != "q"}
    results, more = picker_search(name, request.user, request.GET.get("q", ""), params)
    return JsonResponse({"results": results, "more": more})
