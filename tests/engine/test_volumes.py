"""Volumes in the engine's English sentences: three significant figures in ``text``, every digit
in the numeric fields and ``params``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from engine_testlib import make_sheet
from hypothesis import given
from hypothesis import strategies as st

from advisor.pricing.compare import compare
from advisor.pricing.recommend import render
from advisor.pricing.volumes import Volume, in_words, volume_words
from advisor.pricing.workload import parse_workload

# us-east-1 option rates as the seed file holds them (fixtures/price_books.options.json).
OPTION_SHEET = make_sheet({
    "fargate.x86_64.vcpu_hour": 0.04048, "fargate.x86_64.gb_hour": 0.004445,
    "fargate.arm64.vcpu_hour": 0.03238, "fargate.arm64.gb_hour": 0.00356,
    "fargate.ephemeral_gb_hour": 0.000111, "fargate.spot": 0.30,
    "lambda_mi.requests": 0.20, "lambda_mi.management_fee": 0.15})
EVERY_DIGIT = re.compile(r"\d{1,3}(,\d{3}){2,}|\d{7,}")


@pytest.mark.parametrize("value, words", [
    (1_044_938_312, "1.04 billion"), (15_724_702, "15.7 million"), (730, "730"),
    (123_456, "123,000"), (2.5e12, "2.5 trillion"), (999_999, "1 million"),
    (1_000_000, "1 million"), (3_166_373, "3.17 million"), (0, "0"), (float("nan"), "0"),
])
def test_volume_words(value: float, words: str) -> None:
    assert volume_words(value) == words


@given(st.floats(min_value=1, max_value=1e12))
def test_volume_words_keep_three_significant_figures(value: float) -> None:
    words = volume_words(value)
    number, _, word = words.partition(" ")
    scale = {"": 1, "million": 1e6, "billion": 1e9, "trillion": 1e12}[word]
    said = float(number.replace(",", "")) * scale
    # Three significant figures: within half a unit of the third figure (and a rounding step).
    assert abs(said - value) <= value * 0.005 + 0.5, (value, words)


def test_only_volumes_and_only_whole_number_formats_round() -> None:
    params = in_words({"requests": 1_044_938_312, "switch_at": 42_522_478.4, "avg_rps": 500.0,
                       "peak_concurrency": 12_345_678, "flag": True})
    assert isinstance(params["requests"], Volume) and isinstance(params["switch_at"], Volume)
    assert not isinstance(params["avg_rps"], Volume) and params["flag"] is True
    assert f"{params['requests']:,.0f}" == "1.04 billion"
    assert f"{params['switch_at']:,.1f}" == "42,522,478.4"  # another format keeps its digits
    assert f"{params['peak_concurrency']:,.0f}" == "12,345,678"


def test_reason_text_rounds_and_params_keep_every_digit() -> None:
    text = render("sustained_volume_above_bill", {
        "peak_to_average": 2, "avg_rps": 500.0, "switch_at": 42_522_478.4})
    assert "above 42.5 million requests a month where EC2" in text
    assert render("use_case_pilot", {"requests": 1_044_938_312}).startswith(
        "A pilot with 1.04 billion requests a month")


def _strings(o: Any) -> list[str]:
    if isinstance(o, dict):
        return [s for v in o.values() for s in _strings(v)]
    if isinstance(o, list):
        return [s for v in o for s in _strings(v)]
    return [o] if isinstance(o, str) else []


@pytest.mark.parametrize("data", [
    {"requests_per_month": 1_044_938_312, "needs": {"use_case": "pilot"}},
    {"requests_per_month": 1_314_000_000, "duration_ms": 50, "traffic": {"peak_to_average": 2},
     "ec2": {"scaling": "autoscale"}, "basis": "bill_and_operations"},
    {"requests_per_month": 1_314_000_000, "duration_ms": 50, "traffic": {"peak_to_average": 2},
     "ec2": {"scaling": "autoscale"}, "options": ["lambda", "ec2", "fargate"]},
    {"requests_per_month": 200_123, "needs": {"use_case": "event_processing"}},
])
def test_no_sentence_of_a_result_prints_a_volume_with_every_digit(data: dict[str, Any]) -> None:
    data = {"duration_ms": 120, "memory_mb": 512, **data}
    out = compare(parse_workload(data), OPTION_SHEET).to_contract()
    texts = [out["verdict"]["text"]] + [r["text"] for r in out["recommendation"]["reasons"]]
    for t in texts:
        assert not EVERY_DIGIT.search(t), t
    # The numeric fields keep the full values.
    assert out["inputs"]["requests_per_month"] == data["requests_per_month"]
    for r in out["recommendation"]["reasons"]:
        for k in ("requests", "switch_at"):
            if r["params"].get(k) is not None:
                assert isinstance(r["params"][k], float | int) and not isinstance(
                    r["params"][k], Volume)
    if data["requests_per_month"] == 1_044_938_312:
        assert any("1.04 billion requests a month" in t for t in texts), texts
