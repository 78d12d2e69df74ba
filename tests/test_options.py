"""The options beyond Lambda and EC2 through every way in: seed rows, API (and its OpenAPI
schema), command line, saved reports and their CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from typing import Any

from django.test import Client
from test_api import post, schema
from test_cli import run_cli
from test_reports import save_via_api

ALL = ["lambda", "ec2", "lambda_managed_instances", "fargate"]
WORKLOAD = {"requests_per_month": 30_000_000, "duration_ms": 120, "memory_mb": 1536}


def test_seeded_book_has_sourced_option_rates(price_book: Any) -> None:
    rates = {r.key: r for r in price_book.rates.all()}
    fargate = rates["fargate.x86_64.vcpu_hour"]
    assert float(fargate.price) == 0.04048
    assert fargate.confidence == "aws" and "meteredUnitMaps/ecs/" in fargate.source
    assert rates["fargate.spot"].confidence == "estimate"
    assert float(rates["lambda_mi.management_fee"].price) == 0.15


def test_api_compares_four_options(price_book: Any) -> None:
    response = post(Client(), "/api/v1/compare", {**WORKLOAD, "options": ALL})
    assert response.status_code == 200, response.content
    body = response.json()
    schema("Result").validate(body)
    assert body["inputs"]["options"] == ALL
    for name in ("lambda_managed_instances", "fargate"):
        assert body[name]["monthly_usd"] > 0
    assert body["cheapest"] in (*ALL, "tie")
    assert len(body["pairwise_break_even"]) == 6


def test_api_names_the_options_field_when_wrong(price_book: Any) -> None:
    response = post(Client(), "/api/v1/compare", {**WORKLOAD, "options": ["app_runner"]})
    assert response.status_code == 400
    assert "options" in response.json()["errors"]


def test_command_line_with_options(price_book: Any) -> None:
    code, out, err = run_cli(json.dumps({**WORKLOAD, "options": ["lambda", "fargate"]}))
    assert code == 0, err
    result = json.loads(out)
    assert "fargate" in result and "lambda_managed_instances" not in result
    assert [p["options"] for p in result["pairwise_break_even"]] == [["lambda", "fargate"]]
    code, out, err = run_cli(json.dumps({**WORKLOAD, "options": "fargate"}))
    assert code == 2 and err.startswith("options: must be a list")


def test_saved_report_keeps_the_options_and_exports_them(client: Client, price_book: Any) -> None:
    code = save_via_api(client, {**WORKLOAD, "options": ALL})
    body = client.get(f"/api/v1/reports/{code}").json()
    assert body["result"]["fargate"]["monthly_usd"] > 0
    rows = list(csv.reader(io.StringIO(client.get(f"/r/{code}.csv").content.decode())))
    by = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert by[("input", "options")] == " ".join(ALL)
    assert by[("total", "fargate")] == f"{body['result']['fargate']['monthly_usd']:.2f}"
    assert by[("fargate", "tasks")]
    assert by[("total", "cheapest")] == body["result"]["cheapest"]
    assert by[("option_choice", "choice")] == body["result"]["option_choice"]["choice"]


def test_option_rates_join_each_book_of_their_region_without_overriding() -> None:
    from advisor.management.commands.seed_prices import add_option_rates

    mine = {"key": "fargate.spot", "tier_upto": None, "price": "0.5", "confidence": "aws",
            "source": "edited", "read_on": "2026-11-30"}
    data = {"price_books": [
        {"region": "us-west-2", "rates": []},
        {"region": "ap-northeast-2", "rates": [mine]},
        {"region": "sa-east-1", "rates": []},
    ]}
    add_option_rates(data)
    west, seoul, sao_paulo = (b["rates"] for b in data["price_books"])
    # Fargate's own rates come from the ecs feed (in the books); the options file adds Spot
    # and Managed Instances, graded.
    assert {r["key"] for r in west} == {"fargate.spot", "lambda_mi.requests",
                                        "lambda_mi.management_fee"}
    assert all(r["confidence"] == "estimate" for r in west if r["key"] != "lambda_mi.management_fee")
    assert [r for r in seoul if r["key"] == "fargate.spot"] == [mine]
    assert "lambda_mi.requests" in {r["key"] for r in seoul}
    assert sao_paulo == []


def test_saved_report_page_shows_every_option(client: Client, price_book: Any) -> None:
    code = save_via_api(client, {**WORKLOAD, "options": ALL})
    html = client.get(f"/r/{code}/").content.decode()
    assert 'id="option-summary"' in html and "items-fargate" in html
    assert "items-lambda_managed_instances" in html
    plain = save_via_api(client, WORKLOAD)
    html = client.get(f"/r/{plain}/").content.decode()
    assert "option-summary" not in html and "items-fargate" not in html


def test_an_option_rate_is_edited_and_audited_in_the_admin(price_book: Any) -> None:
    from decimal import Decimal

    from django.contrib.auth.models import User
    from test_admin import change_url, rate_post

    from advisor.pricebook.models import PriceChange
    from advisor.pricebook.publishing import clone_as_draft

    editor = User.objects.create_superuser("options-editor", "e@example.test", "pw")
    draft = clone_as_draft(price_book, user=editor)
    client = Client()
    client.force_login(editor)
    row = draft.rates.get(key="fargate.x86_64.vcpu_hour")
    response = client.post(change_url(row), rate_post(row, price="0.05"))
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.price == Decimal("0.05") and row.edited
    assert PriceChange.objects.filter(book=draft, field="price").exists()


def test_page_text_alternatives_have_a_column_per_option(client: Client, price_book: Any) -> None:
    from urllib.parse import urlencode

    query = urlencode({**WORKLOAD, "options": ALL, "rate_basis": "month"}, doseq=True)
    html = client.get("/?" + query).content.decode()
    table = html[html.index('data-chart="chart-cost-data"'):]
    table = table[table.index("<table>"):table.index("</table>")]
    for label in ("Lambda Managed Instances", "ECS on Fargate + ALB"):
        assert f'<th scope="col">{label}</th>' in table
    assert "Which option is cheapest, by traffic and duration" in html
    assert 'class="cell-' in html


def test_answer_names_a_further_option_that_costs_least(client: Client, price_book: Any) -> None:
    """The headline weighs Lambda against EC2; when Fargate costs less than both, the answer
    card and the phone's pinned summary say so beside it, in both languages."""
    query = ("requests_per_month=300000000&duration_ms=200&memory_mb=512"
             "&ec2_instance_type=m7i.2xlarge&options=lambda&options=ec2&options=fargate")
    result = post(client, "/api/v1/compare", {
        "requests_per_month": 3e8, "duration_ms": 200, "memory_mb": 512,
        "ec2": {"instance_type": "m7i.2xlarge"}, "options": ["lambda", "ec2", "fargate"]}).json()
    assert result["cheapest"] == "fargate"
    assert result["fargate"]["monthly_usd"] < min(result["lambda"]["monthly_usd"],
                                                  result["ec2"]["monthly_usd"])
    html = unescape(client.get("/?" + query).content.decode())
    # One winner per screen: the headline and the pinned summary name the cheapest of all.
    said = ("ECS on Fargate + ALB is $"
            f"{result['lambda']['monthly_usd'] - result['fargate']['monthly_usd']:,.2f} a month "
            "cheaper than Lambda on the AWS bill.")
    headline = re.search(r'data-headline>([^<]*)<', html).group(1)
    summary = re.search(r'class="summary-verdict">([^<]*)<', html).group(1)
    assert headline.startswith(said) and summary == said
    korean = unescape(client.get("/?" + query, HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    said_ko = "AWS 청구액 기준으로 ECS on Fargate + ALB 쪽이 Lambda 쪽보다 월 $"
    assert re.search(r'data-headline>([^<]*)<', korean).group(1).startswith(said_ko)
    assert re.search(r'class="summary-verdict">([^<]*)<', korean).group(1).startswith(said_ko)
    plain = client.get("/?requests_per_month=300000000&duration_ms=200&memory_mb=512"
                       "&ec2_instance_type=m7i.2xlarge").content.decode()
    assert "costs least" not in plain


def test_managed_instances_type_and_ratio_through_every_way_in(client: Client,
                                                                price_book: Any) -> None:
    """The named type and the memory-to-vCPU ratio reach the engine from the API, the CLI and
    the page; a type Managed Instances cannot use is named on its field, in both languages."""
    named = {**WORKLOAD, "options": ALL,
             "managed_instances": {"instance_type": "m7i.xlarge", "memory_gib_per_vcpu": 4}}
    body = post(client, "/api/v1/compare", named).json()
    sizing = body["lambda_managed_instances"]["sizing"]
    assert sizing["instance_type"] == "m7i.xlarge"
    assert (sizing["environment_vcpus"], sizing["environment_memory_gib"]) == (1, 4.0)
    assert body["inputs"]["managed_instances"]["memory_gib_per_vcpu"] == 4
    code, out, _ = run_cli(json.dumps(named))
    assert code == 0
    assert json.loads(out)["lambda_managed_instances"]["sizing"]["instance_type"] == "m7i.xlarge"
    wrong = post(client, "/api/v1/compare",
                 {**named, "managed_instances": {"instance_type": "t3.large"}})
    assert wrong.status_code == 400
    assert "c, m and r" in json.dumps(wrong.json())
    query = ("requests_per_month=30000000&duration_ms=120&memory_mb=1536&options=lambda"
             "&options=ec2&options=lambda_managed_instances"
             "&managed_instances_instance_type=t3.large")
    html = client.get("/?" + query).content.decode()
    assert "Lambda Managed Instances run on c, m and r instance types, not on t3.large." in html
    korean = client.get("/?" + query, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "c·m·r 계열 인스턴스 유형에서만 실행되며 t3.large에서는 실행되지 않습니다" in korean


def test_every_line_of_every_option_bill_has_a_label(client: Client, price_book: Any) -> None:
    query = ("requests_per_month=30000000&duration_ms=120&memory_mb=1536"
             + "".join(f"&options={o}" for o in ALL))
    for lang in ("en", "ko"):
        html = client.get("/?" + query, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        for key in ("public_ipv4", "logs", "management_fee", "nat_gateway", "data_transfer"):
            assert f">{key}<" not in html, (lang, key)


def test_saved_report_heading_names_a_further_option_that_costs_least(client: Client,
                                                                      price_book: Any) -> None:
    """The report's heading (and its link preview) weighs Lambda against EC2 like the page;
    when Fargate costs less than both it says so in the same sentences, in both languages."""
    body = {"requests_per_month": 3e8, "duration_ms": 200, "memory_mb": 512,
            "ec2": {"instance_type": "m7i.2xlarge"}, "options": ["lambda", "ec2", "fargate"]}
    code = save_via_api(client, body)
    html = client.get(f"/r/{code}/").content.decode()
    heading = unescape(html.split('id="report-verdict">', 1)[1].split("</p>", 1)[0])
    assert heading.strip().startswith("ECS on Fargate + ALB is $")
    assert "cheaper than Lambda on the AWS bill." in heading
    summary = re.search(r'class="summary-verdict">([^<]*)<', unescape(html))
    assert summary is None or heading.strip().startswith(summary.group(1))
    korean = client.get(f"/r/{code}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert unescape(korean.split('id="report-verdict">', 1)[1]).strip().startswith(
        "AWS 청구액 기준으로 ECS on Fargate + ALB 쪽이 Lambda 쪽보다 월 $")
    plain = save_via_api(client, {k: v for k, v in body.items() if k != "options"})
    assert "costs least" not in client.get(f"/r/{plain}/").content.decode()
