"""Reading the JSON feeds that AWS's public pricing pages load (no Django, no network).

The pages at aws.amazon.com/<service>/pricing/ draw their tables from
``https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/<service>/USD/current/<file>.json``.
Each file holds a ``manifest`` (``source``, ``hawkFilePublicationDate``) and ``regions`` keyed by
AWS location names ("Asia Pacific (Seoul)"), each a map of entries with a ``price``. Some
entries are keyed by an opaque rate code and some by a readable name ("Lambda Duration-ARM
Tier2"); the same price can appear under both: only the named ones are read. The EC2 files
(one region each) list every instance type with its vCPUs and memory; the reserved-instance
files list the standard, No Upfront rate beside the on-demand price.

:func:`read_feed` turns one file into :class:`FeedPrices` per region (Decimals, in the
catalogue's units) or raises :class:`FeedError` saying where and why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from advisor.pricing.catalogue import (
    BURSTABLE_BASELINE_SOURCE,
    architecture_of,
    burstable_baseline,
)

FEED_URL = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/"
MILLION = Decimal(1_000_000)

# AWS location names of the feeds -> region codes (AWS, "Regions and Zones":
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
LOCATIONS: dict[str, str] = {
    "US East (N. Virginia)": "us-east-1",
    "US East (Ohio)": "us-east-2",
    "US West (N. California)": "us-west-1",
    "US West (Oregon)": "us-west-2",
    "Canada (Central)": "ca-central-1",
    "EU (Ireland)": "eu-west-1",
    "EU (London)": "eu-west-2",
    "EU (Paris)": "eu-west-3",
    "EU (Frankfurt)": "eu-central-1",
    "EU (Stockholm)": "eu-north-1",
    "EU (Milan)": "eu-south-1",
    "Asia Pacific (Tokyo)": "ap-northeast-1",
    "Asia Pacific (Seoul)": "ap-northeast-2",
    "Asia Pacific (Osaka)": "ap-northeast-3",
    "Asia Pacific (Singapore)": "ap-southeast-1",
    "Asia Pacific (Sydney)": "ap-southeast-2",
    "Asia Pacific (Mumbai)": "ap-south-1",
    "Asia Pacific (Hong Kong)": "ap-east-1",
    "South America (Sao Paulo)": "sa-east-1",
}
REGION_NAMES = {code: name for name, code in LOCATIONS.items()}

# The feed files the importer reads, by manifest ``source`` (and the page they serve).
SOURCES = {
    "lambda": "lambda/USD/current/lambda.json",
    "apigateway": "apigateway/USD/current/apigateway.json",
    "natgateway": "ec2/USD/current/natgateway.json",
    "vpc": "vpc/USD/current/vpc.json",
    "cloudwatch": "cloudwatch/USD/current/cloudwatch.json",
    "ebs": "ec2/USD/current/ebs.json",
    "ecs": "ecs/USD/current/ecs.json",
    "ec2-ondemand-without-sec-sel":
        "ec2/USD/current/ec2-ondemand-without-sec-sel/<Region>/Linux/index.json",
    "ec2-reservedinstance": "ec2/USD/current/ec2-reservedinstance/<Region>/...",
}

# Named entry -> (catalogue key, tier upper bound, factor to the catalogue's unit). Lambda's
# duration tier bounds are not in the feed: AWS's Lambda pricing page states them for every
# region (6 and 15 billion GB-s for x86_64, 7.5 and 18.75 billion for arm64).
NAMED: dict[str, dict[str, tuple[str, Decimal | None, Decimal]]] = {
    "lambda": {
        "Lambda Requests": ("lambda.x86_64.requests", None, MILLION),
        "Lambda Requests-ARM": ("lambda.arm64.requests", None, MILLION),
        "Lambda Duration": ("lambda.x86_64.duration", Decimal(6_000_000_000), Decimal(1)),
        "Lambda Duration Tier2": ("lambda.x86_64.duration", Decimal(15_000_000_000), Decimal(1)),
        "Lambda Duration Tier3": ("lambda.x86_64.duration", None, Decimal(1)),
        "Lambda Duration-ARM": ("lambda.arm64.duration", Decimal(7_500_000_000), Decimal(1)),
        "Lambda Duration-ARM Tier2": ("lambda.arm64.duration", Decimal(18_750_000_000), Decimal(1)),
        "Lambda Duration-ARM Tier3": ("lambda.arm64.duration", None, Decimal(1)),
        "Lambda Provisioned-Concurrency": ("lambda.x86_64.provisioned", None, Decimal(1)),
        "Lambda Provisioned-Concurrency-ARM": ("lambda.arm64.provisioned", None, Decimal(1)),
        "Lambda Duration-Provisioned": ("lambda.x86_64.provisioned_duration", None, Decimal(1)),
        "Lambda Duration-Provisioned-ARM": ("lambda.arm64.provisioned_duration", None, Decimal(1)),
        "Lambda Storage-Duration": ("lambda.x86_64.ephemeral", None, Decimal(1)),
        "Lambda Storage-Duration-ARM": ("lambda.arm64.ephemeral", None, Decimal(1)),
    },
    "apigateway": {
        "API Calls Number of up to 333 million": ("apigw.rest.requests", Decimal(333_000_000), MILLION),
        "API Calls Number of Request Next 667 million": ("apigw.rest.requests", Decimal(1_000_000_000), MILLION),
        "API Calls Number of Request Next 19 billion": ("apigw.rest.requests", Decimal(20_000_000_000), MILLION),
        "API Calls Number of Request Over 20 billion": ("apigw.rest.requests", None, MILLION),
        "ApiGatewayHttpApi First 300 million": ("apigw.http.requests", Decimal(300_000_000), MILLION),
        "ApiGatewayHttpApi more than 300 million": ("apigw.http.requests", None, MILLION),
    },
    "natgateway": {
        "Hourly charge for NAT Gateways": ("nat.hourly", None, Decimal(1)),
        "Charge for per GB data processed by NatGateways": ("nat.per_gb", None, Decimal(1)),
    },
    "vpc": {
        "Hourly charge for In use Public IPv4 Addresses per Hrs": ("vpc.public_ipv4_hourly", None, Decimal(1)),
    },
    # Vended logs (Lambda's, since May 2025) are tiered by the month's GB; the feed's own
    # infrequent-access rows ("IA Vended ingested logs from 0 upto 10240") show a TB is 1,024 GB.
    "cloudwatch": {
        "Logs Collected Data Ingestion": ("logs.ingestion_per_gb", None, Decimal(1)),
        "Vended Logs First 10TB": ("logs.vended_per_gb", Decimal(10_240), Decimal(1)),
        "Vended Logs Next 20TB": ("logs.vended_per_gb", Decimal(30_720), Decimal(1)),
        "Vended Logs Next Next 20TB": ("logs.vended_per_gb", Decimal(51_200), Decimal(1)),
        "Vended Logs over 50TB": ("logs.vended_per_gb", None, Decimal(1)),
    },
    # Fargate, Linux (https://aws.amazon.com/fargate/pricing/): per vCPU-hour and GB-hour of a
    # task, x86 and ARM (Graviton), and ephemeral storage above the free 20 GB. Fargate Spot is
    # not in the feed.
    "ecs": {
        "perCPU per hour": ("fargate.x86_64.vcpu_hour", None, Decimal(1)),
        "perGB per hour": ("fargate.x86_64.gb_hour", None, Decimal(1)),
        "ARM perCPU per hour": ("fargate.arm64.vcpu_hour", None, Decimal(1)),
        "ARM perGB per hour": ("fargate.arm64.gb_hour", None, Decimal(1)),
        "Storage per GB-Hours": ("fargate.ephemeral_gb_hour", None, Decimal(1)),
    },
    "ebs": {
        "Storage General Purpose gp3 GB Mo": ("ebs.gp3.gb_month", None, Decimal(1)),
    },
}
PRICE_STEP = Decimal("1e-12")
HOURLY_STEP = Decimal("1e-6")


class FeedError(Exception):
    """The file is not a usable pricing-page feed; the message says where and why."""


@dataclass
class FeedInstance:
    name: str
    vcpu: int
    memory_gib: Decimal
    architecture: str
    hourly: Decimal | None = None
    reserved_1y: Decimal | None = None
    reserved_3y: Decimal | None = None
    burstable_baseline: Decimal | None = None


@dataclass
class FeedPrices:
    """What one feed file says about one region."""

    region: str
    rates: dict[str, list[tuple[Decimal | None, Decimal]]] = field(default_factory=dict)
    instances: dict[str, FeedInstance] = field(default_factory=dict)
    # Reserved-instance files: type -> (term "1y"/"3y", USD an hour).
    reserved: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


@dataclass
class Feed:
    path: str
    source: str                       # the manifest's source, e.g. "lambda"
    published: dt.date | None         # the manifest's publication date (None: not stated)
    regions: dict[str, FeedPrices]    # region code -> prices

    @property
    def label(self) -> str:
        """The row source: the feed's address and its publication date."""
        where = FEED_URL + SOURCES.get(self.source, self.source)
        when = f"published {self.published.isoformat()}" if self.published else \
            "publication date not stated in the file"
        return f"AWS pricing-page feed {where}, {when}"


