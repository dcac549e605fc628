from django.urls import path

from . import views, views_edit

app_name = "chain"

urlpatterns = [
    path("", views.chain_map, name="map"),
    path("recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_status, name="run-status"),
    path("nodes/<str:code>/", views.node_detail, name="node"),
    path("nodes/<str:code>/edit/", views_edit.node_edit, name="node-edit"),
    path("profile/", views_edit.profile, name="profile"),
    path("profile/<str:code>/", views_edit.profile_edit, name="profile-edit"),
    path("targets/", views.target_list, name="targets"),
    path("targets/<int:pk>/lead/", views.target_lead, name="target-lead"),
    path("targets/<int:pk>/status/", views.target_status, name="target-status"),
    path("partners/", views.partners, name="partners"),
    path(
        "organisations/<int:pk>/confirm/", views.organisation_confirm, name="organisation-confirm"
    ),
    path(
        "organisations/<int:pk>/classify/",
        views.organisation_classify_view,
        name="organisation-classify",
    ),
]
