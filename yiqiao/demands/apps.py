from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "yiqiao.demands"
    label = "demands"
    verbose_name = _("企业需求")
