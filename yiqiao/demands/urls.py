from django.urls import path  # noqa: F401  (pages are added by the app's views)

app_name = "demands"

urlpatterns: list = []
