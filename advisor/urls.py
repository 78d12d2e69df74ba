from django.urls import path

from advisor.questionnaire import scenario_views, usage_page, views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("chart/<str:name>/", views.chart, name="chart"),
    path("methodology/", views.methodology, name="methodology"),
    path("methodology/<str:region>/instances/", views.methodology_instances,
         name="methodology-instances"),
    path("scenarios/", scenario_views.scenarios, name="scenarios"),
    path("usage/", usage_page.usage_upload, name="usage"),
]
