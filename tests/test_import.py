"""import_aws_prices: AWS Price List offer files (tests/data/aws, the real bulk format) into a draft."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from advisor.pricebook.importers import ImportFileError, parse_offer
from advisor.pricebook.models import InstanceType, PriceBook, PriceChange, Rate
from advisor.pricebook.publishing import book_problems

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "aws"
LAMBDA = DATA / "lambda-us-east-1.json"
EC2 = DATA / "ec2-us-east-1.json"
LAMBDA_SOURCE = "AWS Price List AWSLambda version 20261120183210, published 2026-11-20T18:32:10Z"


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("import_aws_prices", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def product_with(data: dict[str, Any], usagetype: str) -> str:
    return next(sku for sku, p in data["products"].items() if p["attributes"].get("usagetype") == usagetype)


def dimensions(data: dict[str, Any], sku: str) -> list[dict[str, Any]]:
    (term,) = data["terms"]["OnDemand"][sku].values()
    return sorted(term["priceDimensions"].values(), key=lambda d: Decimal(d["beginRange"]))


def lambda_with_first_tier(tmp_path: Path, usd: str, version: str = "20261127120000") -> Path:
    data = load(LAMBDA)
    data["version"] = version
    data["publicationDate"] = "2026-11-27T12:00:00Z"
    dimensions(data, product_with(data, "Lambda-GB-Second"))[0]["pricePerUnit"]["USD"] = usd
    return write(tmp_path, "lambda.json", data)


def draft() -> PriceBook:
    return PriceBook.objects.get(status="draft")


def counts() -> tuple[int, int, int, int]:
    return (PriceBook.objects.count(), Rate.objects.count(), InstanceType.objects.count(),
            PriceChange.objects.count())


# --- the sample files -------------------------------------------------------------------------


def test_sample_files_are_in_the_bulk_price_list_format() -> None:
    for path in sorted(DATA.glob("*.json")):
        data = load(path)
        assert {"formatVersion", "offerCode", "version", "publicationDate", "products", "terms"} <= set(data)
        for sku, product in data["products"].items():
            assert product["sku"] == sku and "productFamily" in product and "attributes" in product
        for sku, terms in data["terms"]["OnDemand"].items():
            for code, term in terms.items():
                assert code == f"{sku}.{term['offerTermCode']}"
                for rate_code, dim in term["priceDimensions"].items():
                    assert rate_code.startswith(code) and {"unit", "pricePerUnit", "description"} <= set(dim)


# --- importing --------------------------------------------------------------------------------


def test_import_creates_a_complete_draft_with_sources(price_book: PriceBook) -> None:
    out = run(DATA)
    book = draft()
    assert book.region == "us-east-1" and book.cloned_from == price_book
    assert book_problems(book) == []
    # Imported rows name the file they came from...
    duration = book.rates.filter(key="lambda.x86_64.duration").order_by("tier_upto")
    assert {r.source for r in duration} == {LAMBDA_SOURCE}
    assert {r.confidence for r in duration} == {"price_list"}
    assert str(book.rates.get(key="lambda.x86_64.duration", tier_upto=None).read_on) == "2026-11-20"
    assert book.rates.get(key="alb.lcu_hourly").source.startswith("AWS Price List AWSELB version 20261105224312")
    assert book.instance_types.get(name="t4g.small").source.startswith("AWS Price List AmazonEC2 version")
    # ...and rows the files do not hold keep the book in force's own source.
    for key in ("lambda.free.requests", "alb.lcu.new_connections_per_s", "ebs.gp3.gb_month", "nat.hourly",
                "transfer.free_gb", "ec2.purchase.spot"):
        assert book.rates.get(key=key, tier_upto=None).source == price_book.rates.get(key=key, tier_upto=None).source
    # The book in force is untouched.
    assert not price_book.rates.filter(source__startswith="AWS Price List").exists()
    assert "Created draft" in out and "Changed against the book in force: 0" in out


def test_prices_are_converted_to_the_catalogue_units(price_book: PriceBook) -> None:
    run(DATA)
    book = draft()

    def ladder(key: str) -> list[tuple[Decimal | None, Decimal]]:
        return [(r.tier_upto, r.price) for r in book.rates.filter(key=key)]

    # API Gateway prices each request; the catalogue prices 1M requests.
    assert ladder("apigw.rest.requests") == [
        (Decimal(333_000_000), Decimal("3.5")), (Decimal(1_000_000_000), Decimal("2.8")),
        (Decimal(20_000_000_000), Decimal("2.38")), (None, Decimal("1.51"))]
    assert ladder("apigw.http.requests") == [(Decimal(300_000_000), Decimal("1")), (None, Decimal("0.9"))]
    assert ladder("lambda.arm64.requests") == [(None, Decimal("0.2"))]
    assert ladder("lambda.arm64.duration") == [
        (Decimal(7_500_000_000), Decimal("0.0000133334")), (Decimal(18_750_000_000), Decimal("0.0000120001")),
        (None, Decimal("0.0000106667"))]
    assert ladder("lambda.x86_64.ephemeral") == [(None, Decimal("0.0000000309"))]
    assert ladder("lambda.arm64.provisioned") == [(None, Decimal("0.0000033334"))]
    assert ladder("lambda.x86_64.provisioned_duration") == [(None, Decimal("0.0000097222"))]
    assert ladder("nlb.nlcu_hourly") == [(None, Decimal("0.006"))]
    assert ladder("alb.hourly") == [(None, Decimal("0.0225"))]


def lacking_two_types(book: PriceBook) -> None:
    # The seeded book lists every current type: take out the two the offer file adds.
    book.instance_types.filter(name__in=["c7g.medium", "t3.nano"]).delete()


def test_ec2_takes_linux_shared_on_demand_used_capacity_only(price_book: PriceBook) -> None:
    lacking_two_types(price_book)
    out = run(EC2)
    book = draft()
    m6i = book.instance_types.get(name="m6i.large")
    assert (m6i.hourly, m6i.vcpu, m6i.memory_gib, m6i.architecture) == (Decimal("0.096"), 2, Decimal(8), "x86_64")
    t4g = book.instance_types.get(name="t4g.small")
    assert t4g.architecture == "arm64" and t4g.burstable_baseline == Decimal("0.2")
    for reason in ("EC2 operating system Windows: 1", "EC2 tenancy Dedicated: 1",
                   "EC2 capacity status UnusedCapacityReservation: 1", "EC2 pre-installed software SQL Web: 1",
                   "EC2 product family Storage: 1", "reserved-instance terms (reservations): 1",
                   "EC2 instance type not in the book in force (--add-instance-types adds it): 2"):
        assert f"  - {reason}" in out
    assert not book.instance_types.filter(name__in=["c7g.medium", "t3.nano"]).exists()


def test_new_instance_types_are_added_on_request_except_burstable_ones(price_book: PriceBook) -> None:
    lacking_two_types(price_book)
    out = run(EC2, "--add-instance-types")
    book = draft()
    c7g = book.instance_types.get(name="c7g.medium")
    assert (c7g.vcpu, c7g.memory_gib, c7g.architecture, c7g.hourly) == (1, Decimal(2), "arm64", Decimal("0.0363"))
    assert c7g.burstable_baseline is None
    assert not book.instance_types.filter(name="t3.nano").exists()
    assert "burstable type not in the book in force" in out
    assert "  + c7g.medium: 0.0363 USD per hour" in out


def test_summary_lists_changes_against_the_book_in_force(price_book: PriceBook, tmp_path: Path) -> None:
    out = run(lambda_with_first_tier(tmp_path, "0.0000170000"))
    assert "Changed against the book in force: 1" in out
    assert "  ~ lambda.x86_64.duration up to 6000000000: 0.0000166667 → 0.000017 USD per GB-second" in out
    assert "  - usage not used by the advisor: Serverless Lambda-Edge-Request: 1" in out
    assert "  - other region or not region-specific: 1" in out
    row = draft().rates.get(key="lambda.x86_64.duration", tier_upto=6_000_000_000)
    assert row.price == Decimal("0.000017")
    assert not row.edited
    entry = PriceChange.objects.get(row_kind="rate", row_id=row.pk, field="price")
    assert (entry.old_value, entry.new_value, entry.via, entry.user) == ("0.0000166667", "0.000017", "import", None)


def test_importing_the_same_files_twice_creates_nothing_new(price_book: PriceBook) -> None:
    run(DATA)
    before = counts()
    out = run(DATA)
    assert counts() == before
    assert "Nothing new" in out


def test_a_newer_file_updates_the_open_import_draft(price_book: PriceBook, tmp_path: Path) -> None:
    run(LAMBDA)
    run(lambda_with_first_tier(tmp_path, "0.0000170000"))
    assert PriceBook.objects.filter(status="draft").count() == 1
    assert draft().rates.get(key="lambda.x86_64.duration", tier_upto=6_000_000_000).price == Decimal("0.000017")


def test_an_editors_change_in_the_draft_is_kept(price_book: PriceBook, tmp_path: Path) -> None:
    from advisor.pricebook import audit

    run(LAMBDA)
    row = draft().rates.get(key="lambda.x86_64.duration", tier_upto=6_000_000_000)
    row.price = Decimal("0.0000160000")
    audit.save_row(row, user=None, via="admin")
    out = run(lambda_with_first_tier(tmp_path, "0.0000170000"))
    row.refresh_from_db()
    assert row.price == Decimal("0.000016")
    assert "kept an editor's change in the draft: lambda.x86_64.duration" in out


def test_a_file_already_published_creates_nothing(price_book: PriceBook) -> None:
    from django.utils import timezone

    from advisor.pricebook.publishing import publish

    run(DATA)
    publish(draft(), timezone.localdate(), user=None)
    before = counts()
    assert "Nothing new" in run(DATA)
    assert counts() == before


def test_without_a_book_in_force_the_draft_holds_what_the_files_give(db: Any) -> None:
    run(LAMBDA, "--region", "us-east-1")
    book = draft()
    assert book.rates.count() == 14 and book.instance_types.count() == 0
    assert any("Prices missing" in p for p in book_problems(book))


# --- failures -----------------------------------------------------------------------------------


def assert_refused(price_book: PriceBook, message: str, *paths: Any) -> None:
    before = counts()
    with pytest.raises(CommandError, match=message) as info:
        run(*paths)
    assert "Nothing was imported" in str(info.value)
    assert counts() == before


def test_malformed_json_writes_nothing(price_book: PriceBook, tmp_path: Path) -> None:
    broken = write(tmp_path, "zz-broken.json", LAMBDA.read_text()[:2000])
    assert_refused(price_book, "zz-broken.json: not valid JSON", LAMBDA, broken)


def test_a_bad_price_in_a_second_file_writes_nothing(price_book: PriceBook, tmp_path: Path) -> None:
    data = load(EC2)
    sku = product_with(data, "BoxUsage:m6i.large")
    dimensions(data, sku)[0]["pricePerUnit"]["USD"] = "about a dime"
    bad = write(tmp_path, "ec2.json", data)
    assert_refused(price_book, f"product {sku}.*'about a dime' is not a number", LAMBDA, bad)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("products"), "missing or malformed “products”"),
        (lambda d: d["terms"].pop("OnDemand"), "missing or malformed “OnDemand”"),
        (lambda d: d.update(offerCode="AmazonS3"), "offer “AmazonS3” is not supported"),
        (lambda d: d.update(publicationDate="last Tuesday"), "publicationDate 'last Tuesday' is not an ISO date"),
    ],
)
def test_malformed_offer_structure_is_named(price_book: PriceBook, tmp_path: Path, change: Any, message: str) -> None:
    data = load(LAMBDA)
    change(data)
    assert_refused(price_book, message, write(tmp_path, "lambda.json", data))


def test_tiers_must_be_contiguous_and_open(price_book: PriceBook, tmp_path: Path) -> None:
    data = load(LAMBDA)
    dims = dimensions(data, product_with(data, "Lambda-GB-Second"))
    dims[1]["beginRange"] = "7000000000"
    assert_refused(price_book, "not contiguous: a tier starts at 7000000000 where 6000000000 was expected",
                   write(tmp_path, "gap.json", data))
    data = load(LAMBDA)
    dimensions(data, product_with(data, "Lambda-GB-Second"))[2]["endRange"] = "90000000000"
    assert_refused(price_book, "the last price tier for lambda.x86_64.duration is not open",
                   write(tmp_path, "closed.json", data))


def test_negative_price_is_refused(price_book: PriceBook, tmp_path: Path) -> None:
    data = load(LAMBDA)
    dimensions(data, product_with(data, "Request"))[0]["pricePerUnit"]["USD"] = "-0.0000002"
    assert_refused(price_book, "negative price", write(tmp_path, "neg.json", data))


def test_a_file_for_another_region_needs_prices_for_it(price_book: PriceBook) -> None:
    assert_refused(price_book, "no prices for eu-west-1", LAMBDA, "--region", "eu-west-1")


def test_missing_file_is_named(price_book: PriceBook, tmp_path: Path) -> None:
    assert_refused(price_book, "cannot read the file", tmp_path / "nope.json")


def test_region_is_inferred_or_must_be_given() -> None:
    data = load(LAMBDA)
    assert parse_offer(data, "lambda.json").region == "us-east-1"
    other = copy.deepcopy(data["products"][product_with(data, "Request")])
    other["attributes"]["regionCode"] = "eu-west-1"
    data["products"]["OTHERREGIONSKU01"] = other
    with pytest.raises(ImportFileError, match="cannot tell the region.*eu-west-1, us-east-1.*pass --region"):
        parse_offer(data, "lambda.json")
    assert parse_offer(data, "lambda.json", "us-east-1").skipped["other region or not region-specific"] == 2
