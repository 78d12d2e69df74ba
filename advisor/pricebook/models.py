"""Price books: effective-dated sets of AWS prices that the engine reads.

Money and every other price-book number is a Decimal here; the engine receives floats through
``advisor.pricebook.prices.price_sheet`` (the one place ORM rows become engine input).

Validation lives in ``clean()`` so the admin shows it next to the field; rules that span rows
(a tier ladder) are in ``tier_ladder_errors``, which the admin's forms and publishing share.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisor.pricing.catalogue import ALL_SPECS, ARCHITECTURES, SPEC_BY_KEY

REGION_CODE = RegexValidator(
    r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$",
    _("Enter an AWS region code such as us-east-1 or ap-northeast-2."),
)
INSTANCE_TYPE_NAME = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*\.[a-z0-9-]+$",
    _("Enter an EC2 instance type such as t4g.small or m7g.xlarge."),
)


def plain(value: object) -> str:
    """A number as an editor would type it: no exponent, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class Confidence(models.TextChoices):
    AWS = "aws", _("AWS page, doc, blog or whitepaper")
    PRICE_LIST = "price_list", _("AWS Price List data")
    THIRD_PARTY = "third_party", _("Several independent third-party tables")
    ESTIMATE = "estimate", _("Estimate: an admin should confirm")


class PriceBook(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    region = models.CharField(
        _("region"), max_length=32, validators=[REGION_CODE],
        help_text=_("AWS region code, e.g. us-east-1."),
    )
    name = models.CharField(
        _("name"), max_length=120,
        help_text=_("A name people recognise, e.g. 'AWS list prices, November 2026'."),
    )
    effective_from = models.DateField(
        _("effective from"),
        help_text=_("First day these prices apply. The engine uses the newest published book "
                    "in force for the region on the pricing date."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
        help_text=_("Drafts can be edited; published books are read-only."),
    )
    notes = models.TextField(
        _("notes"), blank=True,
        help_text=_("Where these prices come from, and anything an editor should know."),
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones",
        verbose_name=_("cloned from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("price book")
        verbose_name_plural = _("price books")
        ordering = ["region", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "effective_from"],
                condition=Q(status="published"),
                name="one_published_book_per_region_and_date",
                violation_error_message=_("A published price book for this region and effective "
                                          "date already exists."),
            )
        ]

    def __str__(self) -> str:
        return gettext("%(name)s (%(region)s, from %(date)s, %(status)s)") % {
            "name": self.name, "region": self.region, "date": f"{self.effective_from:%Y-%m-%d}",
            "status": self.get_status_display().lower()}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        if self.is_published and self.region and self.effective_from:
            clash = PriceBook.objects.filter(
                region=self.region, effective_from=self.effective_from, status=self.Status.PUBLISHED
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"effective_from": same_date_message(self.region, self.effective_from)})


def same_date_message(region: str, effective_from: object) -> str:
    return gettext(
        "Another published price book for %(region)s already takes effect on %(date)s; "
        "choose another effective date."
    ) % {"region": region, "date": effective_from}


def published_message() -> str:
    return gettext("This price book is published and read-only: clone it as a draft to change prices.")


class SourcedRow(models.Model):
    """What every price row carries: where it was read, when, and how sure we are."""

    source = models.CharField(
        _("source"), max_length=500,
        help_text=_("Where the number was read: a URL, or an AWS Price List file (offer code, "
                    "version, date)."),
    )
    read_on = models.DateField(_("read on"), help_text=_("The date the number was read from its source."))
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.AWS
    )
    edited = models.BooleanField(
        _("edited"), default=False, editable=False,
        help_text=_("Set when an editor changed the row; seeding never overwrites such rows."),
    )

    class Meta:
        abstract = True

    def _refuse_published_book(self) -> None:
        book_id = getattr(self, "book_id", None)
        if book_id and PriceBook.objects.filter(pk=book_id, status=PriceBook.Status.PUBLISHED).exists():
            raise ValidationError(published_message())


