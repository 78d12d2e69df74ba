"""The questionnaire at `/`: form sections, presets, results, htmx partials and bad input."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import plotly.graph_objects as go
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from advisor import services
from advisor.pricing.workload import FIELDS, parse_workload
from advisor.questionnaire.forms import (
    DEFAULTS,
    HELP,
    LABELS,
    LIST_FIELDS,
    SECTIONS,
    QuestionnaireForm,
    form_data,
    form_name,
)
from advisor.questionnaire.presenters import results_context
from advisor.questionnaire.presets import PRESETS

BASE = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
        "front_door": "http_api"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}

V = r"[\d.,]+(?: (?:million|billion|trillion))?"  # a volume in words


def query(**values: Any) -> str:
    return urlencode(form_data({**BASE, **values}))


def get(client: Client, q: str = "", **headers: str) -> str:
    response = client.get("/?" + q, **headers)
    assert response.status_code == 200
    return response.content.decode()


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="err-{name}"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no message slot for {name}"
    return unescape(match.group(1)).strip()


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


# ---------- The form ----------

def test_every_contract_field_is_a_form_field_in_one_section() -> None:
    form = QuestionnaireForm()
    names = [form_name(f.name) for f in FIELDS]
    assert set(names) <= set(form.fields)
    placed = [n for _, _, fields, _ in SECTIONS for n in fields]
    assert sorted(placed) == sorted([*names, "avg_rps"])  # each exactly once


def test_every_field_has_label_unit_help_and_range() -> None:
    form = QuestionnaireForm()
    for spec in FIELDS:
        name = form_name(spec.name)
        field = form.fields[name]
        assert name in LABELS and str(field.label) == str(LABELS[name])
        assert str(HELP[name]) and str(field.help_text) == str(HELP[name])
        if spec.kind in ("number", "integer") and not spec.choices:
            attrs = field.widget.attrs
            if spec.minimum is not None:
                assert float(attrs["min"]) == spec.minimum, name
            if spec.maximum is not None:
                assert float(attrs["max"]) == spec.maximum, name
            assert field.range, name  # the allowed range in words, shown under the field
            if spec.unit and name not in ("requests_per_month",):
                assert field.unit, name


def test_form_builds_the_workload_compare_reads() -> None:
    data = form_data({**BASE, "traffic_peak_to_average": 4, "ec2_instance_type": "m7g.large",
                      "architecture": "arm64", "lambda_in_vpc_with_internet": True})
    form = QuestionnaireForm(data)
    assert form.is_valid(), form.errors
    workload = form.to_workload_data()
    assert workload["traffic"] == {"peak_to_average": 4, "profile": "flat"}
    assert workload["ec2"]["instance_type"] == "m7g.large"
    assert workload["lambda_in_vpc_with_internet"] is True
    assert workload["free_tier"] is True
    assert "provisioned_hours_per_month" not in workload  # derived default left to the engine
    parse_workload(json.loads(json.dumps(workload)))  # the contract accepts it as JSON


def test_page_has_sections_fields_and_get_form(client: Client, price_book: Any) -> None:
    html = get(client)
    assert "<h1>Lambda or EC2?</h1>" in html
    for _, title, names, _ in SECTIONS:
        assert f"<h2>{title}</h2>" in html
        for name in names:
            assert f'name="{name}"' in html, name
            # A multiple choice (the options) labels each of its boxes.
            label_for = f"id_{name}_0" if name in LIST_FIELDS else f"id_{name}"
            assert f'for="{label_for}"' in html, name
    form = re.search(r"<form[^>]*id=\"questionnaire\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'hx-get="/"' in form and 'hx-target="#results"' in form
    assert "delay:400ms" in form and 'hx-replace-url="true"' in form
    assert 'type="submit"' in html  # works without JavaScript


def test_no_inline_script_or_style(client: Client, price_book: Any) -> None:
    html = get(client)
    assert ' style="' not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers


# ---------- Results ----------

def test_results_show_verdict_totals_items_break_even_and_prices(client: Client,
                                                                 price_book: Any) -> None:
    html = get(client, query())
    snap = services.snapshot(QuestionnaireForm_data(BASE))
    result = snap["result"]
    side = {"lambda": "Lambda + HTTP API", "ec2": "EC2 + ALB"}[result["cheaper"]]
    assert f"<strong>{side}</strong> is cheaper at 10,000,000 requests a month" in html
    assert "per million requests" in html
    for total in (result["lambda"]["monthly_usd"], result["ec2"]["monthly_usd"]):
        cents = Decimal(repr(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert f"${cents:,}" in html
    for label in ("Requests", "Compute (duration and billed INIT)", "Ephemeral storage over 512 MB",
                  "Provisioned concurrency", "Front door", "NAT gateways", "Data transfer out",
                  "EBS storage", "Load balancer", "Instances ("):
        assert label in unescape(html), label
    if result["break_even"]:
        # Flips as bands, volumes to three significant figures.
        assert re.search(rf"becomes cheaper above about {V} requests a month \([\d.,]+ a second\)"
                         rf"|Between about {V} and {V} requests a month the cheaper side "
                         r"alternates", html)
    assert "AWS list prices, November 2026" in html and "2026-11-01" in html
    assert 'href="/methodology/?region=us-east-1"' in html
    assert "A month is 730 hours." in html
    for chart in ("chart-cost-data", "chart-breakdown-data", "chart-heatmap-data"):
        assert f'data-chart="{chart}"' in html and f'id="{chart}"' in html
    assert "The figures as a table" in html and "The map as a table" in html


def QuestionnaireForm_data(values: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    form = QuestionnaireForm(form_data(values))
    assert form.is_valid(), form.errors
    return form.to_workload_data()


def test_break_even_sentence_names_ec2_with_its_load_balancer(client: Client,
                                                              price_book: Any) -> None:
    html = get(client, query(requests_per_month=1_000_000))
    assert re.search(rf"EC2 with its load balancer becomes cheaper above about {V} requests a "
                     rf"month \([\d.,]+ a second\)\.|above {V}, EC2 with its load balancer\.",
                     html)


def test_charts_are_valid_plotly_figures(price_book: Any) -> None:
    snap = services.snapshot(QuestionnaireForm_data(BASE))
    context = results_context(json.loads(json.dumps(snap)))  # as a report stores it
    for name, fig in context["charts"].items():
        go.Figure(fig)  # raises on any attribute plotly.js does not know
        json.dumps(fig)
        assert fig["data"], name
    cost = context["charts"]["cost"]
    assert cost["layout"]["xaxis"]["type"] == "log"
    xs = cost["data"][0]["x"]
    assert xs[0] <= 10_000 and xs[-1] >= 1e10  # well below and above the user's traffic
    assert cost["layout"]["shapes"][0]["x0"] == 10_000_000  # the user's traffic marked
    if snap["result"]["break_even"]:
        marks = [t for t in cost["data"] if t.get("name") == "Break-even"][0]
        assert len(marks["x"]) == len(snap["result"]["break_even"])
    heat = context["charts"]["heatmap"]
    assert heat["data"][0]["showscale"] is False
    assert heat["layout"]["xaxis"]["type"] == heat["layout"]["yaxis"]["type"] == "log"
    assert heat["data"][-1]["x"] == [10_000_000.0]  # the user's point


def test_chart_cosmetics(price_book: Any) -> None:
    """Hover in words, the map within Lambda's limit, one tick format, one colour per item."""
    from advisor.questionnaire import charts

    snap = json.loads(json.dumps(services.snapshot(QuestionnaireForm_data(BASE))))
    context = results_context(snap)
    heat = context["charts"]["heatmap"]
    lam, ec2 = heat["data"][0], heat["data"][1]
    assert lam["hovertemplate"].endswith(
        "<br>Lambda + HTTP API is cheaper by $%{z:,.2f} a month.<extra></extra>")
    assert "EC2 + ALB is cheaper by $%{z:,.2f}" in ec2["hovertemplate"]
    # Each cell belongs to one layer, with the saving as a positive amount.
    diff = snap["grid"]["difference"]
    for r, row in enumerate(diff):
        for c, value in enumerate(row):
            layer = lam if value <= 0 else ec2
            assert layer["z"][r][c] == round(abs(value), 2)
            other = ec2 if layer is lam else lam
            assert other["z"][r][c] is None
    yaxis = heat["layout"]["yaxis"]
    assert max(lam["y"]) <= 900_000 and 10 ** yaxis["range"][1] == pytest.approx(900_000)
    assert yaxis["ticktext"][-1] == "900,000 (limit)"
    # A report stored with durations past the limit is drawn without them.
    snap["grid"]["duration_ms"].append(1_000_000.0)
    snap["grid"]["difference"].append(diff[-1])
    assert max(charts.cheaper_map(snap, context["labels"])["data"][0]["y"]) <= 900_000

    cost = context["charts"]["cost"]
    ticks = cost["layout"]["yaxis"]["ticktext"]
    assert all(t.startswith("$") for t in ticks) and "$1k" in ticks and "$1000" not in ticks
    assert charts.short_usd(10_000) == "$10k" and charts.short_usd(1_500) == "$1.5k"
    assert charts.short_usd(0.5) == "$0.5" and charts.short_usd(2e6) == "$2M"
    assert charts.short_count(1e6) == "1M" and charts.short_count(1e4) == "10k"
    with translation.override("ko"):
        assert charts.short_count(1e6) == "100만" and charts.short_count(1e8) == "1억"
        assert charts.short_count(1e7) == "1,000만"
    bars = context["charts"]["breakdown"]
    assert 0 not in bars["layout"]["yaxis"]["tickvals"]  # no "$0" tick beside the bar labels
    # One colour per line item on every chart; unknown items get a stable spare colour.
    colours = {t["name"]: t["marker"]["color"] for t in bars["data"]}
    assert len(set(colours.values())) == len(colours)
    assert charts.item_colour("compute") == charts.LAMBDA_COLOUR
    assert charts.item_colour("instances") == charts.EC2_COLOUR
    assert charts.item_colour("public_ipv4") == charts.item_colour("public_ipv4")
    assert charts.item_colour("public_ipv4") in charts.SPARE_COLOURS


