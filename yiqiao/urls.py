"""URL map: pages per app, the JSON API under /api/, and the admin."""

from django.contrib import admin
from django.urls import include, path

from yiqiao.api import api
from yiqiao.core import pickers
from yiqiao.core import views as core_views
from yiqiao.dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accounts/", include("yiqiao.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("registry/", include("yiqiao.registry.urls")),
    path("policies/", include("yiqiao.policies.urls")),
    path("demands/", include("yiqiao.demands.urls")),
    path("projects/", include("yiqiao.projects.urls")),
    path("intel/", include("yiqiao.intel.urls")),
    path("events/", include("yiqiao.events.urls")),
    path("capital/", include("yiqiao.capital.urls")),
    path("chain/", include("yiqiao.chain.urls")),
    path("cultivation/", include("yiqiao.cultivation.urls")),
    path("cockpit/", include("yiqiao.dashboard.urls")),
    path("audit/<str:model>/<str:object_id>/", core_views.audit_trail, name="audit-trail"),
    path("pick/<str:name>/", pickers.pick, name="pick"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
