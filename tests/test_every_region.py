"""Every seeded region answers every question: each option, front door, load balancer and
architecture on the default workload, the new rates against the rows they came from, and
every Linux instance type of the feed when named."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from advisor import services
from advisor.pricebook.models import InstanceType, PriceBook, Rate

pytestmark = pytest.mark.django_db

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
           "ap-northeast-2", "ap-southeast-1")
ARCHITECTURES = ("x86_64", "arm64")
DEFAULT = {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}
FEEDS = Path(__file__).parent / "data" / "aws-feeds"
LOCATIONS = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)",
             "eu-west-1": "EU (Ireland)", "eu-central-1": "EU (Frankfurt)",
             "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)",
             "ap-southeast-1": "Asia Pacific (Singapore)"}

# The reference's "Added 2026-12" table (aws-prices-regions.md): ALB /h, ALB LCU-h, NLB /h,
# NLCU-h, egress first 10 TB /GB, and the grade of each NLB cell (estimate by the stated rule).
REFERENCE = {
    "us-east-1": ("0.0225", "0.008", "0.0225", "0.006", "0.09"),
    "us-west-2": ("0.0225", "0.008", "0.0225", "0.006", "0.09"),
    "eu-west-1": ("0.0252", "0.008", "0.0252", "0.006", "0.09"),
    "eu-central-1": ("0.027", "0.008", "0.027", "0.006", "0.09"),
    "ap-northeast-1": ("0.0243", "0.008", "0.0243", "0.006", "0.114"),
    "ap-northeast-2": ("0.0225", "0.008", "0.0225", "0.006", "0.126"),
    "ap-southeast-1": ("0.0252", "0.008", "0.0252", "0.006", "0.12"),
}
ESTIMATES = {("us-west-2", "nlb.hourly"), ("us-west-2", "nlb.nlcu_hourly"),
             ("eu-central-1", "nlb.hourly"), ("ap-southeast-1", "nlb.hourly"),
             ("ap-southeast-1", "nlb.nlcu_hourly")}


@pytest.fixture
def books(price_book: Any) -> None:
    """Every region's seeded book (the price_book fixture seeds them all)."""


def variants() -> list[tuple[str, dict[str, Any]]]:
    """(label, workload fields) for every option the product prices."""
    out: list[tuple[str, dict[str, Any]]] = []
    for door in ("none", "http_api", "rest_api", "alb", "function_url"):
        out.append((f"lambda/{door}", {"front_door": door, "options": ["lambda", "ec2"]}))
    for lb in ("alb", "nlb", "none"):
        out.append((f"ec2/{lb}", {"ec2": {"load_balancer": lb}, "options": ["lambda", "ec2"]}))
    out.append(("managed_instances", {"options": ["lambda", "lambda_managed_instances"]}))
    out.append(("fargate", {"options": ["lambda", "fargate"]}))
    return out


def test_every_region_architecture_and_option_prices_the_default_workload(books: None) -> None:
    refused = []
    for region in REGIONS:
        for arch in ARCHITECTURES:
            for label, fields in variants():
                data = {**DEFAULT, "region": region, "architecture": arch,
                        "data_transfer_out_gb": 500, **fields}
                try:
                    result = services.run(data)
                except services.ComparisonError as exc:
                    refused.append(f"{region} {arch} {label}: {exc.errors}")
                    continue
                for name in data["options"]:
                    assert result[name]["monthly_usd"] > 0, (region, arch, label, name)
    assert refused == []


@pytest.mark.parametrize("region", REGIONS)
def test_load_balancer_and_egress_rates_equal_the_reference_row(books: None, region: str) -> None:
    book = PriceBook.objects.get(region=region)
    rows = {(r.key, r.tier_upto): r for r in Rate.objects.filter(book=book)}
    keys = ("alb.hourly", "alb.lcu_hourly", "nlb.hourly", "nlb.nlcu_hourly")
    for key, price in zip(keys, REFERENCE[region][:4], strict=True):
        row = rows[(key, None)]
        assert format(row.price.normalize(), "f") == price, (region, key)
        assert (row.confidence == "estimate") == ((region, key) in ESTIMATES), (region, key)
        assert row.source
    first = next(r for (k, upto), r in rows.items() if k == "transfer.out" and upto == 10240)
    assert format(first.price.normalize(), "f") == REFERENCE[region][4]


