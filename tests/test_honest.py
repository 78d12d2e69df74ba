"""The honest answer through every way in: one set of defaults (page == API == CLI), the
headline agreeing with the bill, ranges in the form, the API and the command line."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import run_cli

from advisor import services
from advisor.pricing.workload import FIELD_BY_NAME
from advisor.questionnaire.forms import QuestionnaireForm, form_data
from advisor.questionnaire.numbers import usd
from advisor.questionnaire.presets import PRESETS, START_PRESET

KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}
REQUIRED = {"requests_per_month": 5_000_000, "duration_ms": 120, "memory_mb": 512}


def total(html: str, side: str) -> str:
    return unescape(re.search(rf'data-total="{side}">([^<]*)<', html).group(1))


def page(client: Client, query: str, **headers: str) -> str:
    response = client.get("/?" + query, **headers)
    assert response.status_code == 200
    return response.content.decode()


def api(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/v1/compare", json.dumps(data), content_type="application/json")


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(requests=st.integers(0, 10**10), duration=st.integers(1, 900_000),
       memory=st.integers(128, 10240))
def test_page_api_and_cli_agree_given_only_the_required_fields(
        client: Client, price_book: Any, requests: int, duration: int, memory: int) -> None:
    data = {"requests_per_month": requests, "duration_ms": duration, "memory_mb": memory}
    html = page(client, urlencode(data))  # a link with the three fields
    by_api = api(client, data)
    assert by_api.status_code == 200, by_api.content
    result = by_api.json()
    code, out, err = run_cli(json.dumps(data))
    assert code == 0, err
    by_cli = json.loads(out)
    for side in ("lambda", "ec2"):
        assert by_cli[side]["monthly_usd"] == result[side]["monthly_usd"]
        assert total(html, side) == usd(result[side]["monthly_usd"])
    assert result["inputs"]["front_door"] == "none"
    assert result["inputs"]["traffic"]["peak_to_average"] == 1


def test_the_methodology_table_gives_the_contracts_defaults(client: Client, price_book: Any) -> None:
    html = unescape(client.get("/methodology/").content.decode())
    for name in ("front_door", "traffic.peak_to_average", "ec2.cpu_share",
                 "needs.lambda_ops_hours_per_month"):
        default = json.dumps(FIELD_BY_NAME[name].default)
        row = re.search(rf"<code>{re.escape(name)}</code>.*?</tr>", html, re.S)
        assert row and (default in row.group(0) or default.strip('"') in row.group(0)), name


def test_the_start_page_is_a_named_preset_with_its_inputs_for_the_address(
        client: Client, price_book: Any) -> None:
    html = page(client, "")
    start = next(p for p in PRESETS if p.key == START_PRESET)
    query = re.search(r'data-start-query="([^"]*)"', html).group(1)
    assert unescape(query) == urlencode(start.values)
    assert "Starting example: Small API (the starting example)." in unescape(html)
    # The same inputs as a hand-written link give the same totals.
    linked = page(client, unescape(query))
    for side in ("lambda", "ec2"):
        assert total(linked, side) == total(html, side)


def consistent(result: dict[str, Any]) -> None:
    v, rec = result["verdict"], result["recommendation"]
    assert v["basis"] == result["basis"] == "bill"
    tco = rec["tco"]
    diff = tco["lambda"] - tco["ec2"]
    overall = "tie" if abs(diff) <= 0.01 else ("lambda" if diff < 0 else "ec2")
    assert v["cheaper"] == result["cheaper"] == overall
    codes = [r["code"] for r in rec["reasons"]]
    if rec["choice"] in ("lambda", "ec2") and overall in ("lambda", "ec2") \
            and rec["choice"] != overall and not rec["blockers"]:
        assert codes[0] == "chosen_despite_cost_bill"
    if rec["confidence"] == "high" and not rec["blockers"]:
        share = result["uncertainty"]["share_cheaper"]
        assert share[rec["choice"]] + share["tie"] / 2 >= 0.9


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_every_preset_headline_recommendation_and_cost_lines_agree(
        client: Client, price_book: Any, preset: Any) -> None:
    form = QuestionnaireForm(form_data(preset.values))
    assert form.is_valid(), form.errors
    result = services.run(form.to_workload_data())
    consistent(result)
    html = unescape(page(client, urlencode(form_data(preset.values))))
    headline = re.sub(r"<[^>]+>", "", re.search(r'data-headline>(.*?)</p>', html).group(1))
    assert "on the AWS bill" in headline
    if result["verdict"]["other_basis"]:
        assert "Counting" in headline and "engineer hours" in headline
    assert re.search(r"On the AWS bill, [^<]* is cheaper in (\d+ %|\d+\.\d %|over 99\.9 %|"
                     r"under 0\.1 %) of the default spreads", html)
    # Volumes in sentences to three significant figures.
    for sentence in re.findall(r'<li class="flip-[a-z0-9]+">([^<]*)</li>', html):
        for number in re.findall(r"\d[\d,]{4,}", sentence):
            assert len(number.replace(",", "").rstrip("0")) <= 3, sentence


def test_the_ai_chatbot_headline_explains_the_flip(client: Client, price_book: Any) -> None:
    preset = next(p for p in PRESETS if p.key == "ai_chatbot")
    html = unescape(page(client, urlencode(form_data(preset.values))))
    headline = re.sub(r"<[^>]+>", "", re.search(r'data-headline>(.*?)</p>', html).group(1))
    assert re.fullmatch(r"EC2 \+ ALB is \$[\d,.]+ a month cheaper than Lambda \+ HTTP API on the "
                        r"AWS bill\. Counting 8 engineer hours a month at \$75\.00 for the fleet, "
                        r"Lambda \+ HTTP API would cost \$[\d,.]+ a month less than EC2 \+ ALB in "
                        r"all\.", headline), headline


def test_the_assumptions_strip_shows_each_answer_without_it(client: Client, price_book: Any) -> None:
    html = unescape(page(client, urlencode(REQUIRED)))
    strip = re.search(r'<section class="card assumption-strip".*?</section>', html, re.S).group(0)
    for key in ("operations", "free_tier", "front_door", "peak_to_average", "cpu_share"):
        assert f'data-assumption="{key}"' in strip
    assert re.search(r"Counting this operations time: (Lambda|EC2 \+ ALB) by \$[\d,.]+ a month "
                     r"\(EC2 \+ ALB \+\$600\.00\)\.", strip), strip
    assert 'data-assumption="basis"' in strip and 'data-mirror="basis"' in strip
    assert "shared by the whole account" in strip
    assert 'data-mirror="needs_ops_hours_per_month" value="8"' in strip
    ko = unescape(page(client, urlencode(REQUIRED), **KO))
    assert "이 운영 시간을 더하면:" in ko and "계정 전체가 함께 씁니다" in ko


def test_range_boxes_in_the_form_give_the_share_of_the_range(client: Client, price_book: Any) -> None:
    query = urlencode(form_data({**REQUIRED, "requests_per_month_low": 2_000_000,
                                 "requests_per_month_high": 20_000_000}))
    html = unescape(page(client, query))
    assert re.search(r"is cheaper in (\d+ %|over 99 %|under 1 %) of the range you gave\.", html)
    assert "Your ranges: Requests a month 2,000,000 – 20,000,000." in html
    assert 'data-sensitivity="requests_per_month"' in html
    form = QuestionnaireForm(form_data({**REQUIRED, "requests_per_month_low": 2_000_000}))
    assert form.is_valid()
    assert form.to_workload_data()["ranges"] == {
        "requests_per_month": [2_000_000, 5_000_000, 5_000_000]}


def test_a_low_end_above_the_value_is_refused_beside_its_box(client: Client, price_book: Any) -> None:
    query = urlencode(form_data({**REQUIRED, "duration_ms_low": 500}))
    html = unescape(page(client, query))
    assert re.search(r'id="err-duration_ms_low">The low end must be at most the value itself\.',
                     html)
    ko = unescape(page(client, query, **KO))
    assert "하한은 입력한 값 이하여야 합니다." in ko


def test_the_api_prices_ranges(client: Client, price_book: Any) -> None:
    response = api(client, {**REQUIRED, "ranges": {"requests_per_month": [2e6, 5e6, 2e7],
                                                   "duration_ms": [80, 120, 300]}})
    assert response.status_code == 200, response.content
    u = response.json()["uncertainty"]
    assert u["basis"] == "ranges" and set(u["ranges"]) == {"requests_per_month", "duration_ms"}
    assert u["lambda"]["low"] <= u["lambda"]["expected"] <= u["lambda"]["high"]
    assert sum(u["share_cheaper"].values()) == pytest.approx(1)
    assert [s["field"] for s in u["sensitivity"]][0] in ("requests_per_month", "duration_ms")
    bad = api(client, {**REQUIRED, "ranges": {"duration_ms": [300, 120, 80]}})
    assert bad.status_code == 400
    assert "must be in order" in bad.json()["errors"]["ranges.duration_ms"][0]


def test_the_command_line_prices_ranges(price_book: Any) -> None:
    code, out, err = run_cli(json.dumps({**REQUIRED, "ranges": {"memory_mb": [256, 512, 1024]}}))
    assert code == 0, err
    assert json.loads(out)["uncertainty"]["ranges"]["memory_mb"] == [256, 512, 1024]
    code, out, err = run_cli(json.dumps({**REQUIRED, "ranges": {"memory_mb": [256, 1024, 2048]}}))
    assert code == 2 and out == ""
    assert err.startswith("ranges.memory_mb: the middle (expected) value must equal memory_mb")


def test_a_saved_report_shows_the_answer_and_the_ranges(client: Client, price_book: Any) -> None:
    response = client.post("/api/v1/reports", json.dumps(
        {**REQUIRED, "ranges": {"requests_per_month": [1e6, 5e6, 5e7]}}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    html = unescape(client.get(f"/r/{response.json()['code']}/").content.decode())
    assert "data-headline" in html and "of the range you gave" in html
