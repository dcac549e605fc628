from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/export.xlsx", views.organisation_export, name="organisation-export"),
    path("organisations/duplicates/", views.duplicate_list, name="duplicates"),
    path("organisations/merge/", views.organisation_merge, name="organisation-merge"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/contacts/", views.contact_add, name="contact-add"),
    path("spaces/", views.space_list, name="space-list"),
    path("spaces/new/", views.space_create, name="space-create"),
    path("spaces/export.xlsx", views.space_export, name="space-export"),
    path("spaces/<int:pk>/", views.space_detail, name="space-detail"),
    path("spaces/<int:pk>/edit/", views.space_edit, name="space-edit"),
    path("services/", views.service_list, name="service-list"),
    path("import/", views.import_start, name="import-start"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/decide/", views.import_job_decide, name="import-decide"),
    path("import/template/<str:target>.<str:fmt>", views.import_template, name="import-template"),
]
