"""Price books: effective-dated sets of AWS prices that the engine reads.

Money and every other price-book number is a Decimal here; the engine receives floats through
``advisor.prices.price_sheet`` (the one place ORM rows become engine input).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from advisor.pricing.catalogue import ARCHITECTURES, SPECS


class Confidence(models.TextChoices):
    AWS = "aws", "AWS page, doc, blog or whitepaper"
    PRICE_LIST = "price_list", "AWS Price List data"
    THIRD_PARTY = "third_party", "Several independent third-party tables"
    ESTIMATE = "estimate", "Estimate: an admin should confirm"


class PriceBook(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    region = models.CharField(max_length=32, help_text="AWS region code, e.g. us-east-1.")
    name = models.CharField(max_length=120, help_text="A name people recognise, e.g. 'AWS list prices, November 2026'.")
    effective_from = models.DateField(
        help_text="First day these prices apply. The engine uses the newest published book "
        "in force for the region on the pricing date."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True, help_text="Where these prices come from, and anything an editor should know.")
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "effective_from"],
                condition=Q(status="published"),
                name="one_published_book_per_region_and_date",
                violation_error_message="A published price book for this region and effective "
                "date already exists.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region}, from {self.effective_from:%Y-%m-%d}, {self.get_status_display().lower()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class SourcedRow(models.Model):
    """What every price row carries: where it was read, when, and how sure we are."""

    source = models.CharField(max_length=500, help_text="Where the number was read: a URL, or an AWS Price List file (offer code, version, date).")
    read_on = models.DateField(help_text="The date the number was read from its source.")
    confidence = models.CharField(max_length=12, choices=Confidence.choices, default=Confidence.AWS)
    edited = models.BooleanField(default=False, editable=False, help_text="Set when an editor changed the row; seeding never overwrites such rows.")

    class Meta:
        abstract = True


class Rate(SourcedRow):
    book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="rates")
    key = models.CharField(max_length=64, choices=[(s.key, s.key) for s in SPECS], help_text="Which price this is; the unit follows from it.")
    tier_upto = models.DecimalField(
        max_digits=24, decimal_places=4, null=True, blank=True,
        help_text="For tiered prices: the upper bound of this tier, counted from zero for the "
        "month (GB-seconds, requests or GB). Leave empty for the last, open tier and for "
        "untiered prices.",
    )
    price = models.DecimalField(max_digits=24, decimal_places=12, help_text="The number, in the unit shown for its key (e.g. USD per GB-second).")

    class Meta:
        ordering = ["book", "key", models.F("tier_upto").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["book", "key", "tier_upto"], name="one_rate_per_tier"),
            models.UniqueConstraint(
                fields=["book", "key"], condition=Q(tier_upto__isnull=True), name="one_open_rate_per_key"
            ),
        ]

    def __str__(self) -> str:
        tier = f" up to {self.tier_upto:,}" if self.tier_upto is not None else ""
        return f"{self.key}{tier}: {self.price}"


class InstanceType(SourcedRow):
    book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="instance_types")
    name = models.CharField(max_length=32, help_text="EC2 instance type, e.g. t4g.small.")
    vcpu = models.PositiveSmallIntegerField(help_text="vCPUs of the type.")
    memory_gib = models.DecimalField(max_digits=8, decimal_places=3, help_text="Memory in GiB.")
    architecture = models.CharField(max_length=8, choices=[(a, a) for a in ARCHITECTURES])
    hourly = models.DecimalField(max_digits=12, decimal_places=6, help_text="USD per hour, Linux, on-demand, shared tenancy.")
    burstable_baseline = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        help_text="For burstable (t) types: the baseline share of each vCPU that can be used "
        "all month, between 0 and 1 (0.2 = 20 %). Empty for fixed-performance types.",
    )

    class Meta:
        ordering = ["book", "name"]
        constraints = [models.UniqueConstraint(fields=["book", "name"], name="one_instance_type_per_book")]

    def __str__(self) -> str:
        return f"{self.name} ({self.vcpu} vCPU, {self.memory_gib} GiB, ${self.hourly}/h)"


class PriceChange(models.Model):
    """The audit trail: one row per changed field of a price row (or a row created or deleted)."""

    book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="changes")
    row_kind = models.CharField(max_length=32)
    row_label = models.CharField(max_length=200)
    field = models.CharField(max_length=64, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.row_label} {self.field}: {self.old_value} → {self.new_value}"
