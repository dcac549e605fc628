"""The register's picker sources (organisations, regions, platform services): what a form's
search box offers while one types, always the records the user may see (core.pickers)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW
from yiqiao.core.pickers import PickerSource, register_picker
from yiqiao.core.scope import user_scope
from yiqiao.core.text import name_normalise

from .models import Organisation, Region, Service, organisation_search_text


def _valid(values: list[str], choices: Any) -> list[str]:
    known = {value for value, _label in choices}
    return [v for v in values if v in known]


def organisations(user: Any, params: dict[str, list[str]]) -> QuerySet[Organisation]:
    """Organisations the user may see; ``kind`` narrows to those kinds, ``active=1`` to active
    ones. (Without ``active`` an inactive organisation already chosen stays valid on an unchanged
    save; the search offers active ones only.)"""
    qs = Organisation.objects.restrict(user, VIEW)
    if "kind" in params:
        qs = qs.filter(kind__in=_valid(params["kind"], Organisation.Kind.choices))
    if params.get("active") == ["1"]:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def organisation_match(qs: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Active organisations whose name, alias, former name or code contains the text (the
    register's search index, the same as the list page's search)."""
    qs = qs.filter(is_active=True)
    if not text:
        return qs
    folded = organisation_search_text(text, [], None)
    condition = Q(search_text__contains=folded)
    normalised = name_normalise(text)
    if normalised and normalised != folded:
        condition |= Q(name_normalised__contains=normalised)
    return qs.filter(condition)


def regions(user: Any, params: dict[str, list[str]]) -> QuerySet[Region]:
    """Regions of China (shared reference data); ``within=mine`` narrows to the user's own
    region subtree (where records of the user's unit may be placed), ``kind`` to those kinds."""
    qs = Region.objects.restrict(user, VIEW)
    if params.get("within") == ["mine"]:
        scope = user_scope(user)
        if not scope.everything:
            qs = qs.filter(pk__in=scope.region_ids)
    if "kind" in params:
        qs = qs.filter(kind__in=_valid(params["kind"], Region.Kind.choices))
    if "exclude_kind" in params:
        qs = qs.exclude(kind__in=_valid(params["exclude_kind"], Region.Kind.choices))
    return qs.order_by("path")


def services(user: Any, params: dict[str, list[str]]) -> QuerySet[Service]:
    """Platform services the user may see."""
    return Service.objects.restrict(user, VIEW).order_by("name")


def _region_path_names(region: Region) -> str:
    """'江苏省 苏州市' for 姑苏区: the places above, so two 鼓楼区 are told apart."""
    names: list[str] = []
    node = region.parent
    while node is not None and len(names) < 3:
        names.append(node.name)
        node = node.parent
    return " ".join(reversed(names))


def register() -> None:
    register_picker(
        "organisations",
        PickerSource(
            queryset=organisations,
            match=organisation_match,
            hint=lambda org: f"{org.get_kind_display()} · {org.region.name}",
            select_related=("region",),
        ),
    )
    register_picker(
        "regions",
        PickerSource(
            queryset=regions,
            search=("name", "division_code"),
            hint=_region_path_names,
            select_related=("parent__parent__parent",),
        ),
    )
    register_picker(
        "services",
        PickerSource(
            queryset=services,
            search=("name", "provider__name"),
            hint=lambda service: service.provider.name,
            select_related=("provider",),
        ),
    )
