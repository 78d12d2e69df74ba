"""The price editors' admin: price books with their rows, cloning, publishing and the audit trail.

Published books are read-only (reports name them, so they must never change): the admin
refuses every edit to them and offers "Clone as draft" instead. Row saves go through
``advisor.pricebook.audit`` so each change records who, when, the old value and the new one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from advisor.pricebook import audit
from advisor.pricebook.models import (
    InstanceType,
    PriceBook,
    PriceChange,
    Rate,
    plain,
    published_message,
    tier_ladder_errors,
)
from advisor.pricebook.publishing import (
    PublishError,
    clone_as_draft,
    diff_books,
    in_force_or_none,
    publish,
    publish_problems,
)
from advisor.pricing.catalogue import ALL_SPECS, SPEC_BY_KEY
from advisor.questionnaire import texts

KEY_CHOICES = [(s.key, f"{s.key} ({s.unit})") for s in ALL_SPECS]

# Django's own Korean for the admin's filter headings writes "리전 (으)로"; our catalog comes
# first (LOCALE_PATHS) and says "리전별". Marked here so that `make messages` keeps it.
gettext_noop(" By %(filter_title)s ")


def unit_text(key: str) -> str:
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        return ""
    if spec.tiered:
        return gettext("%(unit)s; tiers in %(tier_unit)s") % {
            "unit": texts.rate_unit(spec.unit), "tier_unit": texts.rate_unit(spec.tier_unit)}
    return texts.rate_unit(spec.unit)


def history_table(kind: str, row_id: int | None) -> str:
    """The audit trail of one row, newest first, as an HTML table for a read-only field."""
    if row_id is None:
        return "-"
    changes = PriceChange.objects.filter(row_kind=kind, row_id=row_id).select_related("user")[:50]
    if not changes:
        return gettext("No recorded changes.")
    rows = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                timezone.localtime(c.changed_at).strftime("%Y-%m-%d %H:%M"),
                c.user or c.via or "-",
                c.get_action_display(),
                c.field,
                c.old_value,
                c.new_value,
            )
            for c in changes
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        gettext("When"), gettext("Who"), gettext("Action"), gettext("Field"), gettext("Old"),
        gettext("New"), rows,
    )


class PlainDecimalField(forms.DecimalField):
    """Shows 0.2 rather than 0.200000000000: the column's precision is not the editor's."""

    def prepare_value(self, value: Any) -> Any:
        return plain(value) if isinstance(value, Decimal) else value


PLAIN_DECIMALS = {models.DecimalField: {"form_class": PlainDecimalField}}
# In the rows of a book: the browser's own date picker, narrower than the admin's with its
# "Today | calendar" shortcuts, so a row fits the screen with its source and confidence.
ROW_WIDGETS = {
    **PLAIN_DECIMALS,
    models.DateField: {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
}


def _amount(value: Decimal) -> str:
    return formats.number_format(plain(value), force_grouping=True)


def tier_text(rate: Rate, bounds: list[Decimal | None] | None = None) -> str:
    """A tier as a reader says it, "from 6,000,000,000 to 15,000,000,000 GB-seconds a month",
    from the key's bounds in order (the open tier last); "-" for an untiered price."""
    spec = SPEC_BY_KEY.get(rate.key)
    if spec is None or not spec.tiered:
        return "-"
    if bounds is None:
        bounds = [r.tier_upto for r in Rate.objects.filter(book_id=rate.book_id, key=rate.key)]
    ordered = sorted(bounds, key=lambda b: (b is None, b or 0))
    index = ordered.index(rate.tier_upto) if rate.tier_upto in ordered else 0
    low = ordered[index - 1] if index > 0 else Decimal(0)
    unit = texts.rate_unit(spec.tier_unit)
    if rate.tier_upto is None:
        return gettext("above %(low)s %(unit)s (no upper bound)") % {
            "low": _amount(low or Decimal(0)), "unit": unit}
    return gettext("from %(low)s to %(high)s %(unit)s") % {
        "low": _amount(low or Decimal(0)), "high": _amount(rate.tier_upto), "unit": unit}


