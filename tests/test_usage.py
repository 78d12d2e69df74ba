"""The usage importer (advisor/usage/): every format from the project's generators, with the
noise real files carry; the three log formats agree; a measured workload reproduces the bill."""

from __future__ import annotations

import gzip
import io
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.usage import Params, UsageError, read_usage
from tests import usage_gen as g

INVS = g.invocations(25_664, days=7, memory_sizes=(512, 1024), seed=11)


def read(data: str | bytes, **params: Any) -> dict[str, Any]:
    raw = data.encode() if isinstance(data, str) else data
    return read_usage(io.BytesIO(raw), Params(**params))


def expected_mean(invs: list[g.Invocation]) -> float:
    return sum(i.duration for i in invs) / len(invs)


def span_hours(invs: list[g.Invocation]) -> float:
    return (invs[-1].ts - invs[0].ts) / 3600


def contract_workload(workload: dict[str, Any]) -> dict[str, Any]:
    """The workload as read: the contract accepts it whole, measured shape included."""
    return workload


# --- REPORT lines, text ---------------------------------------------------------------------

def test_tail_text_with_noise_gives_the_measured_workload() -> None:
    result = read(g.tail_text(INVS, truncated=3))
    assert result["format"] == "lambda_report_text"
    w, m = result["workload"], result["measured"]
    assert m["invocations"] == 25_664
    assert w["requests_per_month"] == pytest.approx(25_664 * 730 / span_hours(INVS), rel=1e-6)
    assert w["duration_ms"] == pytest.approx(expected_mean(INVS), rel=1e-6)
    assert w["memory_mb"] == 512
    cold = [i for i in INVS if i.init is not None]
    assert w["cold_start_rate"] == pytest.approx(len(cold) / len(INVS), abs=1e-6)
    assert w["init_duration_ms"] == pytest.approx(sum(i.init for i in cold) / len(cold), rel=1e-5)
    assert m["timeouts"] == sum(i.timeout for i in INVS) > 0
    assert m["lines"]["malformed"] == 3
    assert m["lines"]["skipped"] == 3 * 25_664 + len(cold)  # START, app, END, INIT_START
    assert any("3 REPORT line(s) could not be read" in x for x in result["warnings"])
    assert any("several memory sizes" in x for x in result["warnings"])
    assert m["memory_sizes"] == {"512": sum(i.memory == 512 for i in INVS),
                                 "1024": sum(i.memory == 1024 for i in INVS)}
    # Percentiles within the histogram's 0.1 % bins of the exact order statistics.
    durations = sorted(i.duration for i in INVS)
    for q in (50, 90, 99):
        exact = durations[-(-q * len(durations) // 100) - 1]
        assert m["duration_ms"][f"p{q}"] == pytest.approx(exact, rel=1.5e-3)
    assert m["duration_ms"]["max"] == durations[-1]
    assert result["suggestions"][0].startswith(f"p99 uses {m['max_memory_used_mb']['p99']} MB of 512 MB")


def test_peak_profile_and_daily_range() -> None:
    result = read(g.tail_text(INVS, noise=False))
    w = result["workload"]
    hourly = g.hourly_counts(INVS)
    mean = len(INVS) / span_hours(INVS)
    assert result["measured"]["busiest_hour_to_mean"] == pytest.approx(
        max(hourly.values()) / mean, rel=1e-3)
    weights = w["traffic"]["hourly_weights"]
    # The contract's peak with a measured shape is the shape's own busiest hour.
    assert w["traffic"]["peak_to_average"] == pytest.approx(max(weights), rel=1e-4)
    assert w["traffic"]["profile"] == "custom" and len(weights) == 24  # 6 whole days: by hour of day
    assert sum(weights) / 24 == pytest.approx(1, abs=1e-5)
    assert weights.index(max(weights)) in range(12, 18)  # the generator's busy afternoon
    low, mid, high = w["ranges"]["requests_per_month"]
    assert low < mid < high and mid == w["requests_per_month"]


def test_a_week_and_more_gives_168_weights() -> None:
    invs = g.invocations(5_000, days=9, seed=2)
    weights = read(g.tail_text(invs, noise=False))["workload"]["traffic"]["hourly_weights"]
    assert len(weights) == 168 and sum(weights) / 168 == pytest.approx(1, abs=1e-5)


def test_insights_csv_and_short_tail_match_the_tail() -> None:
    base = read(g.tail_text(INVS[:2000]))["workload"]
    assert read(g.insights_csv(INVS[:2000]))["workload"] == base
    assert read(g.tail_text(INVS[:2000], short=True))["workload"] == base


def test_bare_lines_need_hours() -> None:
    with pytest.raises(UsageError) as info:
        read(g.bare_text(INVS[:50]))
    assert info.value.field == "hours"
    w = read(g.bare_text(INVS[:50]), hours=2)["workload"]
    assert w["requests_per_month"] == pytest.approx(50 * 730 / 2)
    assert "traffic" not in w and "ranges" not in w


def test_only_start_and_end_lines_is_nothing_usable() -> None:
    text = "\n".join(line for line in g.tail_text(INVS[:20]).splitlines() if "REPORT" not in line)
    with pytest.raises(UsageError) as info:
        read(text + "\nREPORT RequestId: abc")  # one REPORT, cut short
    assert info.value.kind == "unusable" and "no REPORT line" in info.value.message


def test_gzip_is_recognised_by_its_magic_bytes() -> None:
    text = g.tail_text(INVS[:500])
    assert read(g.gz(text))["workload"] == read(text)["workload"]


def test_no_request_id_arn_or_account_in_the_output() -> None:
    text = g.tail_text(INVS[:300])
    ids = set(re.findall(r"RequestId: (\S+)", text))
    out = json.dumps(read(text))
    assert ids and not any(i in out for i in ids)
    lines = g.lambda_cost_lines(INVS) + g.NOISE_LINES
    out = json.dumps(read(g.cur2_csv(lines), memory_mb=512))
    assert "123456789012" not in out and "arn:aws" not in out


# --- JSON log formats -----------------------------------------------------------------------

def test_json_log_format_lines_and_through_tail() -> None:
    base = read(g.tail_text(INVS))["workload"]
    for text in (g.json_lines(INVS), g.json_lines(INVS, tail=True)):
        result = read(text)
        assert result["format"] == "lambda_report_json"
        assert result["workload"] == base
        assert result["measured"]["timeouts"] == sum(i.timeout for i in INVS)


def test_filter_log_events_text_and_json_messages() -> None:
    base = read(g.tail_text(INVS))["workload"]
    for json_messages in (False, True):
        result = read(g.filter_log_events(INVS, json_messages=json_messages))
        assert result["format"] == "filter_log_events"
        assert result["workload"] == base


def test_filter_log_events_cut_short_counts_one_malformed() -> None:
    text = g.filter_log_events(INVS[:100])
    result = read(text[: len(text) * 3 // 4])
    assert 0 < result["measured"]["invocations"] < 100
    assert result["measured"]["lines"]["malformed"] == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 400), days=st.sampled_from([0.5, 1.5, 4.0]), seed=st.integers(0, 10_000),
       sizes=st.sampled_from([(128,), (512, 1024), (1769, 3008, 256)]))
def test_three_log_formats_give_the_same_workload(n: int, days: float, seed: int,
                                                 sizes: tuple[int, ...]) -> None:
    invs = g.invocations(n, days=days, memory_sizes=sizes, seed=seed, cold_rate=0.2)
    if invs[-1].ts == invs[0].ts:
        return
    text = read(g.tail_text(invs, seed=seed))["workload"]
    for other in (read(g.json_lines(invs, seed=seed))["workload"],
                  read(g.filter_log_events(invs, seed=seed))["workload"]):
        for key in ("requests_per_month", "duration_ms", "memory_mb", "cold_start_rate",
                    "init_duration_ms"):
            assert other[key] == pytest.approx(text[key], rel=1e-3), key
        assert other.get("traffic", {}).get("peak_to_average") == pytest.approx(
            text.get("traffic", {}).get("peak_to_average"), rel=1e-3)


# --- metrics --------------------------------------------------------------------------------

@pytest.mark.parametrize("newest_first", [True, False])
@pytest.mark.parametrize("by", ["Label", "Id"])
def test_get_metric_data_lambda(newest_first: bool, by: str) -> None:
    invs = INVS
    result = read(g.get_metric_data(invs, newest_first=newest_first, by=by), memory_mb=512)
    assert result["format"] == "cloudwatch_metrics"
    w = result["workload"]
    # Counts summed; span = first to last period plus one period.
    first = int(invs[0].ts // 300) * 300
    last = int(invs[-1].ts // 300) * 300
    assert w["requests_per_month"] == pytest.approx(len(invs) * 730 / ((last - first + 300) / 3600))
    # Duration weighted by each period's invocations = the plain mean of every invocation.
    assert w["duration_ms"] == pytest.approx(expected_mean(invs), rel=1e-6)
    assert w["memory_mb"] == 512
    hourly = g.hourly_counts(invs)
    assert result["measured"]["busiest_hour_to_mean"] == pytest.approx(
        max(hourly.values()) / (len(invs) / result["measured"]["span_hours"]), rel=1e-3)


def test_alb_metrics_are_in_seconds() -> None:
    for text in (g.get_metric_data(INVS, alb=True), g.get_metric_statistics(INVS, alb=True)):
        result = read(text)
        assert result["measured"]["source"] == "alb"
        assert result["workload"]["duration_ms"] == pytest.approx(expected_mean(INVS), rel=1e-6)
        assert any("1024 MB is assumed" in x for x in result["warnings"])


def test_get_metric_statistics_two_documents() -> None:
    result = read(g.get_metric_statistics(INVS, period=3600), memory_mb=256)
    assert result["workload"]["duration_ms"] == pytest.approx(expected_mean(INVS), rel=1e-6)
    assert result["measured"]["invocations"] == len(INVS)


def test_metrics_without_counts_are_unusable() -> None:
    doc = json.loads(g.get_metric_data(INVS[:100]))
    doc["MetricDataResults"] = doc["MetricDataResults"][1:]
    with pytest.raises(UsageError, match="no request count"):
        read(json.dumps(doc))


# --- cost files -----------------------------------------------------------------------------

LINES = g.lambda_cost_lines(INVS) + g.NOISE_LINES


@pytest.mark.parametrize("name, data", [
    ("cur2", g.cur2_csv(LINES).encode()),
    ("cur2", g.gz(g.cur2_csv(LINES))),
    ("cur2", g.cur2_parquet(LINES)),
    ("cur_legacy", g.cur_legacy_csv(LINES).encode()),
    ("focus", g.focus_csv(LINES).encode()),
])
def test_cost_files(name: str, data: bytes) -> None:
    result = read(data, memory_mb=512)
    assert result["format"] == name
    w, bill = result["workload"], result["bill"]
    gb_s = sum(i.billed * i.memory for i in INVS) / 1024 / 1000
    assert w["requests_per_month"] == pytest.approx(len(INVS) * 730 / (7 * 24))
    assert w["duration_ms"] == pytest.approx(gb_s / (len(INVS) * 0.5) * 1000, rel=1e-6)
    assert w["front_door"] == "http_api" and w["region"] == "us-east-1"
    kinds = {x["kind"] for x in bill["apart"]}
    assert {"tax", "credit", "other"} <= kinds
    usage_types = {x["usage_type"] for x in bill["lines"]}
    assert {"Request", "Lambda-GB-Second", "BoxUsage:t3.micro", "ApiGatewayHttpRequest",
            "LoadBalancerUsage", "NatGateway-Hours", "PublicIPv4:InUseAddress",
            "DataProcessing-Bytes"} == usage_types
    # Tax and credits never counted as usage.
    assert bill["billed_usd"] == pytest.approx(sum(c.cost for c in LINES if c.line_type == "Usage"
                                                   and c.product != "AmazonS3"), abs=1e-5)
    assert bill["period"]["hours"] == 168


def test_region_from_the_usage_type_prefix() -> None:
    lines = g.lambda_cost_lines(INVS[:1000], prefix="APN2-", region="")
    result = read(g.cur2_csv(lines), memory_mb=512)
    assert result["workload"]["region"] == "ap-northeast-2"
    assert {x["usage_type"] for x in result["bill"]["lines"]} == {"Request", "Lambda-GB-Second"}
    lines = g.lambda_cost_lines(INVS[:1000], prefix="EUC1-", region="")
    assert read(g.cur_legacy_csv(lines), memory_mb=512)["workload"]["region"] == "eu-central-1"


def test_cost_file_without_memory_warns() -> None:
    result = read(g.cur2_csv(LINES))
    assert result["workload"]["memory_mb"] == 1024
    assert any("memory_mb" in x for x in result["warnings"])


def test_cost_file_with_only_tax_is_unusable() -> None:
    with pytest.raises(UsageError):
        read(g.cur2_csv([c for c in g.NOISE_LINES if c.line_type != "Usage"]))


# --- errors and limits ----------------------------------------------------------------------

def test_empty_and_unrecognised_name_the_formats() -> None:
    for data in (b"", b"   \n", b"hello world\n", b"\x00\x01binary"):
        with pytest.raises(UsageError) as info:
            read(data)
        assert info.value.kind == "unrecognised"
        assert "lambda_report_text" in info.value.message and "cur2" in info.value.message


def test_damaged_gzip_is_an_error_not_a_crash() -> None:
    with pytest.raises(UsageError):
        read(b"\x1f\x8b\x08\x00garbage")
    whole = g.gz(g.tail_text(INVS[:2000]))
    with pytest.raises(UsageError):
        read(whole[: len(whole) // 2])


def test_gzip_bomb_stops_at_the_limit() -> None:
    line = g.tail_text(INVS[:1], noise=False).encode()
    bomb = gzip.compress(line * 300_000)  # about 60 MB from a few hundred KB
    with pytest.raises(UsageError) as info:
        read_usage(io.BytesIO(bomb), Params(), limit=1_000_000)
    assert info.value.kind == "too_large"


def test_forced_format_and_bad_parameters() -> None:
    with pytest.raises(UsageError) as info:
        read(g.tail_text(INVS[:10]), format="nope")
    assert info.value.field == "format"
    with pytest.raises(UsageError) as info:
        read(g.tail_text(INVS[:10]), memory_mb=64)
    assert info.value.field == "memory_mb"
    with pytest.raises(UsageError) as info:
        read(g.tail_text(INVS[:10]), hours=-1)
    assert info.value.field == "hours"
    # A forced format reads what it can: a metrics reader finds no counts in log lines.
    with pytest.raises(UsageError):
        read(g.tail_text(INVS[:10]), format="cloudwatch_metrics")


# --- the workload goes to the comparison ----------------------------------------------------

def test_workloads_are_accepted_by_the_contract_and_round_trip_the_bill(price_book: Any) -> None:
    from advisor import services

    result = read(g.tail_text(INVS), free_tier=False)
    workload = contract_workload(result["workload"])
    compared = services.run(workload)
    # The file's billed GB-seconds, a month of them, at the book's price.
    gb_s = sum(i.billed * i.memory for i in INVS) / 1024 / 1000 * 730 / span_hours(INVS)
    price = 0.0000166667
    # Every invocation at the most frequent memory size (512 MB): the file's own GB-seconds at
    # that size, rounding and INIT apart (the engine rounds the mean, not each invocation).
    gb_s_at_512 = sum(i.billed * 512 for i in INVS) / 1024 / 1000 * 730 / span_hours(INVS)
    assert compared["lambda"]["items"]["compute"] == pytest.approx(gb_s_at_512 * price, rel=0.015)
    assert gb_s > gb_s_at_512  # the file's 1024 MB invocations cost more than the workload says
    for text in (g.get_metric_data(INVS), g.cur2_csv(LINES), g.focus_csv(LINES)):
        services.run(contract_workload(read(text, memory_mb=512)["workload"]))


def test_round_trip_one_memory_size(price_book: Any) -> None:
    from advisor import services

    invs = g.invocations(20_000, days=3, seed=5, cold_rate=0.05)
    workload = contract_workload(read(g.tail_text(invs), free_tier=False)["workload"])
    compute = services.run(workload)["lambda"]["items"]["compute"]
    billed_gb_s = sum(i.billed * i.memory for i in invs) / 1024 / 1000 * 730 / span_hours(invs)
    assert compute == pytest.approx(billed_gb_s * 0.0000166667, rel=0.015)


def test_an_unrecognised_file_is_not_quoted_back() -> None:
    secret = b"arn:aws:iam::123456789012:role/x 8f2e4b1c-aaaa-bbbb-cccc-000000000000\n"
    with pytest.raises(UsageError) as info:
        read(secret)
    assert "123456789012" not in info.value.message and "8f2e4b1c" not in info.value.message
