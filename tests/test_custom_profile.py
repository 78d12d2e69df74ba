"""A measured traffic shape (traffic.profile "custom") through the API, the command line, the
questionnaire and saved reports."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from openapi_schema_validator import OAS31Validator

from advisor.pricing.profiles import weekly_weights
from advisor.questionnaire.forms import form_data
from reports.models import Report
from reports.openapi import document

DAY = [120, 80, 40, 40, 40, 60, 200, 500, 900, 1000, 1100, 1200,
       1150, 1100, 1050, 1000, 950, 900, 800, 600, 400, 300, 200, 160]
WORKLOAD: dict[str, Any] = {
    "requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
    "front_door": "alb", "ec2": {"scaling": "autoscale"},
    "traffic": {"profile": "custom", "hourly_weights": DAY}}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}

BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"profile": "custom", "hourly_weights": DAY[:23]}, "traffic.hourly_weights",
     "must be 24 or 168 numbers ≥ 0, not all zero (got 23)"),
    ({"profile": "custom", "hourly_weights": [0] * 24}, "traffic.hourly_weights",
     "must be 24 or 168 numbers ≥ 0, not all zero (got all zero)"),
    ({"profile": "custom", "hourly_weights": DAY[:23] + [-1]}, "traffic.hourly_weights",
     "must be 24 or 168 numbers ≥ 0, not all zero (item 23 is -1)"),
    ({"profile": "custom"}, "traffic.hourly_weights",
     'required with traffic.profile "custom": 24 or 168 numbers ≥ 0, not all zero'),
    ({"profile": "business_hours", "hourly_weights": DAY}, "traffic.hourly_weights",
     'only with traffic.profile "custom" (got profile "business_hours"); leave it out or set '
     'traffic.profile to "custom"'),
    ({"profile": "custom", "hourly_weights": DAY, "peak_to_average": 3}, "traffic.peak_to_average",
     'with traffic.profile "custom" it is the busiest hour of traffic.hourly_weights, 2.07 × '
     "the mean; leave it out or give 2.07 (got 3)"),
]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def schema(name: str) -> OAS31Validator:
    return OAS31Validator({"$ref": f"#/components/schemas/{name}",
                           "components": document()["components"]})


def run_cli(stdin: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch("sys.stdin", io.StringIO(stdin)):
        try:
            call_command("compare", stdout=out, stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- API -----------------------------------------------------------------------------------

def test_api_prices_a_measured_day_and_echoes_it_normalised(price_book: Any) -> None:
    response = post(Client(), "/api/v1/compare", WORKLOAD)
    assert response.status_code == 200, response.content
    body = response.json()
    traffic = body["inputs"]["traffic"]
    mean = sum(DAY) / 24
    assert traffic["hourly_weights"] == pytest.approx([h / mean for h in DAY], rel=1e-12)
    assert traffic["peak_to_average"] == pytest.approx(1200 / mean, rel=1e-12)
    assert any("measured: 24 hourly weights, the busiest hour 2.07 × the mean" in a
               for a in body["assumptions"])
    schema("Result").validate(body)
    # The echo is a valid request that prices the same, to the cent.
    again = post(Client(), "/api/v1/compare", body["inputs"]).json()
    assert again["inputs"] == body["inputs"]
    assert again["ec2"]["monthly_usd"] == body["ec2"]["monthly_usd"]
    assert again["lambda"]["monthly_usd"] == body["lambda"]["monthly_usd"]


@pytest.mark.parametrize(("traffic", "field", "message"), BAD)
def test_api_refuses_bad_weights_by_field(price_book: Any, traffic: dict[str, Any], field: str,
                                          message: str) -> None:
    for url in ("/api/v1/compare", "/api/v1/reports"):
        response = post(Client(), url, {**WORKLOAD, "traffic": traffic})
        assert response.status_code == 400, url
        assert response.json()["errors"] == {field: [message]}
    assert Report.objects.count() == 0


def test_openapi_describes_the_weights_and_their_rule() -> None:
    workload = schema("Workload")
    workload.validate(WORKLOAD)
    workload.validate({**WORKLOAD, "traffic": {"profile": "custom",
                                               "hourly_weights": [1.0] * 168}})
    for traffic in ({"profile": "custom"}, {"profile": "flat", "hourly_weights": DAY},
                    {"hourly_weights": DAY}, {"profile": "custom", "hourly_weights": DAY[:23]},
                    {"profile": "custom", "hourly_weights": DAY[:23] + [-1]}):
        assert not workload.is_valid({**WORKLOAD, "traffic": traffic}), traffic
    prop = document()["components"]["schemas"]["Workload"]["properties"]["traffic"]
    assert prop["properties"]["profile"]["enum"][-1] == "custom"
    assert "Monday 00:00 UTC" in prop["properties"]["hourly_weights"]["description"]


# --- Command line ----------------------------------------------------------------------------

def test_cli_prices_the_measured_day(price_book: Any) -> None:
    code, out, err = run_cli(json.dumps(WORKLOAD))
    assert code == 0, err
    assert len(json.loads(out)["inputs"]["traffic"]["hourly_weights"]) == 24


@pytest.mark.parametrize(("traffic", "field", "message"), BAD)
def test_cli_names_the_field_and_what_is_allowed(price_book: Any, traffic: dict[str, Any],
                                                 field: str, message: str) -> None:
    code, out, err = run_cli(json.dumps({**WORKLOAD, "traffic": traffic}))
    assert code != 0 and out == ""
    assert f"{field}: {message}" in err
    assert "Traceback" not in err


# --- The questionnaire -----------------------------------------------------------------------

def page(client: Client, values: dict[str, Any], **headers: str) -> str:
    data = form_data({"requests_per_month": 50_000_000, "duration_ms": 120, "memory_mb": 1024,
                      "front_door": "alb", "ec2_scaling": "autoscale", **values})
    response = client.get("/?" + urlencode(data, doseq=True), **headers)
    assert response.status_code == 200
    return unescape(response.content.decode())


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="err-{name}"[^>]*>(.*?)</p>', html, re.S)
    assert match, name
    return match.group(1).strip()


def test_form_prices_weights_from_the_address_and_says_what_they_are(
        client: Client, price_book: Any) -> None:
    values = {"traffic_profile": "custom", "traffic_hourly_weights": ", ".join(map(str, DAY)),
              "traffic_peak_to_average": ""}
    html = page(client, values)
    assert "Custom hourly shape: 24 measured hours, busiest hour 2.07 × the mean." in html
    assert 'name="traffic_hourly_weights"' in html and '<option value="custom" selected>' in html
    api = post(Client(), "/api/v1/compare", WORKLOAD).json()
    total = re.search(r'<dd data-total="ec2">(.*?)</dd>', html, re.S).group(1)
    assert f"{api['ec2']['monthly_usd']:,.2f}" in total
    # A column pasted from a spreadsheet (new lines) reads the same.
    assert "busiest hour 2.07" in page(client, {**values, "traffic_hourly_weights":
                                                "\n".join(map(str, DAY))})
    ko = page(client, values, HTTP_ACCEPT_LANGUAGE="ko")
    assert "측정한 시간별 모양" in ko


@pytest.mark.parametrize(("values", "field", "english"), [
    ({"traffic_profile": "custom", "traffic_hourly_weights": "1, 2, 3"},
     "traffic_hourly_weights", "(got 3)"),
    ({"traffic_profile": "custom", "traffic_hourly_weights": "1, x, 3"},
     "traffic_hourly_weights", "(got “x”)"),
    ({"traffic_profile": "custom", "traffic_hourly_weights": ", ".join(["0"] * 24)},
     "traffic_hourly_weights", "not all zero"),
    ({"traffic_profile": "custom", "traffic_hourly_weights": ""},
     "traffic_hourly_weights", "Paste the measured hours"),
    ({"traffic_profile": "flat", "traffic_hourly_weights": ", ".join(map(str, DAY))},
     "traffic_hourly_weights", "only with the profile “Custom”"),
    ({"traffic_profile": "custom", "traffic_hourly_weights": ", ".join(map(str, DAY)),
      "traffic_peak_to_average": "3"},
     "traffic_peak_to_average", "their busiest hour, 2.07: leave it empty or enter 2.07"),
])
def test_form_problems_are_said_beside_the_field(client: Client, price_book: Any,
                                                 values: dict[str, Any], field: str,
                                                 english: str) -> None:
    html = page(client, values, **HTMX)
    assert english in field_error(html, field)
    ko = page(client, values, HTTP_ACCEPT_LANGUAGE="ko", **HTMX)
    assert field_error(ko, field) and "Not accepted" not in field_error(ko, field)


# --- Saved reports ---------------------------------------------------------------------------

def test_a_saved_report_keeps_the_weights_and_its_link_restores_them(
        client: Client, price_book: Any) -> None:
    week = [float(x) for x in weekly_weights("spiky", 5)]
    body = {**WORKLOAD, "traffic": {"profile": "custom", "hourly_weights": week}}
    response = post(client, "/api/v1/reports", body)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    stored = Report.objects.get(code=code).snapshot["result"]
    assert stored["inputs"]["traffic"]["hourly_weights"] == week  # mean 1 already: unchanged
    report = client.get(f"/r/{code}/").content.decode()
    assert "Custom hourly shape: 168 measured hours, busiest hour 5 × the mean." in unescape(report)
    link = unescape(re.search(r'<a[^>]*id="open-calculator"[^>]*href="([^"]+)"', report).group(1))
    assert "traffic_hourly_weights=" in link and "traffic_profile=custom" in link
    calculator = client.get(link).content.decode()

    def totals(html: str) -> list[str]:
        return [re.search(rf'<dd data-total="{side}">(.*?)</dd>', html, re.S).group(1).strip()
                for side in ("lambda", "ec2")]

    assert totals(calculator) == totals(report)
    assert "busiest hour 5 × the mean" in unescape(calculator)
    # The JSON export gives back inputs the API prices the same.
    exported = json.loads(client.get(f"/r/{code}.json").content)
    inputs = exported["result"]["inputs"] if "result" in exported else exported["inputs"]
    again = post(Client(), "/api/v1/compare", inputs).json()
    assert again["ec2"]["monthly_usd"] == stored["ec2"]["monthly_usd"]
