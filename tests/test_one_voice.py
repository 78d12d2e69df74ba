"""One voice: every field and sentence of a result that names a cheaper or cheapest option
agrees with the totals of the result's basis, or carries the reason it differs; a share is never
1 (or 0) while an end of the range has the other side cheaper; a saved report reopens whole."""

from __future__ import annotations

import json
import math
import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from django.test import Client
from engine.engine_testlib import make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import services
from advisor.pricing import basis as b
from advisor.pricing.compare import compare
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.uncertainty import PRICERS, with_values
from advisor.pricing.verdict import SIDE_NAMES
from advisor.pricing.workload import parse_workload
from advisor.questionnaire.forms import QuestionnaireForm, form_data
from advisor.questionnaire.numbers import usd
from advisor.questionnaire.presets import PRESETS

# us-east-1 option rates as the seed file holds them (fixtures/price_books.options.json).
OPTION_RATES = {
    "fargate.x86_64.vcpu_hour": 0.04048, "fargate.x86_64.gb_hour": 0.004445,
    "fargate.arm64.vcpu_hour": 0.03238, "fargate.arm64.gb_hour": 0.00356,
    "fargate.ephemeral_gb_hour": 0.000111, "fargate.spot": 0.30,
    "lambda_mi.requests": 0.20, "lambda_mi.management_fee": 0.15,
}
SHEET = make_sheet(OPTION_RATES)
BASES = ("bill", "bill_and_operations")
OPTION_SETS = (None, ["lambda", "ec2", "fargate"], ["lambda", "ec2", "lambda_managed_instances",
                                                     "fargate"])
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def basis_totals(out: dict[str, Any], w: Any) -> dict[str, float]:
    """Every compared option's total on the result's basis, from the result's own bills."""
    names = out["inputs"].get("options", ["lambda", "ec2"])
    return b.on_basis(w, {n: out[n]["monthly_usd"] for n in names})


def cheapest(totals: dict[str, float]) -> str:
    return b.cheapest(totals)