def test_named_partials_render_from_a_stored_snapshot(price_book: Any) -> None:
    snap = json.loads(json.dumps(services.snapshot(QuestionnaireForm_data(BASE))))
    context = results_context(snap)
    for name in ("verdict", "itemised", "cost_chart", "breakdown_chart", "heatmap_chart",
                 "basis", "recommendation", "results_body"):
        html = render_to_string(f"advisor/index.html#{name}", context)
        assert "{%" not in html
    assert "is cheaper at" in render_to_string("advisor/index.html#verdict", context)


def test_recommendation_card_when_present(price_book: Any) -> None:
    snap = json.loads(json.dumps(services.snapshot(QuestionnaireForm_data(BASE))))
    snap["result"]["recommendation"] = {
        "choice": "lambda", "confidence": "high", "switch_at": 5e7,
        "reasons": [{"factor": "traffic", "favours": "lambda", "weight": 1,
                     "text": "Traffic is low and spiky."}],
        "blockers": [], "tco": {"lambda": 10, "ec2": 20},
    }
    html = render_to_string("advisor/index.html#recommendation", results_context(snap))
    assert "Recommendation" in html and "Traffic is low and spiky." in html
    assert "confidence: high" in html


def test_results_slot_for_actions(client: Client, price_book: Any) -> None:
    assert 'id="results-actions"' in get(client)


