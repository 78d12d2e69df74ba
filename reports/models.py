"""Saved reports: a comparison frozen at the moment it was saved.

A report stores the whole snapshot (inputs, result with recommendation, chart data and every
price it used) and renders from it forever, so an admin editing prices or publishing a new book
never changes what a shared link shows. Its URL carries only the random UUID4 ``code`` (122
random bits); the integer primary key never leaves the database.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
NOTES_MAX = 2000


class Report(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
    notes = models.TextField(_("notes"), max_length=NOTES_MAX, blank=True)
    # The snapshot as JSON text, not a JSONField: PostgreSQL's jsonb would reorder the keys
    # (line items, inputs), and a report must come back exactly as it was saved.
    snapshot_json = models.TextField(_("snapshot (JSON)"), editable=False)
    # The price book it was priced with, copied out of the snapshot for the admin's list; no
    # foreign key, so deleting or editing a book can never touch a report.
    book_id = models.PositiveBigIntegerField(_("price book id"), null=True, blank=True)
    book_name = models.CharField(_("price book"), max_length=200, blank=True)
    book_effective_from = models.DateField(_("prices effective from"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=32, blank=True)
    recomputed_from = models.UUIDField(
        _("recomputed from"), null=True, blank=True,
        help_text=_("The report this one was recomputed from with newer prices."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or str(self.code)

    def get_absolute_url(self) -> str:
        return reverse("reports:report", kwargs={"code": self.code})

    @cached_property
    def snapshot(self) -> dict[str, Any]:
        return json.loads(self.snapshot_json)

    @property
    def result(self) -> dict[str, Any]:
        return self.snapshot["result"]

    @property
    def inputs(self) -> dict[str, Any]:
        return self.snapshot["result"]["inputs"]
