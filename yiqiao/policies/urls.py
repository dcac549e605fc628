from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.policy_new, name="policy-new"),
    path("editor/check/", views.policy_check, name="policy-check"),
    path("editor/reach/", views.policy_reach, name="policy-reach"),
    path("<int:pk>/", views.policy_detail, name="policy-detail"),
    path("<int:pk>/edit/", views.policy_edit, name="policy-edit"),
    path("<int:pk>/transition/", views.policy_transition, name="policy-transition"),
    path(
        "organisations/<int:org_pk>/calculator.xlsx",
        views.calculator_export,
        name="calculator-export",
    ),
    path("organisations/<int:org_pk>/facts/", views.fact_add, name="fact-add"),
    path(
        "organisations/<int:org_pk>/apply/<int:policy_pk>/",
        views.award_apply,
        name="award-apply",
    ),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/review/", views.application_review, name="application-review"),
    path("applications/<int:pk>/pay/", views.application_pay, name="application-pay"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/<str:kind>.xlsx", views.run_export, name="run-export"),
]
