from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "yiqiao.history"
    label = "history"
    verbose_name = _("示范区历程")

    def ready(self) -> None:
        from yiqiao.demo.generators import register_demo_generator

        from .generator import history_demo, history_present

        register_demo_generator(
            "history",
            history_demo,
            after=("register", "policies", "chain"),
            label="示范区历程",
            is_present=history_present,
        )