class DraftOnlyMixin:
    """Rows of a published book can be seen but not added, changed or deleted."""

    formfield_overrides = PLAIN_DECIMALS

    def _published(self, obj: Any) -> bool:
        book = obj if isinstance(obj, PriceBook) else getattr(obj, "book", None)
        return book is not None and book.is_published

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._published(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._published(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


# --- inlines ----------------------------------------------------------------------------------


class RateInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        # The ladder check runs first: its messages say more than Django's "duplicate data".
        rows = [
            (form.cleaned_data["key"], form.cleaned_data.get("tier_upto"))
            for form in self.forms
            if form.cleaned_data.get("key") and not form.cleaned_data.get("DELETE")
        ]
        errors = tier_ladder_errors(rows)
        if errors:
            raise forms.ValidationError(errors)
        super().clean()


class RateInline(DraftOnlyMixin, admin.TabularInline):
    model = Rate
    formset = RateInlineFormSet
    extra = 0
    fields = ("key", "tier", "tier_upto", "price", "unit", "source", "read_on", "confidence",
              "edited")
    readonly_fields = ("tier", "unit", "edited")
    formfield_overrides = ROW_WIDGETS  # type: ignore[assignment]
    verbose_name_plural = _("Rates (each price in the unit shown next to it)")
    classes = ("price-rows",)

    @admin.display(description=_("tier"))
    def tier(self, obj: Rate) -> str:
        return tier_text(obj) if obj.pk else "-"

    @admin.display(description=_("unit"))
    def unit(self, obj: Rate) -> str:
        # The tier column names the tiers' unit; here the price's own.
        spec = SPEC_BY_KEY.get(obj.key)
        return texts.rate_unit(spec.unit) if spec else "-"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._published(obj) and super().has_add_permission(request, obj)

    # A published book's rows are read-only: each number as its source gave it ("0.04048"),
    # not padded to the column's twelve decimal places ("0.040480000000").
    SHOWN_PLAIN = {"price": "price_shown", "tier_upto": "tier_upto_shown"}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if self._published(obj):
            return [self.SHOWN_PLAIN.get(f, f) for f in fields]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.SHOWN_PLAIN.values()) if self._published(obj) else fields

    @admin.display(description=Rate._meta.get_field("price").verbose_name)
    def price_shown(self, obj: Rate) -> str:
        return plain(obj.price)

    @admin.display(description=Rate._meta.get_field("tier_upto").verbose_name)
    def tier_upto_shown(self, obj: Rate) -> str:
        return plain(obj.tier_upto) or "-"

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "key":
            kwargs["choices"] = KEY_CHOICES
        return super().formfield_for_choice_field(db_field, request, **kwargs)


# --- price books ------------------------------------------------------------------------------


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day the engine prices with this book (today or later)."),
    )
    # The date whose changes the editor was shown; publishing needs it to match.
    previewed = forms.DateField(required=False, widget=forms.HiddenInput)


def _book_rows_link(model: str, book: PriceBook, text: str) -> str:
    """A link to the admin list of ``model`` rows filtered to ``book``."""
    url = reverse(f"admin:advisor_{model}_changelist") + f"?book__id__exact={book.pk}"
    return format_html('<a href="{}">{}</a>', url, text)


