from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "yiqiao.policies"
    label = "policies"
    verbose_name = _("政策")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel

        from .panels import policy_panel

        register_organisation_panel("policies", policy_panel, order=10)
