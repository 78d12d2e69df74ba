from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts to set_language, which keeps the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("advisor.urls")),
    path("", include("reports.urls")),
]

# Errors on the API's paths and the report's JSON export answer in the API's JSON shape.
handler400 = "reports.errors.bad_request"
handler403 = "reports.errors.permission_denied"
handler404 = "reports.errors.page_not_found"
handler500 = "reports.errors.server_error"
