from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("export/", views.cockpit_export, name="export"),
    path("definitions/", views.definitions, name="definitions"),
    path("kpi/<str:key>/", views.kpi_records, name="kpi-records"),
]