def assert_one_voice(out: dict[str, Any], w: Any, sheet: PriceSheet) -> None:
    """The checks of the module docstring, on one contract result."""
    assert out["basis"] == w.basis
    totals = basis_totals(out, w)
    pair = b.on_basis(w, {"lambda": out["lambda"]["monthly_usd"],
                          "ec2": out["ec2"]["monthly_usd"]})
    # `cheaper` (Lambda against EC2) on the basis.
    assert out["cheaper"] == b.pair_cheaper(pair["lambda"], pair["ec2"])
    # The headline names the cheapest of every compared option on the basis.
    v = out["verdict"]
    assert v["basis"] == w.basis
    assert v["cheaper"] == cheapest(totals)
    order = sorted(totals, key=lambda n: totals[n])
    assert v["difference_usd"] == pytest.approx(totals[order[1]] - totals[order[0]], abs=1e-9)
    first = v["text"].split(". ")[0]
    if v["cheaper"] != "tie":
        if w.basis == "bill":
            assert first.startswith(f"{SIDE_NAMES[v['cheaper']]} is $")
        else:
            assert f", {SIDE_NAMES[v['cheaper']]} is $" in first
        assert "on the AWS bill" in first if w.basis == "bill" else "in all" in first
    # The other basis: one labelled sentence, never a bare "cheaper".
    other = v["other_basis"]
    if other is not None:
        rest = v["text"][len(render_main(v)):].strip()
        assert rest.startswith("Counting " if w.basis == "bill" else "On the AWS bill alone")
        assert "cheaper" not in rest
        other_totals = b.on_basis(w, {n: out[n]["monthly_usd"] for n in totals},
                                  b.other(w.basis))
        assert other["cheaper"] == cheapest(other_totals)
    # Further options: `cheapest` and the choice, on the basis.
    if "cheapest" in out:
        assert out["cheapest"] == v["cheaper"]
        choice = out["option_choice"]
        assert choice["basis"] == w.basis
        assert choice["tco_usd"] == pytest.approx(totals)
        pick = choice["choice"]
        codes = [r["code"] for r in choice["reasons"]]
        if pick is not None and totals[pick] - min(totals.values()) > b.TIE_USD:
            # The choice is not the cheapest: a reason says why.
            assert "choice_not_cheapest" in codes
            assert any(c in codes for c in ("choice_blocked", "choice_no_server_team"))
        expected = "choice_cheapest" if w.basis == "bill_and_operations" \
            else "choice_cheapest_bill"
        if len([n for n in totals if not out.get(n, {}).get("blockers")]) > 1 and pick:
            assert expected in codes or "choice_no_server_team" in codes
    # The recommendation's cost reason and its totals stand on the basis.
    rec = out["recommendation"]
    assert rec["tco"]["lambda"] == pytest.approx(pair["lambda"])
    assert rec["tco"]["ec2"] == pytest.approx(pair["ec2"])
    cost = next(r for r in rec["reasons"] if r["factor"] == "cost")
    assert cost["code"].endswith("_bill") == (w.basis == "bill")
    if cost["favours"] in ("lambda", "ec2"):
        assert cost["favours"] == min(("lambda", "ec2"), key=lambda s: pair[s])
    if not rec["blockers"] and rec["choice"] in ("lambda", "ec2") \
            and out["cheaper"] in ("lambda", "ec2") and rec["choice"] != out["cheaper"]:
        assert rec["reasons"][0]["code"].startswith("chosen_despite_cost")
    # Break-even on the basis: the totals cross at each point.
    lam_extra, ec2_extra = b.extra_usd(w, "lambda"), b.extra_usd(w, "ec2")
    for point in out["break_even"][:3]:
        x = point["requests_per_month"]
        lo = with_values(w, {"requests_per_month": x * (1 - 1e-6)})
        hi = with_values(w, {"requests_per_month": x * (1 + 1e-6)})
        gaps = []
        for v_ in (lo, hi):
            lam = float(PRICERS["lambda"](sheet, v_, {})[0]) + lam_extra
            ec2 = float(PRICERS["ec2"](sheet, v_, {})[0]) + ec2_extra
            gaps.append(lam - ec2)
        assert gaps[0] * gaps[1] <= 0 or min(map(abs, gaps)) <= 0.02
    assert_share_never_rounds_past_a_flip(out, w, sheet)


def render_main(v: dict[str, Any]) -> str:
    from advisor.pricing.verdict import render_main as main
    return main(v, SIDE_NAMES)


def assert_share_never_rounds_past_a_flip(out: dict[str, Any], w: Any,
                                          sheet: PriceSheet) -> None:
    """No share is 1 (or 0) while the low or high end of a ranged input (the others at their
    expected values) has the other side cheaper on the basis."""
    u = out["uncertainty"]
    assert u["cost_basis"] == w.basis and "share_cheaper_bill" not in u
    share = u["share_cheaper"]
    assert sum(share.values()) == pytest.approx(1.0, abs=1e-9)
    with_ops = w.basis == "bill_and_operations"
    rate = float(w.needs.ops_hourly_usd)
    for name, (low, _mid, high) in u["ranges"].items():
        if not low < high:
            continue
        for end in (low, high):
            if name.startswith("needs.") and not with_ops:
                continue
            v = with_values(w, {name: int(end) if name == "memory_mb" else end})
            lam = float(PRICERS["lambda"](sheet, v, {})[0])
            ec2 = float(PRICERS["ec2"](sheet, v, {})[0])
            if with_ops:
                lam += rate * float(v.needs.lambda_ops_hours_per_month)
                ec2 += rate * float(v.needs.ops_hours_per_month)
            side = b.pair_cheaper(lam, ec2)
            if side in ("lambda", "ec2"):
                other = "ec2" if side == "lambda" else "lambda"
                assert share[side] > 0, (name, end, share)
                assert share[other] < 1, (name, end, share)


def preset_workload(values: dict[str, Any]) -> dict[str, Any]:
    form = QuestionnaireForm(form_data(values))
    assert form.is_valid(), form.errors
    return form.to_workload_data()