def test_singapore_egress_tiers_are_the_infracost_rows(books: None) -> None:
    rows = Rate.objects.filter(book__region="ap-southeast-1", key="transfer.out")
    ladder = sorted((r.tier_upto is None, r.tier_upto, float(r.price)) for r in rows)
    # $1,228.80 / 10,240 GB, $3,481.60 / 40,960, $8,396.80 / 102,400, $272.00 / 3,400 GB.
    assert [p for _, _, p in ladder] == [0.12, 0.085, 0.082, 0.08]


@pytest.mark.parametrize("region", REGIONS)
def test_fargate_rates_equal_the_ecs_feed(books: None, region: str) -> None:
    feed = json.loads((FEEDS / "ecs.json").read_text())["regions"][LOCATIONS[region]]
    by_key = {r.key: r for r in Rate.objects.filter(book__region=region)}
    for name, key in (("perCPU per hour", "fargate.x86_64.vcpu_hour"),
                      ("perGB per hour", "fargate.x86_64.gb_hour"),
                      ("ARM perCPU per hour", "fargate.arm64.vcpu_hour"),
                      ("ARM perGB per hour", "fargate.arm64.gb_hour"),
                      ("Storage per GB-Hours", "fargate.ephemeral_gb_hour")):
        row = by_key[key]
        assert float(row.price) == float(feed[name]["price"]), (region, key)
        assert row.confidence == "aws" and "meteredUnitMaps/ecs/" in row.source
    assert by_key["fargate.spot"].confidence == "estimate"
    # Managed Instances: AWS's 15 % rule everywhere; the request price outside us-east-1 is
    # Lambda's own, graded as an assumption.
    assert float(by_key["lambda_mi.management_fee"].price) == 0.15
    assert float(by_key["lambda_mi.requests"].price) == 0.20
    assert (by_key["lambda_mi.requests"].confidence == "estimate") == (region != "us-east-1")


def test_ireland_and_singapore_fargate_fixed(books: None) -> None:
    ireland = {r.key: float(r.price) for r in Rate.objects.filter(book__region="eu-west-1")}
    assert (ireland["fargate.x86_64.vcpu_hour"], ireland["fargate.x86_64.gb_hour"]) == (
        0.04048, 0.004445)
    singapore = {r.key: float(r.price) for r in Rate.objects.filter(book__region="ap-southeast-1")}
    assert singapore["fargate.x86_64.gb_hour"] == 0.00553


def test_import_all_regions_brings_the_feed_to_existing_books(books: None) -> None:
    # A book seeded before the ecs feed: Ireland with Frankfurt's price.
    book = PriceBook.objects.get(region="eu-west-1")
    Rate.objects.filter(book=book, key="fargate.x86_64.vcpu_hour").update(price="0.04656")
    out = io.StringIO()
    call_command("import_aws_prices", str(FEEDS / "ecs.json"), "--region", "all", stdout=out)
    draft = PriceBook.objects.get(region="eu-west-1", status="draft")
    assert float(draft.rates.get(key="fargate.x86_64.vcpu_hour").price) == 0.04048
    assert "fargate.x86_64.vcpu_hour" in out.getvalue()
    # The other regions already hold these very prices: nothing new for them.
    assert not PriceBook.objects.filter(region="us-east-1", status="draft").exists()


def test_seeding_again_fills_a_published_books_gaps_only(books: None) -> None:
    # A database seeded before the gaps were sourced: Singapore without ALB or t2.micro.
    book = PriceBook.objects.get(region="ap-southeast-1")
    assert book.is_published
    Rate.objects.filter(book=book, key__in=["alb.hourly", "alb.lcu_hourly"]).delete()
    InstanceType.objects.filter(book=book, name="t2.micro").delete()
    Rate.objects.filter(book=book, key="nat.hourly").update(price="0.5")
    with pytest.raises(services.ComparisonError):
        services.run({**DEFAULT, "region": "ap-southeast-1", "requests_per_month": 3_000_001})
    call_command("seed_prices", stdout=io.StringIO())
    services.forget_books()
    result = services.run({**DEFAULT, "region": "ap-southeast-1"})
    assert result["ec2"]["items"]["load_balancer"] > 0
    assert InstanceType.objects.filter(book=book, name="t2.micro").exists()
    assert float(Rate.objects.get(book=book, key="nat.hourly").price) == 0.5  # never overwritten


