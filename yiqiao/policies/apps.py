from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "yiqiao.policies"
    label = "policies"
    verbose_name = _("政策")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel
        from yiqiao.demo.generators import register_demo_generator

        from . import access  # noqa: F401  (registers the access rules)
        from .demo import policies_demo
        from .panels import policy_panel

        register_organisation_panel("policies", policy_panel, order=10)
        from yiqiao.core.imports import register_importer

        from .services.awards import AwardImporter
        from .services.records import record_importers

        register_importer(AwardImporter)
        for importer in record_importers():
            register_importer(importer)
        register_demo_generator("policies", policies_demo, after=("register",), label="政策库")
        from django.db.models.signals import post_delete, post_save

        from yiqiao.registry.models import Region

        from .profiles import RegionNames

        post_save.connect(RegionNames.forget, sender=Region, dispatch_uid="policy-region-names")
        post_delete.connect(RegionNames.forget, sender=Region, dispatch_uid="policy-region-names-d")
