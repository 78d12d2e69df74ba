"""Scenario tables: the engine, the API (JSON and CSV) and the command line."""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any

import pytest
from django.test import Client

from advisor import scenario_service, services
from advisor.pricing.compare import compare
from advisor.pricing.scenarios import MAX_SCENARIOS, parse_vary, scenarios
from advisor.pricing.workload import WorkloadError, parse_workload
from tests.test_cli import run_cli

BASE = {"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
        "region": "ap-northeast-2"}
REGIONS = ["ap-northeast-2", "ap-northeast-1", "us-east-1"]
ARCHS = ["x86_64", "arm64"]
PURCHASES = ["on_demand", "reserved_1y", "reserved_3y", "savings_plan_1y", "spot"]
VARY = {"region": REGIONS, "architecture": ARCHS, "ec2.purchase": PURCHASES}


@pytest.fixture
def books(price_book: Any) -> None:
    """Every region's seeded book (the price_book fixture seeds them all)."""


def sheet_for(region: str) -> Any:
    try:
        return services._book(region, None)[1]
    except services.ComparisonError as exc:
        raise WorkloadError(exc.errors) from None


def test_three_by_two_by_five_equals_thirty_single_compares(books: None) -> None:
    table = scenarios(BASE, VARY, sheet_for)
    assert table["count"] == 30 and len(table["scenarios"]) == 30
    for row, (region, arch, purchase) in zip(table["scenarios"],
                                             itertools.product(REGIONS, ARCHS, PURCHASES),
                                             strict=True):
        assert row["vary"] == {"region": region, "architecture": arch, "ec2.purchase": purchase}
        w = parse_workload({**BASE, "region": region, "architecture": arch,
                            "ec2": {"purchase": purchase}})
        single = compare(w, sheet_for(region))
        assert row["refused"] is None
        # Total for total: the same float, not merely close.
        assert row["lambda"]["monthly_usd"] == single.lambda_.monthly_usd
        assert row["ec2"]["monthly_usd"] == single.ec2.monthly_usd
        assert row["ec2"]["instance_type"] == single.ec2.instance_type
        assert row["cheapest"] == single.cheaper
        own = (region, arch, purchase) == ("ap-northeast-2", "x86_64", "on_demand")
        assert row["is_workload"] == own
    low = min((row[o]["monthly_usd"], i, o) for i, row in enumerate(table["scenarios"])
              for o in ("lambda", "ec2"))
    assert (table["cheapest"]["monthly_usd"], table["cheapest"]["index"],
            table["cheapest"]["option"]) == low
    # Graviton Lambda costs 20 % less per GB-second: arm64 is best with the rest held.
    assert table["best_by_field"]["architecture"]["value"] == "arm64"
    assert [v["value"] for v in table["best_by_field"]["region"]["values"]] == REGIONS


def test_best_by_field_holds_the_others_at_the_workloads_own_values(books: None) -> None:
    # The workload's own region is not among those tried: it is priced anyway.
    table = scenarios({**BASE, "region": "us-east-1"},
                      {"region": ["ap-northeast-2"], "ec2.purchase": ["on_demand", "spot"]},
                      sheet_for)
    spot = compare(parse_workload({**BASE, "region": "us-east-1", "ec2": {"purchase": "spot"}}),
                   sheet_for("us-east-1"))
    by_purchase = {v["value"]: v for v in table["best_by_field"]["ec2.purchase"]["values"]}
    assert by_purchase["spot"]["monthly_usd"] == min(spot.lambda_.monthly_usd,
                                                     spot.ec2.monthly_usd)
    assert not any(row["is_workload"] for row in table["scenarios"])


def test_a_purchase_option_with_no_rate_is_a_refused_cell(books: None) -> None:
    # i7ie.large has no reserved-instance rate in AWS's feed for us-east-1.
    table = scenarios({**BASE, "region": "us-east-1", "ec2": {"instance_type": "i7ie.large"}},
                      {"ec2.purchase": ["on_demand", "reserved_1y"]}, sheet_for)
    on_demand, reserved = table["scenarios"]
    assert on_demand["refused"] is None and on_demand["ec2"]["instance_type"] == "i7ie.large"
    assert "lambda" not in reserved and "ec2" not in reserved
    assert reserved["cheapest"] is None
    (field, messages), = reserved["refused"].items()
    assert field in ("ec2.instance_type", "ec2.purchase")
    assert "i7ie.large" in messages[0]


def test_a_region_without_a_price_or_a_book_keeps_its_row(books: None) -> None:
    table = scenarios(BASE, {"region": ["ap-northeast-2", "sa-east-1"]}, sheet_for)
    seoul, sao_paulo = table["scenarios"]
    assert seoul["refused"] is None
    assert list(sao_paulo["refused"]) == ["region"]
    assert table["best_by_field"]["region"]["value"] == "ap-northeast-2"


def test_the_two_hundred_combination_limit() -> None:
    axes = parse_vary({"memory_mb": list(range(128, 228)), "architecture": ARCHS})
    assert len(list(itertools.product(*(values for _, values in axes)))) == MAX_SCENARIOS
    with pytest.raises(WorkloadError) as exc:
        parse_vary({"memory_mb": list(range(128, 229)), "architecture": ARCHS})
    assert exc.value.errors == {"vary": [
        "at most 200 combinations may be priced at once (got 202: 101 × 2); try fewer values"]}


