"""Reading AWS Price List offer files (the bulk price list's JSON) into a draft price book.

The format (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html):
``offerCode``, ``version``, ``publicationDate``, ``products`` keyed by SKU (``productFamily``,
``attributes``) and ``terms.OnDemand[sku][offerTermCode].priceDimensions[rateCode]`` with
``unit``, ``beginRange``, ``endRange`` and ``pricePerUnit.USD``. Parsing is pure (``parse_offer``);
``apply_import`` writes the result into a draft in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from advisor.pricebook import audit, feeds
from advisor.pricebook.models import Confidence, InstanceType, PriceBook, Rate, plain
from advisor.pricebook.publishing import clone_as_draft, in_force_or_none
from advisor.pricing.catalogue import SPEC_BY_KEY

SUPPORTED_OFFERS = ("AmazonEC2", "AWSLambda", "AmazonApiGateway", "AWSELB")
IMPORT_DRAFT_NAME = "AWS Price List import"
MILLION = Decimal(1_000_000)

# usage type (without its region prefix) -> (catalogue key, factor from AWS's unit to ours).
# Lambda and API Gateway bill requests one by one; the catalogue prices them per 1M.
LAMBDA_USAGE = {
    "Lambda-GB-Second": ("lambda.x86_64.duration", Decimal(1)),
    "Lambda-GB-Second-ARM": ("lambda.arm64.duration", Decimal(1)),
    "Request": ("lambda.x86_64.requests", MILLION),
    "Request-ARM": ("lambda.arm64.requests", MILLION),
    "Lambda-Provisioned-Concurrency": ("lambda.x86_64.provisioned", Decimal(1)),
    "Lambda-Provisioned-Concurrency-ARM": ("lambda.arm64.provisioned", Decimal(1)),
    "Lambda-Provisioned-GB-Second": ("lambda.x86_64.provisioned_duration", Decimal(1)),
    "Lambda-Provisioned-GB-Second-ARM": ("lambda.arm64.provisioned_duration", Decimal(1)),
    "Lambda-Storage-GB-Second": ("lambda.x86_64.ephemeral", Decimal(1)),
    "Lambda-Storage-GB-Second-ARM": ("lambda.arm64.ephemeral", Decimal(1)),
}
APIGW_USAGE = {
    "ApiGatewayRequest": ("apigw.rest.requests", MILLION),
    "ApiGatewayHttpRequest": ("apigw.http.requests", MILLION),
}
# ALB and NLB share usage-type names; only the product family tells them apart.
ELB_USAGE = {
    ("Load Balancer-Application", "LoadBalancerUsage"): ("alb.hourly", Decimal(1)),
    ("Load Balancer-Application", "LCUUsage"): ("alb.lcu_hourly", Decimal(1)),
    ("Load Balancer-Network", "LoadBalancerUsage"): ("nlb.hourly", Decimal(1)),
    ("Load Balancer-Network", "LCUUsage"): ("nlb.nlcu_hourly", Decimal(1)),
}
EC2_FAMILIES = ("Compute Instance", "Compute Instance (bare metal)")
# "USE1-", "EUW2-", "APN1-", "EU-": the region prefix AWS puts on usage types outside us-east-1.
REGION_PREFIX = re.compile(r"^[A-Z]{2,4}\d?-")
BURSTABLE = re.compile(r"^t\d")
PRICE_STEP = Decimal("1e-12")  # Rate.price decimal places
HOURLY_STEP = Decimal("1e-6")  # InstanceType.hourly decimal places


class ImportFileError(Exception):
    """The file is not a usable AWS Price List offer file; the message says where and why."""


@dataclass
class ImportedRate:
    key: str
    ladder: list[tuple[Decimal | None, Decimal]]  # (tier upper bound or None, price)
    source: str
    read_on: dt.date
    confidence: str = Confidence.PRICE_LIST


@dataclass
class ImportedInstance:
    name: str
    vcpu: int
    memory_gib: Decimal
    architecture: str
    hourly: Decimal
    source: str
    read_on: dt.date
    # Set by the pricing-page feeds only (the offer files leave these rows' values alone):
    # reserved rates (standard, No Upfront) and a burstable type's baseline from AWS's docs.
    reserved: dict[str, Decimal | None] | None = None
    burstable_baseline: Decimal | None = None
    confidence: str = Confidence.PRICE_LIST


@dataclass
class ParsedOffer:
    path: str
    offer_code: str
    version: str
    publication_date: str
    region: str
    products: int
    rates: dict[str, ImportedRate] = field(default_factory=dict)
    instances: dict[str, ImportedInstance] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)

    label: str = ""

    @property
    def source(self) -> str:
        if self.label:
            return self.label
        return f"AWS Price List {self.offer_code} version {self.version}, published {self.publication_date}"


def load_offer(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ImportFileError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ImportFileError(f"{path}: not an AWS Price List offer file (expected a JSON object)")
    return data


def _require(data: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise ImportFileError(f"{where}: missing or malformed “{name}” (expected a {kind.__name__})")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ImportFileError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise ImportFileError(f"{where}: {value!r} is not a finite number")
    return number


def offer_regions(data: dict[str, Any]) -> set[str]:
    products = data.get("products")
    if not isinstance(products, dict):
        return set()
    return {
        p["attributes"]["regionCode"] for p in products.values()
        if isinstance(p, dict) and isinstance(p.get("attributes"), dict)
        and p["attributes"].get("regionCode")
    }


def parse_offer(data: dict[str, Any], path: str, region: str | None = None) -> ParsedOffer:
    """The prices the advisor uses from one offer file, and what was skipped and why."""
    offer_code = _require(data, "offerCode", str, path)
    if offer_code not in SUPPORTED_OFFERS:
        raise ImportFileError(
            f"{path}: offer “{offer_code}” is not supported (expected one of {', '.join(SUPPORTED_OFFERS)})"
        )
    version = _require(data, "version", str, path)
    published = _require(data, "publicationDate", str, path)
    try:
        read_on = dt.datetime.fromisoformat(published.replace("Z", "+00:00")).date()
    except ValueError:
        raise ImportFileError(f"{path}: publicationDate {published!r} is not an ISO date") from None
    products = _require(data, "products", dict, path)
    terms = _require(data, "terms", dict, path)
    on_demand = _require(terms, "OnDemand", dict, f"{path}: terms")

    if region is None:
        regions = offer_regions(data)
        if len(regions) != 1:
            found = ", ".join(sorted(regions)) or "none"
            raise ImportFileError(f"{path}: cannot tell the region (found: {found}); pass --region")
        region = regions.pop()

    offer = ParsedOffer(path, offer_code, version, published, region, len(products))
    reserved = terms.get("Reserved") or {}
    if reserved:
        # Reservations are another way to pay for the same SKUs; the advisor models them
        # with purchase factors, not with the reserved price list.
        offer.skipped["reserved-instance terms (reservations)"] += sum(len(t) for t in reserved.values())

    for sku, product in products.items():
        where = f"{path}: product {sku}"
        if not isinstance(product, dict):
            raise ImportFileError(f"{where}: expected an object")
        attrs = _require(product, "attributes", dict, where)
        family = product.get("productFamily", "")
        if attrs.get("regionCode") != region:
            offer.skipped["other region or not region-specific"] += 1
            continue
        dims = _price_dimensions(on_demand.get(sku), where)
        if offer_code == "AmazonEC2":
            _ec2_product(offer, family, attrs, dims, where, read_on)
        else:
            mapped = _service_key(offer_code, family, attrs)
            if mapped is None:
                usage = attrs.get("usagetype", "?")
                offer.skipped[f"usage not used by the advisor: {family} {usage}"] += 1
                continue
            if not dims:
                offer.skipped["no on-demand price"] += 1
                continue
            key, factor = mapped
            ladder = _ladder(key, dims, factor, where)
            previous = offer.rates.get(key)
            if previous is not None and previous.ladder != ladder:
                raise ImportFileError(f"{where}: a second, different price for {key}")
            offer.rates[key] = ImportedRate(key, ladder, offer.source, read_on)
    return offer


def _price_dimensions(sku_terms: Any, where: str) -> list[dict[str, Any]]:
    if sku_terms is None:
        return []
    if not isinstance(sku_terms, dict):
        raise ImportFileError(f"{where}: malformed terms.OnDemand entry")
    dims: list[dict[str, Any]] = []
    for term_code, term in sku_terms.items():
        term_where = f"{where}, term {term_code}"
        if not isinstance(term, dict):
            raise ImportFileError(f"{term_where}: expected an object")
        for rate_code, dim in _require(term, "priceDimensions", dict, term_where).items():
            dim_where = f"{term_where}, price dimension {rate_code}"
            if not isinstance(dim, dict):
                raise ImportFileError(f"{dim_where}: expected an object")
            price = _require(dim, "pricePerUnit", dict, dim_where)
            if "USD" not in price:
                raise ImportFileError(f"{dim_where}: no USD price")
            usd = _decimal(price["USD"], f"{dim_where}, pricePerUnit.USD")
            if usd < 0:
                raise ImportFileError(f"{dim_where}: negative price {price['USD']}")
            begin = _decimal(dim.get("beginRange", "0"), f"{dim_where}, beginRange")
            end_raw = dim.get("endRange", "Inf")
            end = None if end_raw == "Inf" else _decimal(end_raw, f"{dim_where}, endRange")
            dims.append({"begin": begin, "end": end, "usd": usd, "unit": dim.get("unit", ""), "where": dim_where})
    return dims


def _ladder(key: str, dims: list[dict[str, Any]], factor: Decimal, where: str) -> list[tuple[Decimal | None, Decimal]]:
    """Tiers as (upper bound, price), checked to start at 0, touch end to begin, and end open."""
    dims = sorted(dims, key=lambda d: d["begin"])
    expected = Decimal(0)
    for dim in dims:
        if dim["begin"] != expected:
            raise ImportFileError(
                f"{where}: price tiers for {key} are not contiguous: a tier starts at "
                f"{plain(dim['begin'])} where {plain(expected)} was expected"
            )
        if dim["end"] is None:
            break
        if dim["end"] <= dim["begin"]:
            raise ImportFileError(f"{where}: a price tier for {key} ends before it starts")
        expected = dim["end"]
    if dims[-1]["end"] is not None:
        raise ImportFileError(f"{where}: the last price tier for {key} is not open (endRange “Inf”)")
    if not SPEC_BY_KEY[key].tiered and len(dims) > 1:
        raise ImportFileError(f"{where}: {key} is not tiered but the file has {len(dims)} tiers")
    # Quantised to the columns' precision so a second import compares equal to what was saved.
    return [(d["end"], (d["usd"] * factor).quantize(PRICE_STEP).normalize()) for d in dims]


def _service_key(offer_code: str, family: str, attrs: dict[str, Any]) -> tuple[str, Decimal] | None:
    usage = REGION_PREFIX.sub("", str(attrs.get("usagetype", "")))
    if offer_code == "AWSLambda":
        return LAMBDA_USAGE.get(usage)
    if offer_code == "AmazonApiGateway":
        return APIGW_USAGE.get(usage)
    if offer_code == "AWSELB":
        return ELB_USAGE.get((family, usage))
    return None


def _ec2_product(
    offer: ParsedOffer, family: str, attrs: dict[str, Any], dims: list[dict[str, Any]],
    where: str, read_on: dt.date,
) -> None:
    # Linux, shared tenancy, no pre-installed software, capacity actually used: the plain
    # on-demand instance hour the advisor compares against.
    checks = [
        (family in EC2_FAMILIES, f"product family {family or '?'}"),
        (attrs.get("operatingSystem") == "Linux", f"operating system {attrs.get('operatingSystem')}"),
        (attrs.get("tenancy") == "Shared", f"tenancy {attrs.get('tenancy')}"),
        (attrs.get("preInstalledSw", "NA") == "NA", f"pre-installed software {attrs.get('preInstalledSw')}"),
        (attrs.get("capacitystatus", "Used") == "Used", f"capacity status {attrs.get('capacitystatus')}"),
    ]
    for ok, reason in checks:
        if not ok:
            offer.skipped[f"EC2 {reason}"] += 1
            return
    name = attrs.get("instanceType")
    try:
        vcpu = int(str(attrs.get("vcpu")))
        memory = Decimal(str(attrs.get("memory", "")).replace("GiB", "").replace(",", "").strip())
    except (ValueError, InvalidOperation):
        offer.skipped["EC2 instance without vCPU or memory figures"] += 1
        return
    if not name or not dims:
        offer.skipped["no on-demand price"] += 1
        return
    hourly = [d for d in dims if d["unit"] == "Hrs"]
    if len(hourly) != 1:
        raise ImportFileError(f"{where}: expected one hourly on-demand price for {name}, found {len(hourly)}")
    processor = str(attrs.get("physicalProcessor", ""))
    architecture = "arm64" if "Graviton" in processor else "x86_64"
    offer.instances[name] = ImportedInstance(
        name, vcpu, memory.quantize(Decimal("0.001")), architecture,
        hourly[0]["usd"].quantize(HOURLY_STEP).normalize(), offer.source, read_on,
    )


# --- writing -------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    region: str
    base: PriceBook | None
    draft: PriceBook | None = None
    created: bool = False
    nothing_new: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    written: int = 0


def _ladder_of(rows: list[Rate]) -> list[tuple[Decimal | None, Decimal]]:
    ordered = sorted(rows, key=lambda r: (r.tier_upto is None, r.tier_upto or 0))
    return [(r.tier_upto, r.price.normalize()) for r in ordered]


def _rate_label(key: str, upto: Decimal | None) -> str:
    return key if upto is None else f"{key} up to {plain(upto)}"


def _holds(book: PriceBook, rates: dict[str, ImportedRate], instances: dict[str, ImportedInstance]) -> bool:
    """Whether the book already has every imported price, from the same file."""
    by_key: dict[str, list[Rate]] = {}
    for r in book.rates.all():
        by_key.setdefault(r.key, []).append(r)
    for key, imp in rates.items():
        rows = by_key.get(key, [])
        if _ladder_of(rows) != imp.ladder or any(r.source != imp.source for r in rows):
            return False
    types = {i.name: i for i in book.instance_types.all()}
    for name, imp in instances.items():
        row = types.get(name)
        if row is None or row.source != imp.source or row.hourly != imp.hourly:
            return False
        if imp.reserved is not None and (row.reserved_1y_hourly, row.reserved_3y_hourly) != (
                imp.reserved.get("reserved_1y"), imp.reserved.get("reserved_3y")):
            return False
    return True


def apply_import(
    offers: list[ParsedOffer], region: str, *, add_instance_types: bool = False, user: Any = None
) -> ImportSummary:
    """Write the parsed offers into the region's import draft, creating it from the book in force.

    Idempotent: when the draft (or, without one, a published book from the book in force on)
    already holds every imported price from the same files, nothing is written.
    """
    today = timezone.localdate()
    base = in_force_or_none(region, today)
    summary = ImportSummary(region=region, base=base)
    rates: dict[str, ImportedRate] = {}
    instances: dict[str, ImportedInstance] = {}
    for offer in offers:
        summary.skipped.update(offer.skipped)
        for key, imp in offer.rates.items():
            if key in rates and rates[key].ladder != imp.ladder:
                raise ImportFileError(f"{offer.path}: {key} also comes from another file, with other prices")
            rates[key] = imp
        instances.update(offer.instances)

    # Instance types: the book keeps a curated list; a burstable type also needs its
    # baseline, which the price list does not carry.
    base_types = {i.name: i for i in base.instance_types.all()} if base else {}
    for name in sorted(instances):
        if name in base_types:
            continue
        if not add_instance_types:
            summary.skipped["EC2 instance type not in the book in force (--add-instance-types adds it)"] += 1
            del instances[name]
        elif BURSTABLE.match(name) and instances[name].burstable_baseline is None:
            summary.skipped["EC2 burstable type not in the book in force: its baseline is not in the price list"] += 1
            del instances[name]

    _compare_with_base(summary, base, rates, instances)

    with transaction.atomic():
        draft = (
            PriceBook.objects.select_for_update()
            .filter(region=region, status=PriceBook.Status.DRAFT, name__startswith=IMPORT_DRAFT_NAME)
            .order_by("-id").first()
        )
        if draft is None:
            later = PriceBook.objects.filter(region=region, status=PriceBook.Status.PUBLISHED)
            if base is not None:
                later = later.filter(effective_from__gte=base.effective_from)
            holder = next((b for b in later.order_by("-effective_from", "-id") if _holds(b, rates, instances)), None)
            if holder is not None or (not rates and not instances):
                summary.nothing_new, summary.draft = True, holder
                return summary
            name = f"{IMPORT_DRAFT_NAME}, {region}, {today:%Y-%m-%d}"
            if base is not None:
                draft = clone_as_draft(base, user=user, name=name, via="import")
            else:
                draft = PriceBook.objects.create(region=region, name=name, effective_from=today)
            summary.created = True
        elif _holds(draft, rates, instances):
            summary.nothing_new, summary.draft = True, draft
            return summary
        summary.draft = draft
        summary.written = _write(draft, rates, instances, user, summary)
    return summary


def _compare_with_base(
    summary: ImportSummary, base: PriceBook | None,
    rates: dict[str, ImportedRate], instances: dict[str, ImportedInstance],
) -> None:
    old_rates: dict[tuple[str, Decimal | None], Decimal] = {}
    if base is not None:
        old_rates = {(r.key, r.tier_upto): r.price for r in base.rates.all()}
    for key, imp in sorted(rates.items()):
        unit = SPEC_BY_KEY[key].unit
        for upto, price in imp.ladder:
            old = old_rates.get((key, upto))
            label = _rate_label(key, upto)
            if old is None:
                summary.added.append(f"{label}: {plain(price)} {unit}")
            elif old != price:
                summary.changed.append(f"{label}: {plain(old)} → {plain(price)} {unit}")
            else:
                summary.unchanged += 1
    base_types = {i.name: i for i in base.instance_types.all()} if base else {}
    for name, imp in sorted(instances.items()):
        row = base_types.get(name)
        if row is None:
            summary.added.append(f"{name}: {plain(imp.hourly)} USD per hour{_reserved_text(imp)}")
        elif row.hourly != imp.hourly:
            summary.changed.append(f"{name}: {plain(row.hourly)} → {plain(imp.hourly)} USD per hour")
        elif imp.reserved is not None and (row.reserved_1y_hourly, row.reserved_3y_hourly) != (
                imp.reserved.get("reserved_1y"), imp.reserved.get("reserved_3y")):
            summary.changed.append(
                f"{name}: reserved {plain(row.reserved_1y_hourly)} / {plain(row.reserved_3y_hourly)}"
                f" → {plain(imp.reserved.get('reserved_1y'))} / "
                f"{plain(imp.reserved.get('reserved_3y'))} USD per hour (1 / 3 years)")
        else:
            summary.unchanged += 1


def _write(
    draft: PriceBook, rates: dict[str, ImportedRate], instances: dict[str, ImportedInstance],
    user: Any, summary: ImportSummary,
) -> int:
    # Rows an editor changed in this draft stay as the editor left them.
    edited_here = set(
        draft.changes.filter(via="admin").values_list("row_kind", "row_label")
    )
    written = 0
    existing: dict[str, list[Rate]] = {}
    for r in draft.rates.all():
        existing.setdefault(r.key, []).append(r)
    for key, imp in sorted(rates.items()):
        rows = {r.tier_upto: r for r in existing.get(key, [])}
        if any(("rate", audit.row_label(r)) in edited_here for r in rows.values()):
            summary.skipped[f"kept an editor's change in the draft: {key}"] += 1
            continue
        wanted = dict(imp.ladder)
        for upto, row in rows.items():
            if upto not in wanted:
                audit.delete_row(row, user=user, via="import")
                written += 1
        for upto, price in imp.ladder:
            row = rows.get(upto) or Rate(book=draft, key=key, tier_upto=upto)
            row.price, row.source, row.read_on = price, imp.source, imp.read_on
            row.confidence = imp.confidence
            written += bool(audit.save_row(row, user=user, via="import", mark_edited=False))
    types = {i.name: i for i in draft.instance_types.all()}
    for name, imp in sorted(instances.items()):
        row = types.get(name)
        if row is not None and ("instance type", name) in edited_here:
            summary.skipped[f"kept an editor's change in the draft: {name}"] += 1
            continue
        if row is None:
            row = InstanceType(book=draft, name=name)
        row.vcpu, row.memory_gib, row.architecture = imp.vcpu, imp.memory_gib, imp.architecture
        row.hourly, row.source, row.read_on = imp.hourly, imp.source, imp.read_on
        if imp.reserved is not None:
            row.reserved_1y_hourly = imp.reserved.get("reserved_1y")
            row.reserved_3y_hourly = imp.reserved.get("reserved_3y")
        if imp.burstable_baseline is not None:
            row.burstable_baseline = imp.burstable_baseline
        row.confidence = imp.confidence
        written += bool(audit.save_row(row, user=user, via="import", mark_edited=False))
    return written


def _reserved_text(imp: ImportedInstance) -> str:
    if not imp.reserved:
        return ""
    one, three = imp.reserved.get("reserved_1y"), imp.reserved.get("reserved_3y")
    return f" (reserved {plain(one) or '-'} / {plain(three) or '-'} for 1 / 3 years)"


# --- the pricing-page feeds ------------------------------------------------------------------


def parse_feeds(paths: list[Path], region: str | None) -> list[ParsedOffer]:
    """The pricing-page feeds among ``paths`` as one :class:`ParsedOffer` per file and region
    (``region`` None or "all": every region of the files). Raises ImportFileError."""
    wanted = None if region in (None, "all") else {region}
    read: list[feeds.Feed] = []
    for path in paths:
        try:
            read.append(feeds.read_feed(feeds.load(path), str(path), wanted))
        except feeds.FeedError as exc:
            raise ImportFileError(str(exc)) from None
    ondemand = [f for f in read if f.source == "ec2-ondemand-without-sec-sel"]
    offers: list[ParsedOffer] = []
    for feed in read:
        for code, prices in sorted(feed.regions.items()):
            date = feed.published or timezone.localdate()
            offer = ParsedOffer(feed.path, feed.source, "pricing-page feed",
                                feed.published.isoformat() if feed.published else "not stated",
                                code, sum(1 for _ in prices.rates) + len(prices.instances)
                                + len(prices.reserved), label=feed.label)
            offer.skipped.update(prices.skipped)
            for key, ladder in prices.rates.items():
                # AWS's own pricing-page data: the same grade as an AWS page.
                offer.rates[key] = ImportedRate(key, list(ladder), feed.label, date,
                                                Confidence.AWS)
            if feed.source == "ec2-ondemand-without-sec-sel":
                reserved = [f for f in read if f.source == "ec2-reservedinstance"
                            and code in f.regions]
                merged = feeds.merge_instances([feed, *reserved], code)
                for name, it in merged.items():
                    source = feeds.instance_source(feed, reserved, it.burstable_baseline is not None)
                    offer.instances[name] = ImportedInstance(
                        name, it.vcpu, it.memory_gib, it.architecture, it.hourly or Decimal(0),
                        source, date,
                        reserved=({"reserved_1y": it.reserved_1y, "reserved_3y": it.reserved_3y}
                                  if reserved else None),
                        burstable_baseline=it.burstable_baseline, confidence=Confidence.AWS)
            elif feed.source == "ec2-reservedinstance" and not any(
                    code in f.regions for f in ondemand):
                offer.skipped["reserved rates without the region's on-demand feed"] += len(
                    prices.reserved)
            offers.append(offer)
    return offers
