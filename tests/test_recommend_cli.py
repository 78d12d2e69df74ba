"""Issue 5 through `manage.py compare`: the recommendation for the four cases the issue names."""

from __future__ import annotations

import io
import json
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command


def recommendation(workload: dict[str, Any]) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with mock.patch("sys.stdin", io.StringIO(json.dumps(workload))):
        call_command("compare", stdout=out, stderr=err)  # exits (SystemExit) on bad input
    result = json.loads(out.getvalue())
    rec = result["recommendation"]
    assert set(rec) >= {"choice", "confidence", "reasons", "blockers", "switch_at", "tco"}
    # On the default basis (the AWS bill) the totals are the bills; operations time is stated.
    assert result["basis"] == "bill"
    assert rec["tco"]["ec2"] == pytest.approx(result["ec2"]["monthly_usd"])
    assert rec["tco"]["ec2_ops"] == pytest.approx(8 * 75)
    return rec


def test_hourly_two_minute_job_is_lambda(price_book: Any) -> None:
    rec = recommendation({"requests_per_month": 730, "duration_ms": 120_000, "memory_mb": 1024,
                          "needs": {"use_case": "scheduled_job"}})
    assert rec["choice"] == "lambda"
    favours = {r["factor"]: r["favours"] for r in rec["reasons"]}
    assert favours["use_case"] == "lambda" and favours["cost"] == "lambda"
    assert any("730 runs a month" in r["text"] for r in rec["reasons"])


def test_two_thousand_cpu_bound_requests_a_second_is_ec2(price_book: Any) -> None:
    rec = recommendation({"requests_per_month": 2000 * 3600 * 730, "duration_ms": 200,
                          "memory_mb": 1769, "ec2": {"cpu_share": 1}})
    assert rec["choice"] == "ec2"
    assert {"cost", "cpu", "traffic"} <= {r["factor"] for r in rec["reasons"] if r["favours"] == "ec2"}
    assert rec["switch_at"] is not None and rec["switch_at"] < 2000 * 3600 * 730


def test_dedicated_tenancy_is_ec2_with_a_blocker_whatever_the_price(price_book: Any) -> None:
    rec = recommendation({"requests_per_month": 1000, "duration_ms": 50, "memory_mb": 128,
                          "needs": {"dedicated_tenancy": True}})
    assert rec["choice"] == "ec2" and rec["confidence"] == "high"
    assert [b["code"] for b in rec["blockers"]] == ["dedicated_tenancy"]
    assert "single-tenant" in rec["blockers"][0]["text"]
    assert rec["tco"]["lambda"] < rec["tco"]["ec2"]  # Lambda is far cheaper, and still ruled out
    assert rec["switch_at"] is None


def test_pilot_with_100k_requests_is_lambda(price_book: Any) -> None:
    rec = recommendation({"requests_per_month": 100_000, "duration_ms": 120, "memory_mb": 512,
                          "needs": {"use_case": "pilot"}})
    assert rec["choice"] == "lambda"
    assert any(r["code"] == "use_case_pilot" and "100,000 requests" in r["text"]
               for r in rec["reasons"])


def test_bad_needs_field_is_a_clear_error(price_book: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    data = {"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128,
            "needs": {"use_case": "cron", "latency_budget_ms": None}}
    with mock.patch("sys.stdin", io.StringIO(json.dumps(data))), pytest.raises(SystemExit) as exc:
        call_command("compare", stdout=out, stderr=err)
    assert exc.value.code == 2 and out.getvalue() == ""
    assert 'needs.use_case: must be one of "http_api", "scheduled_job"' in err.getvalue()
    assert "latency_budget_ms" not in err.getvalue()  # null is allowed there