def is_feed(data: Any) -> bool:
    """Whether a decoded JSON file looks like a pricing-page feed (not a Price List offer)."""
    return isinstance(data, dict) and isinstance(data.get("manifest"), dict) and "regions" in data


def load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise FeedError(f"{path}: not valid JSON ({exc})") from exc


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FeedError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise FeedError(f"{where}: {value!r} is not a price (a finite number >= 0)")
    return number


def read_feed(data: Any, path: str, regions: set[str] | None = None) -> Feed:
    """The prices the advisor uses from one feed file, for ``regions`` (None: every region
    the file covers that has a code here). Raises :class:`FeedError` on a malformed file."""
    if not is_feed(data):
        raise FeedError(f"{path}: not a pricing-page feed (expected “manifest” and “regions”)")
    manifest = data["manifest"]
    source = manifest.get("source")
    if source not in SOURCES:
        raise FeedError(f"{path}: feed “{source}” is not one the advisor reads "
                        f"(expected one of {', '.join(SOURCES)})")
    published: dt.date | None = None
    stamp = manifest.get("hawkFilePublicationDate")
    if stamp is not None:
        try:
            published = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).date()
        except ValueError:
            raise FeedError(f"{path}: hawkFilePublicationDate {stamp!r} is not a date") from None
    by_location = data["regions"]
    if not isinstance(by_location, dict):
        raise FeedError(f"{path}: “regions” must be an object keyed by location name")
    feed = Feed(path, source, published, {})
    for location, entries in by_location.items():
        code = LOCATIONS.get(location)
        if code is None or (regions is not None and code not in regions):
            continue
        where = f"{path}: {location}"
        if not isinstance(entries, dict):
            raise FeedError(f"{where}: expected an object of price entries")
        prices = FeedPrices(code)
        if source == "ec2-ondemand-without-sec-sel":
            _instances(prices, entries, where)
        elif source == "ec2-reservedinstance":
            _reserved(prices, entries, where)
        else:
            _named(prices, NAMED[source], entries, where)
        feed.regions[code] = prices
    return feed


