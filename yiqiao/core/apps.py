from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiqiao.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the access rules of core's models)
