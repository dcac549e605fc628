from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "yiqiao.events"
    label = "events"
    verbose_name = _("活动")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel

        from . import access  # noqa: F401  (registers the access rules)
        from .panels import organisation_events_panel

        register_organisation_panel("events", organisation_events_panel, order=40)