def _named(prices: FeedPrices, named: dict[str, tuple[str, Decimal | None, Decimal]],
           entries: dict[str, Any], where: str) -> None:
    ladders: dict[str, dict[Decimal | None, Decimal]] = {}
    for name, (key, upto, factor) in named.items():
        entry = entries.get(name)
        if entry is None:
            continue
        if not isinstance(entry, dict) or "price" not in entry:
            raise FeedError(f"{where}, “{name}”: no price")
        price = (_decimal(entry["price"], f"{where}, “{name}”") * factor).quantize(PRICE_STEP)
        ladders.setdefault(key, {})[upto] = price.normalize()
    for key, tiers in ladders.items():
        if None not in tiers:
            raise FeedError(f"{where}: {key} has no open last tier")
        prices.rates[key] = sorted(tiers.items(), key=lambda t: (t[0] is None, t[0] or 0))


def _memory(text: Any, where: str) -> Decimal:
    try:
        return Decimal(str(text).replace("GiB", "").replace(",", "").strip())
    except InvalidOperation:
        raise FeedError(f"{where}: memory {text!r} is not a number of GiB") from None


def _instances(prices: FeedPrices, entries: dict[str, Any], where: str) -> None:
    for key, e in entries.items():
        here = f"{where}, “{key}”"
        if not isinstance(e, dict):
            raise FeedError(f"{here}: expected an object")
        name = e.get("Instance Type")
        if not isinstance(name, str) or "." not in name:
            raise FeedError(f"{here}: no instance type")
        # Linux, shared tenancy, no pre-installed software: the file is already that page.
        if e.get("Operating System", "Linux") != "Linux" or e.get("Pre Installed S/W", "NA") != "NA":
            prices.skip("not plain Linux")
            continue
        # Previous-generation and accelerated types are kept: priced when a workload names
        # them or lists their family ("auto" leaves them out, catalogue.is_searched).
        try:
            vcpu = int(str(e.get("vCPU")))
        except ValueError:
            raise FeedError(f"{here}: vCPU {e.get('vCPU')!r} is not a whole number") from None
        memory = _memory(e.get("Memory"), here)
        hourly = _decimal(e.get("price"), f"{here}, price")
        if vcpu < 1 or memory <= 0:
            raise FeedError(f"{here}: vCPU and memory must be positive")
        if hourly == 0:
            prices.skip("no on-demand price")
            continue
        baseline = burstable_baseline(name)
        prices.instances[name] = FeedInstance(
            name, vcpu, memory.quantize(Decimal("0.001")).normalize(), architecture_of(name),
            hourly.quantize(HOURLY_STEP).normalize(),
            burstable_baseline=None if baseline is None else Decimal(str(baseline)),
        )