@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("options", OPTION_SETS, ids=["pair", "fargate", "all"])
@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_every_preset_speaks_with_one_voice(preset: Any, options: Any, basis: str) -> None:
    data = {**preset_workload(preset.values), "basis": basis}
    if options:
        data["options"] = options
    w = parse_workload(data)
    assert_one_voice(compare(w, SHEET).to_contract(), w, SHEET)


def triple(lo: float, hi: float, integer: bool = False) -> st.SearchStrategy[list[float]]:
    value = st.integers(int(lo), int(hi)) if integer else st.floats(lo, hi, allow_nan=False)
    return st.lists(value, min_size=3, max_size=3).map(sorted)


RANGES = st.fixed_dictionaries({}, optional={
    "requests_per_month": triple(1e5, 5e9),
    "duration_ms": triple(5, 3000),
    "traffic.peak_to_average": triple(1, 10),
    "ec2.cpu_share": triple(0.05, 1),
    "needs.ops_hours_per_month": triple(0, 40),
})


@SETTINGS
@given(requests=st.floats(1e4, 3e9), duration=st.floats(5, 5000),
       memory=st.sampled_from([128, 512, 1024, 1769, 3008]), peak=st.floats(1, 8),
       cpu=st.floats(0.05, 1), ops=st.floats(0, 40), lambda_ops=st.floats(0, 10),
       fargate_ops=st.floats(0, 10), front_door=st.sampled_from(["none", "http_api", "alb"]),
       basis=st.sampled_from(BASES), options=st.sampled_from(OPTION_SETS),
       team=st.booleans(), ranges=RANGES)
def test_generated_workloads_speak_with_one_voice(
        requests: float, duration: float, memory: int, peak: float, cpu: float, ops: float,
        lambda_ops: float, fargate_ops: float, front_door: str, basis: str, options: Any,
        team: bool, ranges: dict[str, list[float]]) -> None:
    data: dict[str, Any] = {
        "requests_per_month": requests, "duration_ms": duration, "memory_mb": memory,
        "front_door": front_door, "basis": basis, "traffic": {"peak_to_average": peak},
        "ec2": {"cpu_share": cpu},
        "needs": {"ops_hours_per_month": ops, "lambda_ops_hours_per_month": lambda_ops,
                  "no_server_team": team}}
    if options:
        data["options"] = options
        data["fargate"] = {"ops_hours_per_month": fargate_ops}
    for name, r in ranges.items():
        group, _, key = name.rpartition(".")
        (data.setdefault(group, {}) if group else data)[key] = r[1]
    data["ranges"] = ranges
    w = parse_workload(data)
    assert_one_voice(compare(w, SHEET).to_contract(), w, SHEET)


def test_a_thin_tail_is_not_rounded_away() -> None:
    """Requests given as 2 M to 400 M: EC2 is cheaper above the break-even inside the range,
    so Lambda's share is below 1, exactly the triangle's mass below the crossing, and the
    crossing is named."""
    data = {"requests_per_month": 2e7, "duration_ms": 2500, "memory_mb": 1024,
            "front_door": "http_api", "basis": "bill_and_operations",
            "traffic": {"profile": "spiky", "peak_to_average": 8},
            "ec2": {"cpu_share": 0.1, "scaling": "autoscale"},
            "ranges": {"requests_per_month": [2e6, 2e7, 4e8]}}
    out = compare(parse_workload(data), SHEET).to_contract()
    u = out["uncertainty"]
    (flip,) = u["flips"]
    x = flip["requests_per_month"]
    assert 2e6 < x < 4e8 and flip["above"] == "ec2"
    # Triangular on log requests: the mass below x, exactly.
    a, m, c, t = (math.log(v) for v in (2e6, 2e7, 4e8, x))
    below = (t - a) ** 2 / ((c - a) * (m - a)) if t <= m else 1 - (c - t) ** 2 / ((c - a) * (c - m))
    assert u["share_cheaper"]["lambda"] == pytest.approx(below, abs=1e-9)
    assert u["share_cheaper"]["ec2"] == pytest.approx(1 - below, abs=1e-9)
    assert u["method"]["flips_as_points"] == 1


