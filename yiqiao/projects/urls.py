from django.urls import path

from . import views, views_translation

app_name = "projects"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.project_list, name="project-list"),
    path("list/export/", views.project_export, name="project-export"),
    path("new/", views.project_create, name="project-create"),
    path("follow-ups/", views.follow_ups, name="follow-ups"),
    path("figures/", views.figures_page, name="figures"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/move/", views.project_move, name="project-move"),
    path("<int:pk>/activities/", views.activity_add, name="activity-add"),
    path("<int:pk>/signings/", views.signing_add, name="signing-add"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("translation/", views_translation.translation_board, name="translation-board"),
    path("translation/new/", views_translation.translation_create, name="translation-create"),
    path("translation/<int:pk>/", views_translation.translation_detail, name="translation-detail"),
    path("translation/<int:pk>/gate/", views_translation.gate_pass, name="gate-pass"),
    path("translation/<int:pk>/funding/", views_translation.funding_add, name="funding-add"),
    path(
        "translation/<int:pk>/funding/<int:tranche_id>/convert/",
        views_translation.funding_convert,
        name="funding-convert",
    ),
    path("translation/<int:pk>/bookings/", views_translation.booking_add, name="booking-add"),
    path(
        "bookings/<int:booking_id>/close/",
        views_translation.booking_close,
        name="booking-close",
    ),
    path("translation/<int:pk>/company/", views_translation.company_form, name="form-company"),
]
