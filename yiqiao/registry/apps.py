from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "yiqiao.registry"
    label = "registry"
    verbose_name = _("生态名录")

    def ready(self) -> None:
        from yiqiao.demo.generators import register_demo_generator

        from . import (
            access,  # noqa: F401  (registers the access rules)
            pickers,
        )
        from .demo import register_demo, register_logins, register_present
        from .services import imports  # noqa: F401  (registers the organisation and space importers)

        pickers.register()
        register_demo_generator(
            "register",
            register_demo,
            label="生态名录",
            is_present=register_present,
            logins=register_logins,
        )
