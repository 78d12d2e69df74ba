"""The seeded books of the seven regions, priced through the same path as the API and CLI."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from advisor import services
from advisor.pricebook.models import InstanceType, PriceBook, Rate

pytestmark = pytest.mark.django_db

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
           "ap-northeast-2", "ap-southeast-1")
DEFAULT = {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}


@pytest.fixture
def books(price_book: Any) -> None:
    """Every region's seeded book (the price_book fixture seeds them all)."""


@pytest.mark.parametrize("region", REGIONS)
def test_each_seeded_book_prices_the_default_workload(books: None, region: str) -> None:
    # Every region's book has its sourced ALB, NLB and egress prices (reference
    # aws-prices-regions.md, "Added 2026-12").
    result = services.run({**DEFAULT, "region": region})
    assert result["price_book"]["region"] == region
    assert result["ec2"]["types_considered"] > 100  # the whole current generation
    assert result["lambda"]["monthly_usd"] > 0 and result["ec2"]["monthly_usd"] > 0
    for lb in ("nlb", "none"):
        services.run({**DEFAULT, "region": region, "ec2": {"load_balancer": lb},
                      "data_transfer_out_gb": 500})


def test_seoul_prices_from_its_own_feeds(books: None) -> None:
    result = services.run({**DEFAULT, "region": "ap-northeast-2", "front_door": "http_api",
                           "ec2": {"instance_type": "t3.micro", "private_subnets_with_nat": True,
                                   "load_balancer": "none"},
                           "memory_mb": 512, "lambda_log_bytes_per_request": 0})
    ec2, lam = result["ec2"], result["lambda"]
    hours = result["inputs"]["hours_per_month"]
    # t3.micro at $0.013 an hour (2 instances, 730 h).
    assert ec2["items"]["instances"] == pytest.approx(ec2["instance_hours"] * 0.013)
    assert ec2["instance_hours"] == 2 * hours
    # HTTP API at $1.23 per million.
    assert lam["items"]["front_door"] == pytest.approx(3 * 1.23)
    # A NAT gateway at $0.059 an hour (two AZs), plus each gateway's public address.
    assert ec2["items"]["nat_gateway"] == pytest.approx(2 * 0.059 * hours)
    assert ec2["items"]["public_ipv4"] == pytest.approx(2 * 0.005 * hours)


def test_reserved_one_year_m7g_xlarge_in_us_east_1(books: None) -> None:
    result = services.run({**DEFAULT, "ec2": {"instance_type": "m7g.xlarge",
                                              "purchase": "reserved_1y"}})
    ec2 = result["ec2"]
    assert ec2["items"]["instances"] == pytest.approx(ec2["instance_hours"] * 0.108)
    assert ec2["sizing"]["purchase_factor"] == pytest.approx(0.108 / 0.1632)
    assert ec2["sizing"]["purchase_factor_is_estimate"] is False
    # The 3-year reservation, and "auto" among the types that have one.
    three = services.run({**DEFAULT, "ec2": {"instance_type": "m7g.xlarge",
                                             "purchase": "reserved_3y"}})["ec2"]
    assert three["items"]["instances"] == pytest.approx(three["instance_hours"] * 0.074)
    auto = services.run({**DEFAULT, "architecture": "arm64",
                         "ec2": {"purchase": "reserved_1y", "families": "m7g,c7g"}})["ec2"]
    assert auto["families_considered"] == ["c7g", "m7g"]
    assert auto["instance_type"].split(".")[0] in ("m7g", "c7g")


def test_auto_family_filter_and_named_type_of_the_other_architecture(books: None) -> None:
    result = services.run({**DEFAULT, "ec2": {"families": "t3,t3a"}})
    assert set(result["ec2"]["families_considered"]) == {"t3", "t3a"}
    assert result["ec2"]["instance_type"].split(".")[0] in ("t3", "t3a")
    with pytest.raises(services.ComparisonError) as err:
        services.run({**DEFAULT, "ec2": {"families": "t9"}})
    assert "t9: not a family in the us-east-1 price book" in err.value.errors["ec2.families"][0]
    # x86 Lambda against a Graviton fleet.
    graviton = services.run({**DEFAULT, "ec2": {"instance_type": "m7g.large"}})
    assert graviton["ec2"]["instance_type"] == "m7g.large"


def test_seeding_twice_adds_nothing_and_keeps_an_editors_rows(books: None) -> None:
    counts = (PriceBook.objects.count(), Rate.objects.count(), InstanceType.objects.count())
    assert counts[0] == len(REGIONS) and counts[2] > 7 * 400
    draft = PriceBook.objects.get(region="ap-northeast-2")
    PriceBook.objects.filter(pk=draft.pk).update(status="draft")
    Rate.objects.filter(book=draft, key="nat.hourly").update(price="0.07", edited=True)
    InstanceType.objects.filter(book=draft, name="t3.micro").delete()
    call_command("seed_prices", stdout=io.StringIO())
    assert Rate.objects.get(book=draft, key="nat.hourly").price == Decimal("0.07")
    assert InstanceType.objects.filter(book=draft, name="t3.micro").exists()  # a draft gets what it lacks
    assert (PriceBook.objects.count(), Rate.objects.count(), InstanceType.objects.count()) == counts


def test_the_form_offers_every_region(client: Any, books: None) -> None:
    html = client.get("/").content.decode()
    for region in REGIONS:
        assert f'<option value="{region}"' in html
    assert '<datalist id="instance-families">' in html and '<option value="m7g">' in html


def test_savings_plan_factors_do_not_undercut_the_reserved_rates(books: None) -> None:
    # A no-upfront Savings Plan does not beat the standard reserved instance of the same
    # term; the 0.28 quoted for m7g.xlarge (3 years) is a rate paid up front.
    for book in PriceBook.objects.all():
        types = list(book.instance_types.exclude(reserved_3y_hourly=None))
        for term, field in (("1y", "reserved_1y_hourly"), ("3y", "reserved_3y_hourly")):
            ratios = sorted(float(getattr(t, field)) / float(t.hourly) for t in types
                            if getattr(t, field) is not None)
            median = ratios[len(ratios) // 2]
            factor = float(Rate.objects.get(book=book, key=f"ec2.purchase.savings_plan_{term}").price)
            assert median <= factor < 1, (book.region, term, median, factor)
    m7g = InstanceType.objects.get(book__region="us-east-1", name="m7g.xlarge")
    assert float(m7g.reserved_3y_hourly) / float(m7g.hourly) > 0.28
