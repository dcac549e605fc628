from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("new/", views.event_create, name="event-create"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/invitations/import/", views.invitation_import, name="invitation-import"),
    path("<int:pk>/programme/<str:what>/", views.programme_add, name="programme-add"),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    path("<int:pk>/checkin/", views.checkin_list, name="checkin-list"),
    path("<int:pk>/checkin/walk-in/", views.checkin_walk_in, name="checkin-walk-in"),
    path("registrations/<int:registration_id>/checkin/", views.checkin, name="checkin"),
    path("checkin/<str:token>/", views.checkin_token, name="checkin-token"),
    path("<int:pk>/meetings/", views.meetings_page, name="meetings"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant-add"),
    path(
        "participants/<int:participant_id>/cancel/",
        views.participant_cancel,
        name="participant-cancel",
    ),
    path("participants/<int:participant_id>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/requests/add/", views.request_create, name="request-add"),
    path("requests/<int:request_id>/rule/", views.rule_set, name="rule-set"),
    path("<int:pk>/schedule/run/", views.schedule_run, name="schedule-run"),
    path("schedules/<int:schedule_id>/publish/", views.schedule_publish, name="schedule-publish"),
    path("meetings/<int:meeting_id>/outcome/", views.meeting_outcome, name="meeting-outcome"),
    path("<int:pk>/signings/", views.signings, name="signings"),
    path("<int:pk>/report/", views.report, name="report"),
    path("r/<str:token>/", views.register, name="register"),
    path("r/<str:token>/badge/<str:checkin_token>/", views.badge, name="badge"),
]
