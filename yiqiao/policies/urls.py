from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.policy_detail, name="policy-detail"),
    path("<int:pk>/transition/", views.policy_transition, name="policy-transition"),
    path(
        "organisations/<int:org_pk>/calculator.xlsx",
        views.calculator_export,
        name="calculator-export",
    ),
    path("organisations/<int:org_pk>/facts/", views.fact_add, name="fact-add"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/<str:kind>.xlsx", views.run_export, name="run-export"),
]
