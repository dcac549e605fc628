from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "yiqiao.intel"
    label = "intel"
    verbose_name = _("产业情报")
