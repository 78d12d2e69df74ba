"""import_aws_prices on AWS's pricing-page feeds (slices of the real files in tests/data)."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from advisor.pricebook import feeds
from advisor.pricebook.models import InstanceType, PriceBook, Rate

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).resolve().parent / "data" / "aws-feeds"
SEOUL_ONDEMAND = FEEDS / "ec2" / "ap-northeast-2-ondemand.json"
NAT_SOURCE = ("AWS pricing-page feed https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/"
              "ec2/USD/current/natgateway.json, published 2025-10-28")


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("import_aws_prices", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def copy_feeds(tmp_path: Path) -> Path:
    target = tmp_path / "feeds"
    shutil.copytree(FEEDS, target)
    (target / "README.md").unlink()
    return target


def test_reading_the_feeds() -> None:
    feed = feeds.read_feed(feeds.load(SEOUL_ONDEMAND), "ondemand")
    seoul = feed.regions["ap-northeast-2"]
    assert feed.published.isoformat() == "2025-04-04"  # type: ignore[union-attr]
    t3 = seoul.instances["t3.micro"]
    assert (t3.vcpu, t3.memory_gib, t3.architecture, t3.hourly, t3.burstable_baseline) == (
        2, Decimal(1), "x86_64", Decimal("0.013"), Decimal("0.1"))
    assert seoul.instances["t4g.small"].architecture == "arm64"
    assert seoul.instances["m7g.xlarge"].architecture == "arm64"
    # Previous generation and accelerated types are kept (priced when named).
    assert seoul.instances["m4.large"].hourly == Decimal("0.123")
    assert "g5.xlarge" in seoul.instances and seoul.skipped == {}
    # Named entries only (the opaque rate codes beside them are ignored).
    http = feeds.read_feed(feeds.load(FEEDS / "apigateway.json"), "apigw").regions["ap-northeast-2"]
    assert http.rates["apigw.http.requests"] == [(Decimal(300_000_000), Decimal("1.23")),
                                                 (None, Decimal("1.11"))]
    lam = feeds.read_feed(feeds.load(FEEDS / "lambda.json"), "lambda").regions["ap-northeast-2"]
    assert lam.rates["lambda.x86_64.provisioned"] == [(None, Decimal("0.0000051254"))]
    reserved = [feeds.read_feed(feeds.load(FEEDS / "ec2" / f"ap-northeast-2-reservedinstance-{t}.json"), t)
                for t in ("1y", "3y")]
    merged = feeds.merge_instances([feed, *reserved], "ap-northeast-2")
    assert merged["t3.micro"].reserved_1y == Decimal("0.0079")
    assert merged["t3.micro"].reserved_3y == Decimal("0.0056")


def test_import_into_the_regions_draft_is_summarised_and_idempotent(price_book: PriceBook,
                                                                    tmp_path: Path) -> None:
    # A region without a book yet (the seeded Seoul book already holds these very prices).
    PriceBook.objects.filter(region="ap-northeast-2").delete()
    folder = copy_feeds(tmp_path)
    out = run(folder, "--region", "ap-northeast-2", "--add-instance-types")
    draft = PriceBook.objects.get(region="ap-northeast-2", status="draft")
    assert "Book in force for ap-northeast-2: none." in out
    assert "Created draft" in out and "Skipped:" in out
    nat = Rate.objects.get(book=draft, key="nat.hourly")
    assert (nat.price, nat.source, nat.read_on.isoformat()) == (Decimal("0.059"), NAT_SOURCE,
                                                               "2025-10-28")
    t3 = InstanceType.objects.get(book=draft, name="t3.micro")
    assert (t3.hourly, t3.reserved_1y_hourly, t3.burstable_baseline) == (
        Decimal("0.013"), Decimal("0.0079"), Decimal("0.1"))
    assert "ec2-ondemand-without-sec-sel" in t3.source and "published 2025-04-04" in t3.source
    assert "burstable-credits-baseline-concepts" in t3.source
    rows = (Rate.objects.count(), InstanceType.objects.count())
    again = run(folder, "--region", "ap-northeast-2", "--add-instance-types")
    assert "Nothing new" in again
    assert (Rate.objects.count(), InstanceType.objects.count()) == rows

    # A newer feed: the change is listed against the draft's book in force and written.
    data = json.loads((folder / "natgateway.json").read_text())
    data["manifest"]["hawkFilePublicationDate"] = "2026-11-20T10:00:00Z"
    for entry in data["regions"]["Asia Pacific (Seoul)"].values():
        if entry["price"] == "0.0590000000":
            entry["price"] = "0.0610000000"
    (folder / "natgateway.json").write_text(json.dumps(data))
    out = run(folder / "natgateway.json", "--region", "ap-northeast-2")
    assert "Updated draft" in out
    nat.refresh_from_db()
    assert nat.price == Decimal("0.061") and "published 2026-11-20" in nat.source


def test_all_regions_at_once(price_book: PriceBook) -> None:
    PriceBook.objects.filter(region="ap-northeast-2").delete()
    out = run(FEEDS / "lambda.json", FEEDS / "vpc.json", "--region", "all")
    assert "Book in force for us-east-1" in out and "Book in force for ap-northeast-2" in out
    seoul = PriceBook.objects.get(region="ap-northeast-2", status="draft")
    assert Rate.objects.get(book=seoul, key="vpc.public_ipv4_hourly").price == Decimal("0.005")
    # us-east-1 already holds these prices from the same feeds: nothing new there.
    assert not PriceBook.objects.filter(region="us-east-1", status="draft").exists()


@pytest.mark.parametrize("damage, message", [
    (lambda d: d["regions"]["Asia Pacific (Seoul)"]["Hourly charge for NAT Gateways"]
     .update(price="cheap"), "'cheap' is not a number"),
    (lambda d: d["manifest"].update(source="ec2-spot"), "feed “ec2-spot” is not one the advisor reads"),
    # Without its "regions" the file is no feed: not mixed with the feeds beside it.
    (lambda d: d.pop("regions"), "import pricing-page feeds and Price List offer files separately"),
])
def test_a_malformed_feed_writes_nothing(price_book: PriceBook, tmp_path: Path,
                                         damage: Any, message: str) -> None:
    folder = copy_feeds(tmp_path)
    data = json.loads((folder / "natgateway.json").read_text())
    damage(data)
    (folder / "natgateway.json").write_text(json.dumps(data))
    before = (PriceBook.objects.count(), Rate.objects.count(), InstanceType.objects.count())
    with pytest.raises(CommandError, match=message):
        run(folder, "--region", "ap-northeast-2")
    assert (PriceBook.objects.count(), Rate.objects.count(), InstanceType.objects.count()) == before


def test_feeds_need_a_region(price_book: PriceBook) -> None:
    with pytest.raises(CommandError, match="pass --region REGION"):
        run(FEEDS / "lambda.json")