# ---------- Presets ----------

def test_page_lists_every_preset_as_a_link(client: Client, price_book: Any) -> None:
    html = unescape(get(client))
    for preset in PRESETS:
        assert str(preset.title) in html and str(preset.explanation) in html
        assert f'data-preset="{preset.key}"' in html


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_preset_link_fills_the_form_and_shows_results(client: Client, price_book: Any,
                                                      preset: Any) -> None:
    html = get(client, urlencode(form_data(preset.values)))
    for name, value in preset.values.items():
        if isinstance(value, str) and name not in ("region",):
            assert re.search(rf'<option value="{value}"[^>]*selected', html) or \
                input_value(html, name) == value, name
        elif not isinstance(value, bool):
            assert input_value(html, name) == str(value), name
    assert "is cheaper at" in html or "cost the same" in html
    assert 'class="card notice"' not in html


def test_preset_through_htmx_returns_the_workspace(client: Client, price_book: Any) -> None:
    preset = PRESETS[0]
    html = get(client, urlencode(form_data(preset.values)), HTTP_HX_REQUEST="true",
               HTTP_HX_TARGET="workspace")
    assert html.lstrip().startswith('<div id="workspace"')
    assert "<html" not in html and 'id="questionnaire"' in html and 'id="results"' in html
    assert input_value(html, "requests_per_month") == "720"


