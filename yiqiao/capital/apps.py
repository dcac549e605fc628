from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapitalConfig(AppConfig):
    name = "yiqiao.capital"
    label = "capital"
    verbose_name = _("投融资")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel

        from . import access  # noqa: F401  (registers the access rules)
        from .panels import organisation_capital_panel

        register_organisation_panel("capital", organisation_capital_panel, order=35)

        from yiqiao.demo.generators import register_demo_generator

        from .demo import capital_demo, capital_logins, capital_present

        register_demo_generator(
            "capital",
            capital_demo,
            after=("register", "policies", "history"),
            label="投融资",
            is_present=capital_present,
            logins=capital_logins,
        )