class Rate(SourcedRow):
    book = models.ForeignKey(
        PriceBook, on_delete=models.CASCADE, related_name="rates", verbose_name=_("price book")
    )
    key = models.CharField(
        _("key"), max_length=64, choices=[(s.key, s.key) for s in ALL_SPECS],
        help_text=_("Which price this is; the unit follows from it."),
    )
    tier_upto = models.DecimalField(
        _("tier up to"), max_digits=24, decimal_places=4, null=True, blank=True,
        help_text=_("For tiered prices: the upper bound of this tier, counted from zero for the "
                    "month (GB-seconds, requests or GB). Leave empty for the last, open tier and "
                    "for untiered prices."),
    )
    price = models.DecimalField(
        _("price"), max_digits=24, decimal_places=12,
        help_text=_("The number, in the unit shown for its key (e.g. USD per GB-second)."),
    )

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["book", "key", models.F("tier_upto").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["book", "key", "tier_upto"], name="one_rate_per_tier"),
            models.UniqueConstraint(
                fields=["book", "key"], condition=Q(tier_upto__isnull=True), name="one_open_rate_per_key"
            ),
        ]

    def __str__(self) -> str:
        if self.tier_upto is None:
            return f"{self.key}: {plain(self.price)}"
        return gettext("%(key)s up to %(bound)s: %(price)s") % {
            "key": self.key, "bound": plain(self.tier_upto), "price": plain(self.price)}

    @property
    def unit(self) -> str:
        spec = SPEC_BY_KEY.get(self.key)
        return spec.unit if spec else ""

    def clean(self) -> None:
        self._refuse_published_book()
        errors: dict[str, str] = {}
        spec = SPEC_BY_KEY.get(self.key)
        if self.price is not None and self.price < 0:
            errors["price"] = gettext("The price cannot be negative (it is in %(unit)s).") % {
                "unit": self.unit or gettext("the key's unit")
            }
        if spec is not None and self.tier_upto is not None:
            if not spec.tiered:
                errors["tier_upto"] = gettext(
                    "%(key)s is not tiered: leave “tier up to” empty."
                ) % {"key": self.key}
            elif self.tier_upto <= 0:
                errors["tier_upto"] = gettext(
                    "A tier must end above 0 %(unit)s; leave it empty for the open last tier."
                ) % {"unit": spec.tier_unit}
        if errors:
            raise ValidationError(errors)


def tier_ladder_errors(rows: Iterable[tuple[str, Decimal | None]]) -> list[str]:
    """Problems with the tier ladders formed by (key, tier_upto) rows of one book.

    A tier is stored by its upper bound and starts where the previous one ends, so a ladder is
    contiguous when its bounds are positive and strictly ascending (no two equal) and exactly
    one tier, the last, is open. Untiered keys hold exactly one row, without a bound.
    """
    bounds: dict[str, list[Decimal | None]] = {}
    for key, upto in rows:
        bounds.setdefault(key, []).append(upto)
    errors: list[str] = []
    for key in sorted(bounds):
        spec = SPEC_BY_KEY.get(key)
        values = bounds[key]
        closed = [v for v in values if v is not None]
        open_count = len(values) - len(closed)
        if spec is None:
            errors.append(gettext("%(key)s is not a price the advisor knows.") % {"key": key})
            continue
        if not spec.tiered:
            if len(values) > 1 or closed:
                errors.append(gettext("%(key)s is not tiered: it needs exactly one row, with "
                                      "“tier up to” empty.") % {"key": key})
            continue
        if open_count == 0:
            errors.append(gettext("%(key)s has no open last tier: leave “tier up to” empty on "
                                  "the last tier.") % {"key": key})
        elif open_count > 1:
            errors.append(gettext("%(key)s has %(n)d open tiers; only the last tier may have "
                                  "“tier up to” empty.") % {"key": key, "n": open_count})
        seen: set[Decimal] = set()
        for bound in sorted(closed):
            if bound <= 0:
                errors.append(gettext("%(key)s: tier bounds must be above 0 %(unit)s.")
                              % {"key": key, "unit": spec.tier_unit})
            elif bound in seen:
                errors.append(gettext("%(key)s: two tiers end at %(bound)s %(unit)s; tier bounds "
                                      "must ascend, each tier ending above the one before.")
                              % {"key": key, "bound": plain(bound), "unit": spec.tier_unit})
            seen.add(bound)
    return errors


