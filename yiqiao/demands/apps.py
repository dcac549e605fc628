from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "yiqiao.demands"
    label = "demands"
    verbose_name = _("企业需求")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel

        from . import access  # noqa: F401  (registers the access rules)
        from .views import organisation_panel

        register_organisation_panel("demands", organisation_panel, order=20)