def test_expected_sides_for_the_use_cases(client: Client, price_book: Any) -> None:
    def cheaper(key: str) -> str:
        preset = next(p for p in PRESETS if p.key == key)
        form = QuestionnaireForm(form_data(preset.values))
        assert form.is_valid(), form.errors
        return services.snapshot(form.to_workload_data())["result"]["cheaper"]

    # The blog post's point: Lambda for occasional work, EC2 once traffic is steady and high.
    assert cheaper("scheduled_job") == "lambda"
    assert cheaper("pilot") == "lambda"
    assert cheaper("steady_rest_api") == "ec2"


# ---------- htmx ----------

def test_htmx_change_returns_only_the_results_and_out_of_band_updates(client: Client,
                                                                      price_book: Any) -> None:
    html = get(client, query(requests_per_month=2_000_000), **HTMX)
    assert "<html" not in html and 'id="questionnaire"' not in html
    assert "is cheaper at 2,000,000 requests a month" in html
    assert 'hx-swap-oob="true"' not in html.split('id="rate-echo"')[0]  # no messages to set
    bad = get(client, query(memory_mb=99999), **HTMX)
    assert 'id="err-memory_mb" hx-swap-oob="true">Lambda allows at most 10,240 MB.' in bad
    assert 'id="rate-echo" hx-swap-oob="true"' in html and "requests a second on average" in html
    assert 'id="live-status" hx-swap-oob="innerHTML"' in html


def test_average_requests_a_second(client: Client, price_book: Any) -> None:
    html = get(client, query(rate_basis="second", avg_rps=100, requests_per_month=""))
    assert "is cheaper at 262,800,000 requests a month (100 a second)" in html
    assert "= 262,800,000 requests a month" in html


def test_requests_a_month_shows_the_rate_beside_it(client: Client, price_book: Any) -> None:
    html = get(client, query(requests_per_month=2_628_000))
    assert "= 1.00 requests a second on average" in html


def test_hand_written_link_gets_defaults_for_what_it_leaves_out(client: Client,
                                                                price_book: Any) -> None:
    html = get(client, "requests_per_month=5000000&duration_ms=100&memory_mb=256")
    assert "is cheaper at 5,000,000 requests a month" in html
    assert re.search(r'name="free_tier"[^>]*checked', html)  # default on, not "unticked"


def test_form_submission_without_a_checkbox_means_off(client: Client, price_book: Any) -> None:
    html = get(client, query(free_tier=False))
    assert not re.search(r'name="free_tier"[^>]*checked', html)
    assert "always-free allowance (1M requests" not in html.split('id="results"')[1]


# ---------- Bad input ----------