class InstanceType(SourcedRow):
    book = models.ForeignKey(
        PriceBook, on_delete=models.CASCADE, related_name="instance_types", verbose_name=_("price book")
    )
    name = models.CharField(
        _("name"), max_length=32, validators=[INSTANCE_TYPE_NAME],
        help_text=_("EC2 instance type, e.g. t4g.small."),
    )
    vcpu = models.PositiveSmallIntegerField(_("vCPUs"), help_text=_("vCPUs of the type (at least 1)."))
    memory_gib = models.DecimalField(
        _("memory (GiB)"), max_digits=8, decimal_places=3, help_text=_("Memory in GiB (above 0).")
    )
    architecture = models.CharField(_("architecture"), max_length=8, choices=[(a, a) for a in ARCHITECTURES])
    hourly = models.DecimalField(
        _("hourly price"), max_digits=12, decimal_places=6,
        help_text=_("USD per hour, Linux, on-demand, shared tenancy."),
    )
    reserved_1y_hourly = models.DecimalField(
        _("reserved 1 year, hourly"), max_digits=12, decimal_places=6, null=True, blank=True,
        help_text=_("USD per hour, standard reserved instance, 1 year, no upfront, Linux, "
                    "shared tenancy. Empty when no sourced rate exists."),
    )
    reserved_3y_hourly = models.DecimalField(
        _("reserved 3 years, hourly"), max_digits=12, decimal_places=6, null=True, blank=True,
        help_text=_("USD per hour, standard reserved instance, 3 years, no upfront, Linux, "
                    "shared tenancy. Empty when no sourced rate exists."),
    )
    burstable_baseline = models.DecimalField(
        _("burstable baseline"), max_digits=5, decimal_places=4, null=True, blank=True,
        help_text=_("For burstable (t) types: the baseline share of each vCPU that can be used "
                    "all month, above 0 and at most 1 (0.2 = 20 %). Empty for fixed-performance "
                    "types."),
    )

    class Meta:
        verbose_name = _("instance type")
        verbose_name_plural = _("instance types")
        ordering = ["book", "name"]
        constraints = [models.UniqueConstraint(fields=["book", "name"], name="one_instance_type_per_book")]

    def __str__(self) -> str:
        return f"{self.name} ({self.vcpu} vCPU, {plain(self.memory_gib)} GiB, ${plain(self.hourly)}/h)"

    def clean(self) -> None:
        self._refuse_published_book()
        errors: dict[str, str] = {}
        if self.vcpu is not None and self.vcpu < 1:
            errors["vcpu"] = gettext("An instance type has at least 1 vCPU.")
        if self.memory_gib is not None and self.memory_gib <= 0:
            errors["memory_gib"] = gettext("Memory must be above 0 GiB.")
        if self.hourly is not None and self.hourly < 0:
            errors["hourly"] = gettext("The hourly price cannot be negative (USD per hour).")
        for name in ("reserved_1y_hourly", "reserved_3y_hourly"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = gettext("The hourly price cannot be negative (USD per hour).")
        baseline = self.burstable_baseline
        if baseline is not None and not (0 < baseline <= 1):
            errors["burstable_baseline"] = gettext(
                "The burstable baseline is a share of each vCPU: above 0 and at most 1 "
                "(0.2 = 20 %); leave it empty for fixed-performance types."
            )
        if errors:
            raise ValidationError(errors)


class PriceChange(models.Model):
    """The audit trail: one row per changed field of a price row (or a row created or deleted)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    book = models.ForeignKey(
        PriceBook, on_delete=models.CASCADE, related_name="changes", verbose_name=_("price book")
    )
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.CHANGED
    )
    row_kind = models.CharField(_("row kind"), max_length=32)
    row_id = models.PositiveBigIntegerField(_("row id"), null=True, blank=True)
    row_label = models.CharField(_("row"), max_length=200)
    field = models.CharField(_("field"), max_length=64, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    via = models.CharField(
        _("via"), max_length=32, blank=True,
        help_text=_("What made the change: the admin, the importer, cloning or publishing."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["row_kind", "row_id"], name="price_change_row")]

    def __str__(self) -> str:
        return f"{self.row_label} {self.field}: {self.old_value} → {self.new_value}"
