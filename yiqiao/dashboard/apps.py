from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "yiqiao.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from yiqiao.demo.generators import register_demo_generator

        from . import access  # noqa: F401  (registers the access rules)
        from .demo import targets_demo, targets_present

        register_demo_generator(
            "targets",
            targets_demo,
            after=("history",),
            label="年度目标",
            is_present=targets_present,
        )