def test_a_share_beside_a_flip_at_the_very_top_stays_below_one() -> None:
    """A flip just below the high end: a sliver, and still not 100 %."""
    base = {"requests_per_month": 2e7, "duration_ms": 2500, "memory_mb": 1024,
            "front_door": "http_api", "basis": "bill_and_operations",
            "traffic": {"profile": "spiky", "peak_to_average": 8},
            "ec2": {"cpu_share": 0.1, "scaling": "autoscale"}}
    x = compare(parse_workload(base), SHEET).break_even[0]
    data = {**base, "requests_per_month": x / 50,
            "ranges": {"requests_per_month": [x / 100, x / 50, x * 1.0001]}}
    u = compare(parse_workload(data), SHEET).uncertainty
    assert 0 < u["share_cheaper"]["ec2"] < 1e-3
    assert u["share_cheaper"]["lambda"] < 1


def test_share_text_says_a_fraction_near_the_ends_and_names_the_flip(
        client: Client, price_book: Any) -> None:
    query = urlencode({"requests_per_month": 20_000_000, "duration_ms": 2500, "memory_mb": 1024,
                       "front_door": "http_api", "traffic_profile": "spiky",
                       "traffic_peak_to_average": 8, "ec2_cpu_share": 0.1,
                       "ec2_scaling": "autoscale", "basis": "bill_and_operations",
                       "requests_per_month_low": 2_000_000,
                       "requests_per_month_high": 400_000_000})
    html = unescape(client.get("/?" + query).content.decode())
    share = re.search(r"data-share>([^<]*)<", html).group(1)
    assert share.startswith("Counting operations time, ")
    assert re.search(r"Above [\d.]+ million requests a month, EC2 \+ ALB is cheaper\.", share)
    assert "100 %" not in share
    assert "points of the range" in html  # how the share was computed


@pytest.mark.parametrize("value, words", [
    (1_044_938_312, "1.04 billion"), (15_724_702, "15.7 million"), (730, "730"),
    (123_456, "123,000"), (2.5e12, "2.5 trillion"),
])
def test_volumes_in_sentences_are_three_significant_figures(value: float, words: str) -> None:
    from advisor.questionnaire.honest import volume_words
    assert volume_words(value) == words


def test_percent_never_says_100_near_a_flip() -> None:
    from advisor.questionnaire.honest import percent
    assert percent(0.997) == "99.7 %"
    assert percent(1 - 1e-6) == "over 99.9 %"
    assert percent(1.0) == "100 %" and percent(0.0) == "0 %"
    assert percent(1e-6) == "under 0.1 %"


# --- Reports reopen whole ------------------------------------------------------------------------

def totals_on_page(html: str) -> dict[str, str]:
    return {side: unescape(re.search(rf'data-total="{side}">([^<]*)<', html).group(1))
            for side in ("lambda", "ec2")}


def save(client: Client, body: dict[str, Any]) -> str:
    import json
    response = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return str(response.json()["code"])


@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("options", [None, ["lambda", "ec2", "fargate"],
                                     ["lambda", "ec2", "lambda_managed_instances", "fargate"]],
                         ids=["pair", "fargate", "all"])
