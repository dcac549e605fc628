"""The one access layer: `Model.objects.restrict(user, action)` scopes every query.

Each app declares, once, who may do what to its models in its `access.py` with the
`access_rule` decorator (loaded from the app's AppConfig.ready). Every query module, form
choice, API reference, export, fragment and public link then goes through `restrict`, so a
new endpoint is scoped by default: a model without a rule refuses everything.

    @access_rule(Project)
    def project_access(qs, scope, action):
        ...return qs.filter(...)            # rows the scope may `action`

    Project.objects.restrict(user, "view")         # a queryset
    access_object(Project, user, pk, "change")     # one row: 404 if not visible, 403 if not allowed
    resolve_reference(Organisation, user, pk, label="投资方")  # an id from a request body

Actions: "view", "change", "delete" (and any other verb an app's rule understands, such as
"respond"). Draft records are visible to their unit and the units above it; configuration that
acts on records (routing rules, time limits, KPI targets) belongs to a region or unit; shared
reference data (chain tree, field dictionary, regions) is visible to all and changed by admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from .scope import Scope, user_scope

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser | None

VIEW = "view"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, CHANGE, DELETE)

M = TypeVar("M", bound=models.Model)
Rule = Callable[[models.QuerySet[Any], Scope, str], models.QuerySet[Any]]
_RULES: dict[type[models.Model], Rule] = {}


def access_rule(*model_classes: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register `rule(qs, scope, action) -> qs` as the access rule of these models."""

    def register(rule: Rule) -> Rule:
        for model in model_classes:
            _RULES[model] = rule
        return rule

    return register


def rule_for(model: type[models.Model]) -> Rule | None:
    """The rule of a model (or of its concrete parent for a proxy model)."""
    for klass in model.__mro__:
        if klass in _RULES:
            return _RULES[klass]
    return None


def registered_models() -> list[type[models.Model]]:
    return sorted(_RULES, key=lambda m: m._meta.label_lower)


class RestrictedQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset that knows how to scope itself to what a user may do."""

    def restrict(self, user: AnyUser, action: str = VIEW) -> models.QuerySet[M]:
        """Only the rows `user` may `action`; a model without a rule raises."""
        return restrict_scope(self, user_scope(user), action)


class RestrictedManager(models.Manager[M]):
    """Default manager of every YiQiao model: `Model.objects.restrict(user, action)`."""

    def get_queryset(self) -> RestrictedQuerySet[M]:
        return RestrictedQuerySet(self.model, using=self._db)

    def restrict(self, user: AnyUser, action: str = VIEW) -> models.QuerySet[M]:
        """Only the rows `user` may `action` (see RestrictedQuerySet.restrict)."""
        return self.get_queryset().restrict(user, action)


def restrict(
    source: type[M] | models.QuerySet[M], user: AnyUser, action: str = VIEW
) -> models.QuerySet[M]:
    """`restrict` for a model class or any queryset (also one built on another manager)."""
    return restrict_scope(source, user_scope(user), action)


def restrict_scope(
    source: type[M] | models.QuerySet[M], scope: Scope, action: str = VIEW
) -> models.QuerySet[M]:
    """`restrict` for a scope computed without a signed-in user (an org unit's own scope, for a
    public link of that unit's record): the same rules, so nothing is matched that the unit
    could not see."""
    qs = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    rule = rule_for(qs.model)
    if rule is None:
        raise ImproperlyConfigured(
            f"{qs.model._meta.label} has no access rule; declare one in its app's access.py"
        )
    if scope.is_empty and not scope.everything and not scope.is_staff_role:
        return qs.none()
    return rule(qs, scope, action)


def not_found_message(model: type[models.Model]) -> str:
    """One message for a missing record and one out of scope: it names nothing."""
    return f"{model._meta.verbose_name}不存在或无权查看"


def access_object(
    source: type[M] | models.QuerySet[M],
    user: AnyUser,
    pk: Any,
    action: str = VIEW,
    *,
    message: str = "",
    denied: str = "",
) -> M:
    """One row the user may see (Http404 otherwise) and may `action` (PermissionDenied).

    A row outside the scope and a row that does not exist answer the same 404, so an id
    never tells whether another unit's record exists.
    """
    qs = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    model = qs.model
    obj = restrict(qs, user, VIEW).filter(pk=_as_pk(pk)).first() if _as_pk(pk) else None
    if obj is None:
        raise Http404(message or not_found_message(model))
    if action != VIEW and not restrict(model, user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(denied or "当前角色无权执行此操作")
    return obj


def resolve_reference(
    source: type[M] | models.QuerySet[M],
    user: AnyUser,
    pk: Any,
    *,
    label: str,
    action: str = VIEW,
    field: str | None = None,
) -> M:
    """An id named in a request body, resolved through the access layer.

    Missing and out-of-scope ids raise the same ValidationError, naming only the field and
    the id the user sent, never the record.
    """
    qs = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    key = _as_pk(pk)
    obj = restrict(qs, user, action).filter(pk=key).first() if key else None
    if obj is None:
        message = f"{label}（编号 {pk}）不存在或无权使用"
        raise ValidationError({field: message} if field else message)
    return obj


def resolve_references(
    source: type[M] | models.QuerySet[M],
    user: AnyUser,
    pks: list[Any],
    *,
    label: str,
    action: str = VIEW,
    field: str | None = None,
) -> list[M]:
    """Several ids at once (one query); any unknown one refuses the whole list."""
    qs = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    keys = [_as_pk(p) for p in pks]
    found = {o.pk: o for o in restrict(qs, user, action).filter(pk__in=[k for k in keys if k])}
    missing = [str(p) for p, k in zip(pks, keys, strict=True) if k not in found]
    if missing:
        message = f"{label}（编号 {'、'.join(missing)}）不存在或无权使用"
        raise ValidationError({field: message} if field else message)
    return [found[k] for k in keys if k is not None]


_MAX_PK = 2**63 - 1


def _as_pk(value: Any) -> int | None:
    """A positive integer id within the database's range, or None (never an error)."""
    if isinstance(value, models.Model):
        value = value.pk
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= _MAX_PK else None


# ---- rules shared by many models ----------------------------------------------------------------


def global_reference(qs: models.QuerySet[Any], scope: Scope, action: str) -> models.QuerySet[Any]:
    """Shared reference data (chain tree, regions, field dictionary): all read, admins change."""
    if action == VIEW:
        return qs if (scope.everything or scope.is_staff_role or not scope.is_empty) else qs.none()
    return qs if (scope.everything or scope.is_admin) else qs.none()


def through_parent(field: str, parent: type[models.Model], *, action: str | None = None) -> Rule:
    """A child row may be `action`-ed when its parent may (activities of a project, …).

    `action` overrides the parent's action (e.g. adding a child needs `change` on the parent,
    reading it `view`).
    """

    def rule(qs: models.QuerySet[Any], scope: Scope, act: str) -> models.QuerySet[Any]:
        parents = _RULES[parent](parent._default_manager.all(), scope, action or act)
        return qs.filter(**{f"{field}__in": parents.values("pk")})

    return rule


def staff_can(scope: Scope, action: str) -> bool:
    """Staff roles read; officers and admins change and delete."""
    if scope.everything:
        return True
    if not scope.is_staff_role:
        return False
    return action == VIEW or scope.can_edit
