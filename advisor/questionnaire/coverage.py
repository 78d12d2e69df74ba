"""What each region's price book prices, and how surely: the methodology page's coverage
table and the region selector's mark for a region where a price the workload needs is an
estimate. Reads only (the books in force, two queries)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisor.pricebook.models import PriceBook, Rate

# Grades from surest to least sure (pricebook.models.Confidence), then "no price".
GRADES = ("aws", "price_list", "third_party", "estimate", "missing")
GRADE_LABELS = {
    "aws": _("AWS"), "price_list": _("Price List"), "third_party": _("third party"),
    "estimate": _("estimate"), "missing": _("not priced"),
}
# (column, heading, keys): a line item or option and the rate keys it reads (both
# architectures where the key has one).
LINES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("lambda", _("Lambda"), ("lambda.x86_64.requests", "lambda.x86_64.duration",
                             "lambda.arm64.requests", "lambda.arm64.duration")),
    ("http_api", _("HTTP API"), ("apigw.http.requests",)),
    ("rest_api", _("REST API"), ("apigw.rest.requests",)),
    ("alb", _("ALB"), ("alb.hourly", "alb.lcu_hourly")),
    ("nlb", _("NLB"), ("nlb.hourly", "nlb.nlcu_hourly")),
    ("nat", _("NAT"), ("nat.hourly", "nat.per_gb")),
    ("egress", _("Egress"), ("transfer.out",)),
    ("logs", _("Logs"), ("logs.ingestion_per_gb", "logs.vended_per_gb")),
    ("fargate", _("Fargate"), ("fargate.x86_64.vcpu_hour", "fargate.x86_64.gb_hour",
                               "fargate.arm64.vcpu_hour", "fargate.arm64.gb_hour",
                               "fargate.ephemeral_gb_hour")),
    ("fargate_spot", _("Fargate Spot"), ("fargate.spot",)),
    ("managed", _("Managed Instances"), ("lambda_mi.management_fee", "lambda_mi.requests")),
)


# The grades are read at most this often per process (as advisor/services.py keeps the books
# themselves), and at once again after this process saves a price row or a book.
GRADES_MEMO_SECONDS = 5.0
_memo: dict[tuple[tuple[str, ...], dt.date], tuple[float, dict[str, dict[str, str]]]] = {}


def forget(**_: Any) -> None:
    _memo.clear()


for _model in (PriceBook, Rate):
    post_save.connect(forget, sender=_model, dispatch_uid=f"coverage.forget.{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"coverage.forget-d.{_model.__name__}")


def _grades(regions: Iterable[str]) -> dict[str, dict[str, str]]:
    """Region -> (rate key -> grade) in each region's book in force: two queries for every
    region (the page and the form render it; no price sheet is built), kept for a few
    seconds: every results partial shows the region marks."""
    key = (tuple(regions), dt.date.today())
    kept = _memo.get(key)
    if kept is not None and time.monotonic() - kept[0] < GRADES_MEMO_SECONDS:
        return kept[1]
    found = _read_grades(list(key[0]))
    if found:
        if len(_memo) > 64:
            _memo.clear()
        _memo[key] = (time.monotonic(), found)
    return found


def _read_grades(wanted: list[str]) -> dict[str, dict[str, str]]:
    try:
        books: dict[int, str] = {}
        seen: set[str] = set()
        for pk, region in (PriceBook.objects
                           .filter(status=PriceBook.Status.PUBLISHED, region__in=wanted,
                                   effective_from__lte=dt.date.today())
                           .order_by("region", "-effective_from", "-id")
                           .values_list("pk", "region")):
            if region not in seen:  # the newest in force, as book_in_force picks it
                seen.add(region)
                books[pk] = region
        out: dict[str, dict[str, str]] = {region: {} for region in books.values()}
        for book, key, grade in Rate.objects.filter(book_id__in=books).values_list(
                "book_id", "key", "confidence"):
            out[books[book]][key] = grade
    except DatabaseError:
        # The database is away: no grades, no marks (the page still renders).
        return {}
    return out


def coverage(regions: Iterable[str]) -> list[dict[str, Any]]:
    """Per region, each line's least sure grade (a line is as sure as its least sure key)."""
    rows = []
    regions = list(regions)
    by_region = _grades(regions)
    for region in regions:
        grades = by_region.get(region)
        if grades is None:
            continue
        cells = []
        for _code, _heading, keys in LINES:
            worst = max((GRADES.index(grades.get(k, "missing")) for k in keys), default=0)
            cells.append({"grade": GRADES[worst], "label": GRADE_LABELS[GRADES[worst]]})
        rows.append({"region": region, "cells": cells})
    return rows


def needed_keys(data: Mapping[str, Any]) -> set[str]:
    """The rate keys a questionnaire's answers need that a region's book may grade as an
    estimate (load balancer, front door, purchase factor, ticked options); unanswered
    fields take the contract's defaults."""
    def get(name: str, default: str) -> str:
        value = data.get(name)
        return str(value) if value else default

    getlist = getattr(data, "getlist", None)
    options = set(getlist("options") if getlist else data.get("options") or ()) or {"lambda",
                                                                                  "ec2"}
    arch = get("architecture", "x86_64")
    keys: set[str] = set()
    lb = get("ec2_load_balancer", "alb")
    if lb in ("alb", "nlb") and "ec2" in options:
        keys |= {f"{lb}.hourly", "alb.lcu_hourly" if lb == "alb" else "nlb.nlcu_hourly"}
    door = get("front_door", "none")
    if door == "alb" or "fargate" in options:
        keys |= {"alb.hourly", "alb.lcu_hourly"}
    if door in ("http_api", "rest_api"):
        keys.add(f"apigw.{door.split('_')[0]}.requests")
    purchase = get("ec2_purchase", "on_demand")
    if not purchase.startswith("reserved"):
        keys.add(f"ec2.purchase.{purchase}")
    if get("data_transfer_out_gb", "0") not in ("0", "0.0"):
        keys.add("transfer.out")
    if "fargate" in options:
        keys |= {f"fargate.{arch}.vcpu_hour", f"fargate.{arch}.gb_hour"}
        if get("fargate_spot", "") in ("on", "true", "True", "1"):
            keys.add("fargate.spot")
    if "lambda_managed_instances" in options:
        keys |= {"lambda_mi.requests", "lambda_mi.management_fee"}
    return keys


def region_choices(regions: Iterable[str], data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The region selector's choices: a region where a price these answers need is graded an
    estimate (or has no source) is marked. The labels are lazy: the books are read (once for
    every region) only when a label is rendered, never to build or validate a form."""
    regions = list(regions)
    marked: list[set[str]] = []

    def marks() -> set[str]:
        if not marked:
            needed = needed_keys(data)
            by_region = _grades(regions)
            marked.append({r for r, grades in by_region.items()
                           if any(grades.get(k, "missing") in ("estimate", "missing")
                                  for k in needed)})
        return marked[0]

    def label(region: str) -> str:
        if region in marks():
            return gettext("%(region)s (a price it needs is an estimate)") % {"region": region}
        return region

    lazy_label = lazy(label, str)
    return [(region, lazy_label(region)) for region in regions]
