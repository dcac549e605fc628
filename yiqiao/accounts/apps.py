from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yiqiao.accounts"
    label = "accounts"
    verbose_name = _("账号与机构单元")

    def ready(self) -> None:
        from yiqiao.core.scope import set_scope_resolver

        from . import access  # noqa: F401  (registers the access rules)
        from .scoping import resolve_scope

        set_scope_resolver(resolve_scope)  # type: ignore[arg-type]