@pytest.mark.parametrize("region", ("us-east-1", "ap-northeast-2"))
@pytest.mark.parametrize("name", ("t2.micro", "m4.large", "g5.xlarge"))
def test_previous_generation_and_gpu_types_price_when_named(books: None, region: str,
                                                            name: str) -> None:
    data = {**DEFAULT, "region": region, "memory_mb": 256, "ec2": {"instance_type": name}}
    ec2 = services.run(data)["ec2"]
    hourly = float(InstanceType.objects.get(book__region=region, name=name).hourly)
    assert ec2["instance_type"] == name
    assert ec2["items"]["instances"] == pytest.approx(ec2["instance_hours"] * hourly)


def test_t2_baselines_from_aws_docs(books: None) -> None:
    rows = {i.name: i.burstable_baseline for i in
            InstanceType.objects.filter(book__region="us-east-1", name__startswith="t2.")}
    assert float(rows["t2.micro"]) == 0.1 and float(rows["t2.xlarge"]) == 0.225
    assert float(rows["t2.2xlarge"]) == 0.17


def test_auto_keeps_the_current_generation_and_gpu_work_searches_gpus(books: None) -> None:
    plain = services.run({**DEFAULT})["ec2"]
    families = set(plain["families_considered"])
    assert not families & {"t2", "m4", "c4", "r4", "g5", "p3", "inf2"}
    gpu = services.run({**DEFAULT, "needs": {"gpu": True}})["ec2"]
    assert gpu["instance_type"].split(".")[0][0] in "gp"
    assert set(gpu["families_considered"]) <= {"g4dn", "g4ad", "g5", "g6", "g6e", "gr6",
                                               "p3", "p3dn", "p4d", "p4de", "p5", "p5en",
                                               "g3", "g3s", "p2"}
    # Listing a previous-generation family searches it.
    listed = services.run({**DEFAULT, "ec2": {"families": "m4"}})["ec2"]
    assert listed["instance_type"].startswith("m4.")


# ---------- CloudWatch Logs as AWS bills them ----------

def test_fifty_thousand_gb_of_lambda_logs_in_us_east_1(books: None) -> None:
    # Vended-log tiers of the cloudwatch feed: a TB is 1,024 GB (the feed's own "IA Vended
    # ingested logs from 0 upto 10240" rows; AWS Price List tier bounds). 50,000 GB =
    # 10,240 × 0.50 + 20,480 × 0.25 + 19,280 × 0.10 = $12,168.00.
    data = {**DEFAULT, "requests_per_month": 100_000_000, "lambda_log_bytes_per_request": 500_000,
            "free_tier": False}
    logs = services.run(data)["lambda"]["items"]["logs"]
    assert round(logs, 2) == 12_168.00
    assert pytest.approx(12_168.00) == 10_240 * 0.50 + 20_480 * 0.25 + 19_280 * 0.10
    # The EC2 side's custom logs stay at the flat rate: 50,000 GB × $0.50.
    ec2 = services.run({**data, "lambda_log_bytes_per_request": 0,
                        "ec2_log_bytes_per_request": 500_000})["ec2"]["items"]["logs"]
    assert round(ec2, 2) == 25_000.00


def test_the_free_tier_covers_the_first_five_gb_of_logs(books: None) -> None:
    data = {**DEFAULT, "requests_per_month": 1_000_000, "lambda_log_bytes_per_request": 300,
            "ec2_log_bytes_per_request": 300, "options": ["lambda", "ec2",
                                                          "lambda_managed_instances", "fargate"]}
    on = services.run(data)
    for name in ("lambda", "ec2", "lambda_managed_instances", "fargate"):
        assert on[name]["items"]["logs"] == 0, name
    off = services.run({**data, "free_tier": False})
    assert off["lambda"]["items"]["logs"] == pytest.approx(0.3 * 0.50)
    # 20 GB a month: 15 GB billed with the free tier, in Seoul at $0.76.
    seoul = services.run({**data, "region": "ap-northeast-2", "requests_per_month": 20_000_000,
                          "lambda_log_bytes_per_request": 1000})
    assert seoul["lambda"]["items"]["logs"] == pytest.approx(15 * 0.76)