def _reserved(prices: FeedPrices, entries: dict[str, Any], where: str) -> None:
    for key, e in entries.items():
        here = f"{where}, “{key}”"
        if not isinstance(e, dict):
            raise FeedError(f"{here}: expected an object")
        name = e.get("Instance Type")
        term = {"1yr": "1y", "3yr": "3y"}.get(e.get("LeaseContractLength", ""))
        if not isinstance(name, str) or term is None:
            raise FeedError(f"{here}: no instance type or lease length")
        plain_linux = (e.get("Operating System", "Linux") == "Linux"
                       and e.get("Tenancy", "Shared") == "Shared"
                       and e.get("PurchaseOption") == "No Upfront"
                       and e.get("Pre Installed S/W", "NA") == "NA")
        if not plain_linux:
            prices.skip("not a standard Linux, shared, No Upfront reservation")
            continue
        price = _decimal(e.get("price"), f"{here}, price")
        prices.reserved.setdefault(name, {})[term] = price.quantize(HOURLY_STEP).normalize()


def merge_instances(feeds: list[Feed], region: str) -> dict[str, FeedInstance]:
    """The region's instance types from its on-demand feed with the reserved rates joined in
    (a reserved rate for a type the on-demand feed lacks is left out)."""
    out: dict[str, FeedInstance] = {}
    for feed in feeds:
        prices = feed.regions.get(region)
        if prices is not None:
            out.update(prices.instances)
    for feed in feeds:
        prices = feed.regions.get(region)
        if prices is None:
            continue
        for name, terms in prices.reserved.items():
            it = out.get(name)
            if it is None:
                continue
            it.reserved_1y = terms.get("1y", it.reserved_1y)
            it.reserved_3y = terms.get("3y", it.reserved_3y)
    return out


def instance_source(ondemand: Feed, reserved: list[Feed], burstable: bool = False) -> str:
    """An instance row's source: the on-demand feed, the reserved-instance feed and, for a
    burstable type, AWS's documentation of the baselines (at most 500 characters)."""
    text = ondemand.label
    if reserved:
        text += ("; reserved rates: AWS pricing-page feed " + FEED_URL
                 + SOURCES["ec2-reservedinstance"] + " (standard, No Upfront), same snapshot")
    if burstable:
        text += "; burstable baseline: " + BURSTABLE_BASELINE_SOURCE
    return text[:500]