@pytest.mark.parametrize(("vary", "field", "text"), [
    ({"regoin": ["us-east-1"]}, "vary.regoin", "unknown field"),
    ({"ranges": [1]}, "vary.ranges", "unknown field"),
    ({"memory_mb": [64]}, "vary.memory_mb", "must be an integer between 128 and 10240 (got 64)"),
    ({"ec2.purchase": ["cheap"]}, "vary.ec2.purchase", '(got "cheap")'),
    ({"architecture": "arm64"}, "vary.architecture", "must be a list of one or more values"),
    ({"architecture": ["arm64", "arm64"]}, "vary.architecture", "each value once"),
    ([], "vary", "must be an object"),
    ({}, "vary", "must be an object"),
])
def test_bad_vary_names_the_field(vary: Any, field: str, text: str) -> None:
    with pytest.raises(WorkloadError) as exc:
        parse_vary(vary)
    assert list(exc.value.errors) == [field]
    assert text in exc.value.errors[field][0]


def post(client: Client, body: Any, **extra: Any) -> Any:
    return client.post("/api/v1/scenarios" + extra.pop("query", ""), json.dumps(body),
                       content_type="application/json", **extra)


def test_api_returns_the_table(client: Client, books: None) -> None:
    response = post(client, {**BASE, "vary": {"architecture": ARCHS}})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"scenarios", "cheapest", "best_by_field"}
    assert [r["vary"] for r in body["scenarios"]] == [{"architecture": a} for a in ARCHS]
    assert body == scenario_service.table(BASE, {"architecture": ARCHS})


@pytest.mark.parametrize(("body", "field"), [
    ({**BASE, "vary": {"memory_mb": list(range(128, 329))}}, "vary"),
    ({**BASE, "vary": {"architecture": ["sparc"]}}, "vary.architecture"),
    ({**BASE, "memory_mb": 1}, "memory_mb"),
    ({**BASE}, "vary"),
])
def test_api_bad_input_is_400_naming_the_field(client: Client, books: None, body: Any,
                                               field: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_csv_columns(client: Client, books: None) -> None:
    vary = {"region": ["ap-northeast-2", "sa-east-1"], "ec2.purchase": ["on_demand", "spot"]}
    for extra in ({"query": "?format=csv"}, {"HTTP_ACCEPT": "text/csv"}):
        response = post(client, {**BASE, "vary": vary}, **extra)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["region", "ec2.purchase", "lambda.monthly_usd", "ec2.monthly_usd",
                           "ec2.instance_type", "cheapest", "is_workload", "refused"]
        assert len(rows) == 5
        table = scenario_service.table(BASE, vary)
        first = table["scenarios"][0]
        assert rows[1][:4] == ["ap-northeast-2", "on_demand",
                               repr(first["lambda"]["monthly_usd"]),
                               repr(first["ec2"]["monthly_usd"])]
        assert rows[1][6:] == ["true", ""]
        assert rows[3][2:6] == ["", "", "", ""] and rows[3][7].startswith("region: ")


def test_cli_vary_as_field_values_or_json(books: None) -> None:
    code, out, err = run_cli(json.dumps(BASE), "--vary", "architecture=x86_64,arm64",
                             "--vary", "memory_mb=512,1024")
    assert code == 0, err
    result = json.loads(out)
    assert result == scenario_service.table(BASE, {"architecture": ARCHS,
                                                   "memory_mb": [512, 1024]})
    code, out2, _ = run_cli(json.dumps(BASE), "--vary",
                            '{"architecture": ["x86_64", "arm64"], "memory_mb": [512, 1024]}')
    assert code == 0 and json.loads(out2) == result
    code, text, _ = run_cli(json.dumps(BASE), "--vary", "architecture=arm64", "--format", "csv")
    assert code == 0 and text.splitlines()[0].startswith("architecture,lambda.monthly_usd")


def test_cli_bad_vary_exits_2_naming_the_field(books: None) -> None:
    code, out, err = run_cli(json.dumps(BASE), "--vary", "memory_mb=64,1024")
    assert code == 2 and out == ""
    assert err.startswith("vary.memory_mb: must be an integer between 128 and 10240 (got 64)")
    code, _, err = run_cli(json.dumps(BASE), "--vary", "nonsense")
    assert code == 2 and err.startswith("--vary: ")


def test_openapi_describes_the_scenarios_path(client: Client, books: None) -> None:
    from openapi_schema_validator import OAS31Validator
    from openapi_spec_validator import validate

    from reports.openapi import document

    doc = document()
    validate(doc)
    assert "/api/v1/scenarios" in doc["paths"]
    body = {**BASE, "vary": {"region": ["ap-northeast-2", "sa-east-1"]}}
    components = {"components": doc["components"]}
    OAS31Validator({"$ref": "#/components/schemas/ScenarioRequest", **components}).validate(body)
    result = post(client, body).json()
    OAS31Validator({"$ref": "#/components/schemas/Scenarios", **components}).validate(result)


def test_api_report_with_vary_keeps_the_table(client: Client, books: None) -> None:
    vary = {"architecture": ARCHS}
    response = post_report = client.post("/api/v1/reports", json.dumps({**BASE, "vary": vary}),
                                         content_type="application/json")
    assert post_report.status_code == 201, response.content
    code = response.json()["code"]
    body = client.get(f"/api/v1/reports/{code}").json()
    assert body["scenarios"] == scenario_service.table(BASE, vary)
    bad = client.post("/api/v1/reports", json.dumps({**BASE, "vary": {"architecture": ["z"]}}),
                      content_type="application/json")
    assert bad.status_code == 400 and "vary.architecture" in bad.json()["errors"]
