from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "yiqiao.intel"
    label = "intel"
    verbose_name = _("产业情报")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel

        from . import access  # noqa: F401  (registers the access rules)
        from .panels import organisation_news_panel

        register_organisation_panel("intel", organisation_news_panel, order=60)
