"""A keystroke prices the answer; the cost curve and the map follow when their charts come into
view (`GET /chart/<name>/`), drawn from the same series a whole page or a report shows."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db.utils import OperationalError
from django.test import Client

from advisor import services
from advisor.questionnaire.forms import form_data
from advisor.questionnaire.presenters import break_even_sentences

BASE = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
        "front_door": "http_api"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}


def query(**values: Any) -> str:
    return urlencode(form_data({**BASE, **values}), doseq=True)


def chart_json(html: str, name: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {name} in the page"
    return json.loads(match.group(1))


def frame_url(html: str, element_id: str) -> str:
    match = re.search(rf'<figure[^>]*id="{element_id}"[^>]*hx-get="([^"]+)"', html)
    assert match, f"no frame {element_id} asking for its chart"
    return unescape(match.group(1))


@pytest.mark.django_db
def test_a_keystroke_leaves_frames_that_ask_for_the_curve_and_the_map(
        client: Client, price_book: Any) -> None:
    q = query()
    partial = client.get("/?" + q, **HTMX).content.decode()
    assert "is cheaper" in partial
    # The answer's own charts (bill lines, sensitivity) are there; the curve and the map not.
    assert 'id="chart-breakdown-data"' in partial and 'id="chart-tornado-data"' in partial
    assert 'id="chart-cost-data"' not in partial and 'id="chart-heatmap-data"' not in partial
    assert 'hx-trigger="intersect once' in partial
    cost_url, map_url = frame_url(partial, "cost-chart"), frame_url(partial, "map-chart")
    assert cost_url.startswith("/chart/cost/?") and map_url.startswith("/chart/map/?")

    whole = client.get("/?" + q).content.decode()  # a whole page draws every chart at once
    cost = client.get(cost_url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="cost-chart")
    assert cost.status_code == 200
    body = cost.content.decode()
    assert body.lstrip().startswith('<figure class="card chart-card" id="cost-chart"')
    assert "hx-get" not in body  # the figure that replaces the frame asks for nothing more
    assert chart_json(body, "chart-cost-data") == chart_json(whole, "chart-cost-data")
    assert "The figures as a table" in body

    grid = client.get(map_url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="map-chart")
    assert grid.status_code == 200
    assert chart_json(grid.content.decode(), "chart-heatmap-data") == \
        chart_json(whole, "chart-heatmap-data")


@pytest.mark.django_db
def test_more_options_draw_their_lines_and_map_later(client: Client, price_book: Any) -> None:
    q = query(options=["lambda", "ec2", "fargate", "lambda_managed_instances"])
    partial = client.get("/?" + q, **HTMX).content.decode()
    # The options' totals and choice are part of the answer, not of a chart.
    assert 'id="option-summary"' in partial and 'data-total="fargate"' in partial
    whole = client.get("/?" + q).content.decode()
    cost = client.get(frame_url(partial, "cost-chart")).content.decode()
    names = {t.get("name") for t in chart_json(cost, "chart-cost-data")["data"]}
    assert any("Fargate" in str(n) for n in names), names
    assert chart_json(cost, "chart-cost-data") == chart_json(whole, "chart-cost-data")
    grid = client.get(frame_url(partial, "map-chart")).content.decode()
    assert chart_json(grid, "chart-heatmap-data") == chart_json(whole, "chart-heatmap-data")


@pytest.mark.django_db
def test_a_chart_of_inputs_that_need_a_change_says_so(client: Client, price_book: Any) -> None:
    bad = client.get("/chart/cost/?" + query(memory_mb=99_999))
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("text/plain")
    assert "need a change" in bad.content.decode()
    assert client.get("/chart/pie/?" + query()).status_code == 404


@pytest.mark.django_db
def test_a_chart_during_a_database_outage_is_the_503_page(client: Client,
                                                          price_book: Any) -> None:
    with mock.patch.object(services, "_priced", side_effect=OperationalError("gone")):
        response = client.get("/chart/map/?" + query(), HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert response.has_header("Retry-After")


@pytest.mark.django_db
def test_the_answer_alone_equals_the_whole_snapshots_answer(price_book: Any) -> None:
    data = {**BASE, "traffic": {"peak_to_average": 3}}
    answer, whole = services.answer(data), services.snapshot(data)
    assert set(answer) == {"result", "prices", "what_if"}
    for key in answer:
        assert answer[key] == whole[key]
    cost, grid = services.chart(data, "cost"), services.chart(data, "map")
    assert cost["curve"] == whole["curve"] and cost["band"] == whole["band"]
    assert grid["grid"] == whole["grid"]
    assert "grid" not in cost and "curve" not in grid


def test_flips_read_the_same_without_the_curve() -> None:
    """The sentences under "Where the answer flips" need the curve only on an exact tie at the
    user's volume; the bands' side above the last flip gives the same alternation."""
    result = {
        "inputs": {"requests_per_month": 5e7, "hours_per_month": 730, "ec2": {}},
        "cheaper": "tie",
        "break_even": [{"requests_per_month": 5e7}, {"requests_per_month": 9e7}],
        "break_even_bands": [{"from": 5e7, "to": 9e7, "crossings": 2, "above": "ec2"}],
    }
    curve = {"requests_per_month": [1e3, 1e12], "lambda_total": [1, 900],
             "ec2_total": [50, 800]}
    labels = {"lambda": "Lambda", "ec2": "EC2"}
    with_curve = break_even_sentences(result, curve, labels)
    assert [s["side"] for s in with_curve] == ["lambda", "ec2"]
    assert break_even_sentences(result, None, labels) == with_curve


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ko"])
def test_typing_asks_for_no_chart_until_it_comes_into_view(live_server: Any, page: Any,
                                                          price_book: Any,
                                                          language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/chart/" in r.url else None)
    page.goto(live_server.url + "/?" + query())
    page.wait_for_selector("#verdict")
    page.fill("#id_requests_per_month", "20000000")
    page.wait_for_function("() => location.search.includes('requests_per_month=20000000')")
    page.wait_for_selector("#cost-chart[data-chart-later]", state="attached")
    page.wait_for_timeout(600)
    assert asked == []  # the charts are below the first screen: nothing priced for them
    page.locator("#cost-chart").scroll_into_view_if_needed()
    page.wait_for_selector('[data-chart="chart-cost-data"] .main-svg')
    assert len(asked) == 1 and "/chart/cost/" in asked[0]
    assert "requests_per_month=20000000" in asked[0]
    page.locator("#map-chart").scroll_into_view_if_needed()
    page.wait_for_selector('[data-chart="chart-heatmap-data"] .main-svg')
    assert [u.split("?")[0].rsplit("/", 2)[-2] for u in asked] == ["cost", "map"]
    # The figures' tables came with them.
    assert page.locator("#cost-chart details.chart-table").count() == 1
    assert page.locator("#map-chart details.chart-table").count() == 1
    assert page.locator("[data-chart-later]").count() == 0
    assert page.errors == []


def test_requests_a_second_are_written_with_the_figures_they_need() -> None:
    """The rate echoed into "average requests a second" has three significant figures and no
    binary noise: 40 million a month is 15.2 a second, not 15.199999999999999."""
    from advisor.questionnaire.forms import rate_text

    assert rate_text(40_000_000 / (730 * 3600)) == "15.2"
    assert rate_text(10_000_000 / (730 * 3600)) == "3.81"
    assert rate_text(0.000273972) == "0.000274"
    assert rate_text(2.74e-7) == "0.000000274"
    assert rate_text(999.6) == "1000" and rate_text(1234.5) == "1235"
    assert rate_text(15.0) == "15" and rate_text(0) == "0"
