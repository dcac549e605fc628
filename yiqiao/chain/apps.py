from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainConfig(AppConfig):
    name = "yiqiao.chain"
    label = "chain"
    verbose_name = _("产业链")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel
        from yiqiao.demo.generators import register_demo_generator

        from . import access  # noqa: F401  (registers the access rules)
        from .demo import chain_demo
        from .views import organisation_panel

        register_organisation_panel("chain", organisation_panel, order=5)
        register_demo_generator("chain", chain_demo, after=("register",), label="产业链")
