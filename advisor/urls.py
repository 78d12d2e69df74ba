from django.urls import path

from advisor.questionnaire import usage_page, views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("methodology/", views.methodology, name="methodology"),
    path("usage/", usage_page.usage_upload, name="usage"),
]
