from django.urls import path

from . import views

app_name = "intel"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("new/", views.article_new, name="article-new"),
    path("<int:pk>/", views.article_detail, name="article-detail"),
    path("facts/<int:pk>/review/", views.fact_review, name="fact-review"),
    path("facts/<int:pk>/register/", views.fact_register, name="fact-register"),
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/<int:pk>/accept/", views.lead_accept, name="lead-accept"),
    path("leads/<int:pk>/dismiss/", views.lead_dismiss, name="lead-dismiss"),
]
