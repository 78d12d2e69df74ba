from django.urls import path

from reports import api, compare_views, usage_api, views

app_name = "reports"

# Reports are addressed only by their UUID code, spelled one way (lowercase, dashed, as
# str(uuid) writes it) on every path: the `uuid` converter turns any other spelling (upper
# case, no dashes, braces, urn:uuid:) into a 404 before any view runs.
urlpatterns = [
    path("r/new", views.save, name="save"),
    path("r/compare/", compare_views.compare_reports, name="compare"),
    path("r/<uuid:code>/", views.report_page, name="report"),
    path("r/<uuid:code>.csv", views.report_csv, name="csv"),
    path("r/<uuid:code>.json", views.report_json, name="json"),
    path("r/<uuid:code>/recompute", views.recompute, name="recompute"),
    path("api/v1/compare", api.compare, name="api-compare"),
    path("api/v1/scenarios", api.scenarios, name="api-scenarios"),
    path("api/v1/reports", api.create_report, name="api-reports"),
    path("api/v1/usage", usage_api.usage, name="api-usage"),
    path("api/v1/reports/<uuid:code>", api.report_detail, name="api-report"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
]
