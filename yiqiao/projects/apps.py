from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "yiqiao.projects"
    label = "projects"
    verbose_name = _("项目管理")

    def ready(self) -> None:
        from yiqiao.core.panels import register_organisation_panel
        from yiqiao.registry.imports import IMPORTERS

        from .ledger import ProjectLedgerImporter
        from .panels import organisation_projects_panel

        IMPORTERS[ProjectLedgerImporter.target] = ProjectLedgerImporter
        register_organisation_panel("projects", organisation_projects_panel, order=30)
