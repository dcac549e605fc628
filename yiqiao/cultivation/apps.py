from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "yiqiao.cultivation"
    label = "cultivation"
    verbose_name = _("梯度培育")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel
        from yiqiao.demo.generators import register_demo_generator

        from . import access  # noqa: F401  (registers the access rules)
        from .panels import organisation_ladder_panel

        register_organisation_panel("cultivation", organisation_ladder_panel, order=25)
        from .demo import cultivation_demo, cultivation_present

        register_demo_generator(
            "cultivation",
            cultivation_demo,
            after=("register", "policies"),
            label="梯度培育",
            is_present=cultivation_present,
        )