def test_open_in_the_calculator_restores_every_input(client: Client, price_book: Any,
                                                     basis: str, options: Any) -> None:
    body: dict[str, Any] = {
        "requests_per_month": 30_000_000, "duration_ms": 120, "memory_mb": 1536,
        "front_door": "http_api", "basis": basis, "ec2": {"purchase": "on_demand"},
        "fargate": {"ops_hours_per_month": 3},
        "ranges": {"requests_per_month": [10_000_000, 30_000_000, 90_000_000],
                   "duration_ms": [80, 120, 300]}}
    if options:
        body["options"] = options
    code = save(client, body)
    report = unescape(client.get(f"/r/{code}/").content.decode())
    link = re.search(r'id="open-calculator" href="([^"]*)"', report).group(1)
    page = unescape(client.get(link).content.decode())
    assert "errorlist" not in page and "is not one of the available choices" not in page
    assert totals_on_page(page) == totals_on_page(report)
    # The same result as the report's, field for field that matters.
    stored = client.get(f"/r/{code}.json").json()["result"]
    again = services.run(_bound(link))
    for key in ("basis", "cheaper", "verdict", "uncertainty"):
        assert again[key] == stored[key], key
    for name in stored["inputs"].get("options", ["lambda", "ec2"]):
        assert again[name]["monthly_usd"] == pytest.approx(stored[name]["monthly_usd"])
    assert again["inputs"] == stored["inputs"]
    # The headline on the page is the report's heading.
    headline = re.search(r"data-headline>([^<]*)<", page).group(1)
    heading = report.split('id="report-verdict">', 1)[1].split("</p>", 1)[0].strip()
    assert headline.startswith(heading.split(" Recommended:")[0])
    assert usd(stored["lambda"]["monthly_usd"]) in page


def _bound(link: str) -> dict[str, Any]:
    """The workload the questionnaire builds from a link (as the page does)."""
    from django.http import QueryDict

    from advisor.questionnaire.forms import bind_data
    query = QueryDict(link.split("?", 1)[1])
    form = QuestionnaireForm(bind_data(query), regions=["us-east-1"])
    assert form.is_valid(), form.errors
    return form.to_workload_data()


def test_a_report_saved_before_the_basis_reopens_whole(client: Client, price_book: Any) -> None:
    """A snapshot from before this change (no basis anywhere, options stored as a list) gives
    the calculator every input back, and the same bills."""
    from reports.models import Report
    body = {"requests_per_month": 30_000_000, "duration_ms": 120, "memory_mb": 1536,
            "options": ["lambda", "ec2", "fargate"],
            "ranges": {"requests_per_month": [10_000_000, 30_000_000, 90_000_000]}}
    code = save(client, body)
    report = Report.objects.get(code=code)
    snapshot = dict(report.snapshot)
    result = dict(snapshot["result"])
    result.pop("basis")
    result["inputs"] = {k: v for k, v in result["inputs"].items() if k != "basis"}
    result["inputs"]["fargate"] = {"spot": False}
    snapshot["result"] = result
    Report.objects.filter(pk=report.pk).update(snapshot_json=json.dumps(snapshot))
    html = unescape(client.get(f"/r/{code}/").content.decode())
    link = re.search(r'id="open-calculator" href="([^"]*)"', html).group(1)
    assert "options=fargate" in link and "requests_per_month_low=10000000" in link
    page = unescape(client.get(link).content.decode())
    assert "errorlist" not in page
    assert totals_on_page(page) == totals_on_page(html)
    assert np.isclose(float(totals_on_page(page)["lambda"].strip("$").replace(",", "")),
                      round(result["lambda"]["monthly_usd"], 2))


def test_the_verdict_cards_saving_is_on_the_basis(client: Any, price_book: Any) -> None:
    """Counting operations time, the card names the side cheaper in all and its saving in
    all, never the bills' difference (which would be a saving of the side that costs more)."""
    query = ("requests_per_month=2000000&duration_ms=2500&memory_mb=1024&front_door=http_api"
             "&basis=bill_and_operations")
    html = client.get("/?" + query).content.decode()
    result = services.run({"requests_per_month": 2_000_000, "duration_ms": 2500,
                           "memory_mb": 1024, "front_door": "http_api",
                           "basis": "bill_and_operations"})
    totals = result["verdict"]["totals"]
    saving = abs(totals["lambda"] - totals["ec2"])
    assert f"It saves <strong>${saving:,.2f} a month</strong>." in html
    bills = abs(result["lambda"]["monthly_usd"] - result["ec2"]["monthly_usd"])
    assert f"It saves <strong>${bills:,.2f} a month" not in html
