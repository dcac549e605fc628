"""Pages of the capital app under /capital/."""

from django.urls import path

from .views import holdings, needs, roadshows

app_name = "capital"

urlpatterns = [
    path("", needs.home, name="home"),
    path("needs/", needs.need_list, name="need-list"),
    path("needs/export.xlsx", needs.need_export, name="need-export"),
    path("needs/new/", needs.need_create, name="need-create"),
    path("needs/<int:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<int:pk>/publish/", needs.need_publish, name="need-publish"),
    path("needs/<int:pk>/withdraw/", needs.need_withdraw, name="need-withdraw"),
    path("needs/<int:pk>/opt-in/<int:investor_pk>/", needs.need_opt_in, name="need-opt-in"),
    path("needs/<int:pk>/decline/<int:investor_pk>/", needs.need_decline, name="need-decline"),
    path("needs/<int:pk>/meetings/", needs.meeting_add, name="meeting-add"),
    path("needs/<int:pk>/term-sheets/", needs.term_sheet_add, name="term-sheet-add"),
    path("needs/<int:pk>/closes/", needs.close_add, name="close-add"),
    path("invitations/", roadshows.invitations, name="invitations"),
    path("roadshows/", roadshows.roadshow_list, name="roadshow-list"),
    path("roadshows/<int:pk>/", roadshows.roadshow_detail, name="roadshow-detail"),
    path("roadshows/<int:pk>/book/", roadshows.pitch_book, name="pitch-book"),
    path("pitches/<int:pk>/invite/", roadshows.pitch_invite, name="pitch-invite"),
    path("pitches/<int:pk>/pitched/", roadshows.pitch_pitched, name="pitch-pitched"),
    path("pitches/<int:pk>/feedback/", roadshows.feedback_add, name="feedback-add"),
    path("funnel/", roadshows.funnel, name="funnel"),
    path("funnel/records/", roadshows.funnel_records, name="funnel-records"),
    path("funds/", holdings.fund_list, name="fund-list"),
    path("funds/<int:pk>/", holdings.fund_detail, name="fund-detail"),
    path("grants/", holdings.grant_portfolio, name="grant-portfolio"),
    path("grants/<int:pk>/convert/", holdings.grant_convert, name="grant-convert"),
    path("grants/<int:pk>/exit/", holdings.grant_exit, name="grant-exit"),
    path("centres/", holdings.centre_list, name="centre-list"),
    path("centres/<int:pk>/", holdings.centre_detail, name="centre-detail"),
    path("centres/<int:pk>/projects/", holdings.incubation_add, name="incubation-add"),
    path("incubations/<int:pk>/land/", holdings.incubation_land, name="incubation-land"),
]
