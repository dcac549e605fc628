from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "yiqiao.projects"
    label = "projects"
    verbose_name = _("项目管理")

    def ready(self) -> None:
        from yiqiao.core.imports import register_importer
        from yiqiao.core.panels import register_organisation_panel, register_page_panel
        from yiqiao.core.pickers import PickerSource, register_picker

        from . import access  # noqa: F401  (registers the access rules)
        from .panels import organisation_projects_panel, service_bookings_panel
        from .queries import project_choices
        from .services.ledger import ProjectLedgerImporter

        register_importer(ProjectLedgerImporter)
        register_picker(
            "projects",
            PickerSource(
                queryset=project_choices,
                search=("title",),
                order="title",
                hint=lambda project: project.get_stage_display(),
            ),
        )
        register_organisation_panel("projects", organisation_projects_panel, order=30)
        register_page_panel("services", "bookings", service_bookings_panel, order=10)
