"""Who may do what to projects (loaded by ProjectsConfig.ready; see yiqiao.core.access).

Staff see investment projects targeting their region subtree or owned by their unit, and
translational projects landing in it or owned by their unit; a platform operator reads the
translational projects at its gates (incubated there or booking its services); other outside
users see none. Officers
and admins change what they see; a project's activities, signings, milestones, gates, bookings
and tranches follow their project.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import CHANGE, VIEW, access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope

from .models import (
    Activity,
    FundingTranche,
    GateRecord,
    Milestone,
    Project,
    ProjectFigure,
    ServiceBooking,
    Signing,
    StageChange,
    TranslationProject,
)


def _by_region_or_unit(region_field: str) -> Any:
    def rule(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
        if scope.everything:
            return qs
        if not staff_can(scope, action):
            return qs.none()
        condition = Q(**{f"{region_field}_id__in": scope.region_ids})
        if scope.unit_id is not None:
            condition |= Q(owner_unit_id=scope.unit_id)
        return qs.filter(condition)

    return rule


project_access = access_rule(Project)(_by_region_or_unit("target_region"))
# The summary rows of a region and unit are read by whoever sees that region's or unit's projects.
figure_access = access_rule(ProjectFigure)(_by_region_or_unit("target_region"))
_translation_staff = _by_region_or_unit("landing_region")


@access_rule(TranslationProject)
def translation_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff by landing region or unit; a platform operator reads the projects it incubates
    or that booked one of its services (the projects at its gates), and changes none."""
    if scope.everything or scope.is_staff_role:
        return _translation_staff(qs, scope, action)
    if scope.organisation_id is not None and action == VIEW:
        org = scope.organisation_id
        at_gates = TranslationProject.objects.filter(
            Q(incubator_id=org) | Q(bookings__service__provider_id=org)
        ).values("pk")
        return qs.filter(pk__in=at_gates)
    return qs.none()


access_rule(StageChange, Activity, Signing, Milestone)(through_parent("project", Project))
access_rule(GateRecord, FundingTranche)(through_parent("project", TranslationProject))
_booking_by_project = through_parent("project", TranslationProject)


@access_rule(ServiceBooking)
def service_booking_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff: bookings of the projects they see. A platform operator reads the bookings of its
    own organisation's services and closes them out (started, done, cancelled), and nothing
    else of the project."""
    if not scope.everything and not scope.is_staff_role:
        if action in (VIEW, CHANGE) and scope.organisation_id is not None:
            return qs.filter(service__provider_id=scope.organisation_id)
        return qs.none()
    return _booking_by_project(qs, scope, action)