BAD = [
    ("memory_mb", "", "Enter a whole number between 128 and 10,240 MB."),
    ("memory_mb", "lots", "Enter a whole number between 128 and 10,240 MB."),
    ("memory_mb", "-5", "Lambda needs at least 128 MB."),
    ("memory_mb", "20000", "Lambda allows at most 10,240 MB."),
    ("memory_mb", "1e400", "Enter a finite number"),
    ("memory_mb", "NaN", "Enter a finite number"),
    ("memory_mb", "Infinity", "Enter a finite number"),
    ("memory_mb", "512.5", "Enter a whole number between 128 and 10,240 MB."),
    ("duration_ms", "900001", "Lambda runs at most 15 minutes (900,000 ms)."),
    ("duration_ms", "0", "The duration must be more than 0 ms."),
    ("duration_ms", "-Infinity", "Enter a finite number"),
    ("requests_per_month", "", "Enter the requests a month: between 0 and 10 trillion"),
    ("requests_per_month", "-1", "between 0 and 10 trillion requests a month"),
    ("requests_per_month", "1e14", "between 0 and 10 trillion requests a month"),
    ("requests_per_month", "abc", "Enter a number between 0 and 10 trillion"),
    ("traffic_peak_to_average", "0.5", "between 1 and 1,000"),
    ("ec2_target_utilization", "2", "between 0.05 and 1"),
    ("cold_start_rate", "1.5", "between 0 and 1"),
    ("ec2_availability_zones", "7", "at most 6 availability zones"),
    ("hours_per_month", "800", "at most 744 hours"),
    ("architecture", "sparc", "Select a valid choice"),
    ("ec2_instance_type", "x9.huge", "x9.huge"),
    ("region", "mars-1", "Select a valid choice"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_bad_input_names_the_limit_beside_the_field(client: Client, price_book: Any, name: str,
                                                    value: str, message: str) -> None:
    q = query(**{name: value, "duration_ms": 333} if name != "duration_ms" else {name: value})
    for headers in ({}, HTMX):
        response = client.get("/?" + q, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in field_error(html, name), field_error(html, name)
        assert "Some inputs need a change" in html
    page = get(client, q)
    if name != "duration_ms":
        assert input_value(page, "duration_ms") == "333"  # the other inputs are kept
    assert 'aria-describedby' in page


def test_average_rate_errors_go_beside_the_rate(client: Client, price_book: Any) -> None:
    html = get(client, query(rate_basis="second", avg_rps="fast", requests_per_month="junk"))
    assert "Enter a number" in field_error(html, "avg_rps")
    assert field_error(html, "requests_per_month") == ""  # not the figure in use


def test_engine_failure_is_a_message_not_a_500(client: Client, price_book: Any) -> None:
    with mock.patch.object(services, "snapshot", side_effect=RuntimeError("boom")):
        html = get(client, query())
    assert "could not be compared" in html


def test_defaults_cover_every_optional_field() -> None:
    for spec in FIELDS:
        name = form_name(spec.name)
        if not spec.required and spec.default_note == "":
            assert name in DEFAULTS, name


@pytest.mark.parametrize("value", ["zzz", "-1", "1e400", "NaN", ""])
def test_any_field_any_junk_is_a_page_not_a_500(client: Client, price_book: Any,
                                                value: str) -> None:
    for spec in FIELDS:
        name = form_name(spec.name)
        response = client.get("/?" + query(**{name: value}), **HTMX)
        assert response.status_code == 200, name


@pytest.mark.parametrize("values", [
    {"requests_per_month": 0},
    {"rate_basis": "second", "avg_rps": 0, "requests_per_month": ""},
    {"provisioned_concurrency": 5, "cold_start_rate": 0.01, "init_duration_ms": 800},
    {"hours_per_month": 720, "billing_granularity_ms": 100, "free_tier": False},
    {"lambda_in_vpc_with_internet": True, "ec2_private_subnets_with_nat": True,
     "nat_processed_gb": 50, "data_transfer_out_gb": 500},
    {"ec2_instance_type": "m7g.large", "architecture": "arm64", "ec2_purchase": "spot"},
    {"requests_per_month": 1e13, "duration_ms": 900000, "memory_mb": 10240},
])
def test_edge_workloads_render(client: Client, price_book: Any, values: dict[str, Any]) -> None:
    html = get(client, query(**values))
    assert "is cheaper at" in html or "cost the same" in html, field_errors_of(html)


def field_errors_of(html: str) -> list[str]:
    return re.findall(r'<p class="field-error" id="err-[^"]+"[^>]*>([^<]+)</p>', html)


def test_page_and_fragment_share_a_url_so_responses_vary_on_htmx_headers(client: Any, price_book: Any) -> None:
    response = client.get("/?requests_per_month=1000&duration_ms=100&memory_mb=512", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="results")
    assert "HX-Request" in response["Vary"] and "HX-Target" in response["Vary"]
