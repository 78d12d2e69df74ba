from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts to set_language, which keeps the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("advisor.urls")),
    path("", include("reports.urls")),
]
