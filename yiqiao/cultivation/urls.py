"""Pages of the cultivation app under /cultivation/."""

from django.urls import path

from . import views, views_records

app_name = "cultivation"

urlpatterns = [
    path("", views.home, name="home"),
    path("candidates/<str:rung>/", views.candidates, name="candidates"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/recognitions/", views.recognition_add, name="recognition-add"),
    path("targets/<int:pk>/", views.target_records, name="target-records"),
    path("criteria/<str:rung>/", views.criteria, name="criteria"),
]

urlpatterns += [
    path("pool/", views_records.pool, name="pool"),
    path("pool/enter/", views_records.pool_enter, name="pool-enter"),
    path("pool/<int:pk>/advance/", views_records.pool_advance, name="pool-advance"),
    path("approvals/", views_records.approvals, name="approvals"),
    path("approvals/add/", views_records.approval_add, name="approval-add"),
    path("talent/", views_records.talent, name="talent"),
    path("talent/add/", views_records.talent_add, name="talent-add"),
]