@admin.register(PriceBook)
class PriceBookAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "region", "effective_from", "state", "rate_count", "type_count")
    list_filter = ("region", "status")
    search_fields = ("name", "region", "notes")
    date_hierarchy = "effective_from"
    # A book holds hundreds of instance types: one form with all of them would exceed what a
    # browser should post at once, so they are edited in their own list (linked here).
    inlines = [RateInline]
    readonly_fields = ("status", "published_at", "cloned_from", "created_at", "history",
                       "instance_types_link")
    fieldsets = (
        (None, {"fields": ("name", "region", "effective_from", "notes", "instance_types_link")}),
        (_("Publication"), {
            "fields": ("status", "published_at", "cloned_from", "created_at"),
            "description": _("Publish a draft with the Publish button; a published book is "
                             "read-only and stays as it is for the reports that used it."),
        }),
        (_("History"), {"fields": ("history",), "classes": ("collapse",)}),
    )
    actions = ["clone_selected", "publish_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriceBook]:
        return super().get_queryset(request).annotate(
            _rates=Count("rates", distinct=True), _types=Count("instance_types", distinct=True)
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # Bulk delete would bypass the read-only rule for published books.
        actions.pop("delete_selected", None)
        return actions

    class Media:
        # The row filter over a book's rates and instance types; the compact rows.
        css = {"all": ("admin-pricebook/pricebook.css",)}
        js = ("admin-pricebook/pricebook.js",)

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj: PriceBook) -> str:
        """Draft, published, or published and in force today for its region."""
        if not obj.is_published:
            return obj.get_status_display()
        in_force = in_force_or_none(obj.region, timezone.localdate())
        if in_force is not None and in_force.pk == obj.pk:
            return format_html('<strong class="in-force">{}</strong>', gettext("In force"))
        if obj.effective_from > timezone.localdate():
            return gettext("Published, from %(date)s") % {
                "date": formats.date_format(obj.effective_from, "SHORT_DATE_FORMAT")}
        return gettext("Published, replaced")

    @admin.display(description=_("rates"), ordering="_rates")
    def rate_count(self, obj: PriceBook) -> int:
        return getattr(obj, "_rates", 0)

    @admin.display(description=_("instance types"), ordering="_types")
    def type_count(self, obj: PriceBook) -> int:
        return getattr(obj, "_types", 0)

    @admin.display(description=_("EC2 instance types"))
    def instance_types_link(self, obj: PriceBook) -> str:
        if obj.pk is None:
            return "-"
        count = obj.instance_types.count()
        return _book_rows_link("instancetype", obj, ngettext(
            "%(n)d instance type", "%(n)d instance types", count) % {"n": count})

    @admin.display(description=_("changes to this book"))
    def history(self, obj: PriceBook) -> str:
        if obj.pk is None:
            return "-"
        count = obj.changes.count()
        return _book_rows_link("pricechange", obj, ngettext(
            "%(n)d recorded change", "%(n)d recorded changes", count) % {"n": count})

    def save_model(self, request: HttpRequest, obj: PriceBook, form: Any, change: bool) -> None:
        before = audit.stored_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        audit.record(obj, before, audit.snapshot(obj), user=request.user, via="admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model not in (Rate, InstanceType):
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        # Deletions first, so a tier can be removed and re-added with the same bound.
        for obj in formset.deleted_objects:
            audit.delete_row(obj, user=request.user, via="admin")
        for obj in instances:
            audit.save_row(obj, user=request.user, via="admin")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        book = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if book is not None:
            context.update(
                book=book,
                published_notice=published_message() if book.is_published else "",
                can_clone=self.has_add_permission(request),
                can_publish=not book.is_published and self.has_change_permission(request, book),
            )
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/clone/", view(self.clone_view), name="advisor_pricebook_clone"),
            path("<path:object_id>/publish/", view(self.publish_view), name="advisor_pricebook_publish"),
            *super().get_urls(),
        ]

    def _change_url(self, book: PriceBook) -> str:
        return reverse("admin:advisor_pricebook_change", args=[book.pk])

    def _book_or_404(self, request: HttpRequest, object_id: str) -> PriceBook:
        book = self.get_object(request, unquote(object_id))
        if book is None or not self.has_view_permission(request, book):
            raise Http404(gettext("No price book with id %(id)s.") % {"id": object_id})
        return book

    def _context(self, request: HttpRequest, book: PriceBook, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "book": book,
            "original": book,
            "change_url": self._change_url(book),
        }

    def clone_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        book = self._book_or_404(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            draft = clone_as_draft(book, user=request.user)
            self.log_addition(request, draft, [{"added": {}}])
            messages.success(request, gettext("“%(name)s” is a new draft: edit it, then publish it.")
                             % {"name": draft.name})
            return HttpResponseRedirect(self._change_url(draft))
        context = self._context(request, book, gettext("Clone “%(name)s” as a draft") % {"name": book.name})
        return TemplateResponse(request, "admin/advisor/pricebook/clone_confirmation.html", context)

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        book = self._book_or_404(request, object_id)
        if book.is_published:
            messages.error(request, gettext("“%(name)s” is already published.") % {"name": book.name})
            return HttpResponseRedirect(self._change_url(book))
        if not self.has_change_permission(request, book):
            raise PermissionDenied
        on = max(timezone.localdate(), book.effective_from)
        form = PublishForm(initial={"effective_from": on, "previewed": on})
        problems: list[str] = []
        if request.method == "POST":
            posted = PublishForm(request.POST)
            if posted.is_valid():
                on = posted.cleaned_data["effective_from"]
                if "_publish" in request.POST and posted.cleaned_data["previewed"] == on:
                    try:
                        publish(book, on, user=request.user)
                    except PublishError as exc:
                        problems = exc.problems
                    else:
                        self.log_change(request, book, [{"changed": {"fields": ["status", "effective_from"]}}])
                        messages.success(request, gettext(
                            "“%(name)s” is published: the engine prices %(region)s with it from %(date)s."
                        ) % {"name": book.name, "region": book.region, "date": on.isoformat()})
                        return HttpResponseRedirect(self._change_url(book))
                elif "_publish" in request.POST:
                    messages.warning(request, gettext(
                        "The date changed: check the changes against the book in force on %(date)s, "
                        "then publish."
                    ) % {"date": on.isoformat()})
                form = PublishForm(data={"effective_from": on.isoformat(), "previewed": on.isoformat()})
            else:
                form = posted
        in_force = in_force_or_none(book.region, on)
        diffs = diff_books(in_force, book)
        problems = problems or publish_problems(book, on)
        context = self._context(request, book, gettext("Publish “%(name)s”") % {"name": book.name})
        context.update(
            form=form, on=on, in_force=in_force, problems=problems, diffs=diffs,
            rate_diffs=[d for d in diffs if d.kind == "rate"],
            type_diffs=[d for d in diffs if d.kind != "rate"],
            in_force_url=self._change_url(in_force) if in_force else "",
        )
        return TemplateResponse(request, "admin/advisor/pricebook/publish.html", context)

    @admin.action(description=_("Clone as draft"), permissions=["add"])
    def clone_selected(self, request: HttpRequest, queryset: QuerySet[PriceBook]) -> HttpResponse | None:
        drafts = [clone_as_draft(book, user=request.user) for book in queryset]
        for draft in drafts:
            self.log_addition(request, draft, [{"added": {}}])
        if len(drafts) == 1:
            messages.success(request, gettext("“%(name)s” is a new draft.") % {"name": drafts[0].name})
            return HttpResponseRedirect(self._change_url(drafts[0]))
        messages.success(request, ngettext("%(n)d draft created.", "%(n)d drafts created.", len(drafts))
                         % {"n": len(drafts)})
        return None

    @admin.action(description=_("Publish…"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[PriceBook]) -> HttpResponse | None:
        books = list(queryset)
        if len(books) != 1 or books[0].is_published:
            messages.error(request, gettext("Select exactly one draft to publish."))
            return None
        return HttpResponseRedirect(reverse("admin:advisor_pricebook_publish", args=[books[0].pk]))


# --- rows on their own ------------------------------------------------------------------------


class RateForm(forms.ModelForm):
    class Meta:
        model = Rate
        fields = ("book", "key", "tier_upto", "price", "source", "read_on", "confidence")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        book, key = data.get("book"), data.get("key")
        if book is not None and key:
            # The row must keep its key's tier ladder whole, with the book's other tiers.
            others = Rate.objects.filter(book=book, key=key).exclude(pk=self.instance.pk)
            rows = [(key, r.tier_upto) for r in others] + [(key, data.get("tier_upto"))]
            errors = tier_ladder_errors(rows)
            if errors:
                raise forms.ValidationError(errors)
        return data


class RowAdmin(DraftOnlyMixin, admin.ModelAdmin):
    """What the rate and instance-type admins share: draft books only, audited saves."""

    kind = ""
    list_select_related = ("book",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "book":
            kwargs["queryset"] = PriceBook.objects.filter(status=PriceBook.Status.DRAFT)
            kwargs["help_text"] = _("Only drafts can take new or changed rows.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        audit.save_row(obj, user=request.user, via="admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.delete_row(obj, user=request.user, via="admin")

    @admin.display(description=_("change history"))
    def history(self, obj: Any) -> str:
        return history_table(self.kind, obj.pk)

    @admin.display(description=_("book status"), ordering="book__status")
    def book_status(self, obj: Any) -> str:
        return obj.book.get_status_display()


@admin.register(Rate)
class RateAdmin(RowAdmin):
    kind = "rate"
    form = RateForm
    list_display = ("key", "tier", "price", "unit", "book", "book_status", "confidence", "edited")
    list_filter = ("book__region", "book__status", "confidence", "edited", "key")
    search_fields = ("key", "source", "book__name")
    readonly_fields = ("unit", "edited", "history")
    fieldsets = (
        (None, {"fields": ("book", "key", "unit", "tier_upto", "price")}),
        (_("Source"), {"fields": ("source", "read_on", "confidence", "edited")}),
        (_("History"), {"fields": ("history",)}),
    )

    @admin.display(description=_("unit"))
    def unit(self, obj: Rate) -> str:
        return unit_text(obj.key) or "-"

    @admin.display(description=_("tier"), ordering="tier_upto")
    def tier(self, obj: Rate) -> str:
        return tier_text(obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "key":
            kwargs["choices"] = KEY_CHOICES
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Rate | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        spec = SPEC_BY_KEY.get(obj.key) if obj else None
        if spec is not None and "price" in form.base_fields:
            # Name this row's own unit where the editor types the number.
            form.base_fields["price"].help_text = gettext("In %(unit)s. %(what)s") % {
                "unit": texts.rate_unit(spec.unit), "what": texts.rate_description(spec)}
            if spec.tiered:
                form.base_fields["tier_upto"].help_text = gettext(
                    "Upper bound of this tier in %(tier_unit)s, counted from zero each month; "
                    "empty for the last, open tier."
                ) % {"tier_unit": texts.rate_unit(spec.tier_unit)}
        return form


@admin.register(InstanceType)
class InstanceTypeAdmin(RowAdmin):
    kind = "instance type"
    list_display = ("name", "vcpu", "memory_gib", "architecture", "hourly", "reserved_1y_hourly",
                    "reserved_3y_hourly", "burstable_baseline", "book", "book_status", "edited")
    list_filter = ("book__region", "book__status", "architecture", "confidence", "edited", "book")
    search_fields = ("name", "source", "book__name")
    readonly_fields = ("edited", "history")
    fieldsets = (
        (None, {"fields": ("book", "name", "architecture")}),
        (_("Size and price"), {"fields": ("vcpu", "memory_gib", "hourly", "reserved_1y_hourly",
                                          "reserved_3y_hourly", "burstable_baseline")}),
        (_("Source"), {"fields": ("source", "read_on", "confidence", "edited")}),
        (_("History"), {"fields": ("history",)}),
    )


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "user", "book", "action", "row_kind", "row_label", "field",
                    "old_value", "new_value", "via")
    list_filter = ("action", "row_kind", "via", "book__region", "book")
    search_fields = ("row_label", "field", "old_value", "new_value", "user__username")
    date_hierarchy = "changed_at"
    list_select_related = ("book", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

