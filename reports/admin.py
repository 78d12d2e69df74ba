"""Staff can list, read and delete reports; nobody changes one (a report never changes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "title_or_code", "book_name", "region", "link")
    list_filter = ("region", "created_at")
    search_fields = ("title", "notes", "=code")
    date_hierarchy = "created_at"
    fields = ("code", "link", "title", "notes", "book_id", "book_name", "book_effective_from",
              "region", "recomputed_from", "created_at")
    readonly_fields = fields

    @admin.display(description=_("report"))
    def title_or_code(self, obj: Report) -> str:
        return obj.title or str(obj.code)

    @admin.display(description=_("page"))
    def link(self, obj: Report) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        # The snapshot is large (chart data) and the admin shows none of it.
        return super().get_queryset(request).defer("snapshot_json")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
