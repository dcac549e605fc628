from django.urls import path

from . import views

app_name = "demands"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.demand_create, name="demand-create"),
    path("overdue/", views.overdue, name="overdue"),
    path("funnel/", views.funnel, name="funnel"),
    path("export.xlsx", views.export, name="export"),
    path("routing/", views.routing, name="routing"),
    path("<int:pk>/", views.demand_detail, name="demand-detail"),
    path("<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("<int:pk>/suggestions/accept/", views.accept_suggestion, name="suggestion-accept"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/convert/", views.convert, name="convert"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow-up"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