def test_break_even_stays_exact_across_the_log_kinks(books: None) -> None:
    # Logs dominate both sides: the crossings still land where the totals meet.
    data = {**DEFAULT, "lambda_log_bytes_per_request": 20_000, "ec2_log_bytes_per_request": 5_000,
            "front_door": "http_api"}
    result = services.run(data)
    assert result["break_even"]
    for point in result["break_even"]:
        at = services.run({**data, "requests_per_month": point["requests_per_month"]})
        assert at["lambda"]["monthly_usd"] == pytest.approx(at["ec2"]["monthly_usd"], rel=1e-6, abs=0.02)


# ---------- Fargate sizing and refusals ----------

def test_a_small_function_runs_on_the_smallest_fargate_task(books: None) -> None:
    # No 0.5 GiB OS reservation in a task: 128 MB at low traffic fits 0.25 vCPU / 0.5 GB.
    result = services.run({**DEFAULT, "requests_per_month": 100_000, "memory_mb": 128,
                           "options": ["lambda", "fargate"]})
    sizing = result["fargate"]["sizing"]
    assert (sizing["task_vcpu"], sizing["task_memory_gb"]) == (0.25, 0.5)


def test_a_missing_option_price_is_refused_on_options_naming_every_key(books: None) -> None:
    # A book without ALB prices (as Singapore's was): Fargate, always behind an ALB, is refused
    # on the field the user set, with both keys; EC2 behind an NLB still prices.
    book = PriceBook.objects.get(region="ap-southeast-1")
    Rate.objects.filter(book=book, key__in=["alb.hourly", "alb.lcu_hourly"]).delete()
    services.forget_books()
    with pytest.raises(services.ComparisonError) as err:
        services.run({**DEFAULT, "region": "ap-southeast-1", "ec2": {"load_balancer": "nlb"},
                      "options": ["lambda", "ec2", "fargate"]})
    assert set(err.value.errors) == {"options"}
    message = err.value.errors["options"][0]
    assert "alb.hourly" in message and "alb.lcu_hourly" in message and "fargate" in message
    services.run({**DEFAULT, "region": "ap-southeast-1", "ec2": {"load_balancer": "nlb"}})


def test_an_unknown_region_lists_the_seven(books: None) -> None:
    with pytest.raises(services.ComparisonError) as err:
        services.run({**DEFAULT, "region": "sa-east-1"})
    message = err.value.errors["region"][0]
    assert "sa-east-1" in message
    for region in REGIONS:
        assert region in message


# ---------- The coverage in view ----------

def test_methodology_shows_each_regions_coverage_and_what_is_not_priced(client: Any,
                                                                        books: None) -> None:
    html = client.get("/methodology/").content.decode()
    table = html[html.index('id="coverage"'):html.index('id="regions"')]
    for region in REGIONS:
        assert f'?region={region}#price-book">{region}</a>' in table
    singapore = table[table.index(">ap-southeast-1</a>"):]
    singapore = singapore[:singapore.index("</tr>")]
    # ALB Price List; NLB estimate; Fargate from AWS's feed; Spot an estimate.
    assert singapore.count('class="grade-estimate"') == 3  # NLB, Fargate Spot, Managed Instances
    assert 'class="grade-missing"' not in table
    assert "Lambda Web Functions" in html and "lambda.json" in html
    assert len(table) < 8000  # a compact table


def test_region_selector_marks_a_region_where_a_needed_price_is_an_estimate(
        client: Any, books: None) -> None:
    from advisor.questionnaire.forms import QuestionnaireForm

    plain = dict(QuestionnaireForm(regions=REGIONS).fields["region"].choices)
    assert all(label == code for code, label in plain.items())  # ALB + EC2: all sourced
    nlb = dict(QuestionnaireForm({"ec2_load_balancer": "nlb"}, regions=REGIONS)
               .fields["region"].choices)
    marked = {code for code, label in nlb.items() if label != code}
    assert marked == {"us-west-2", "eu-central-1", "ap-southeast-1"}
    assert "estimate" in nlb["us-west-2"]
