"""parse_workload(): defaults, every kind of bad input, messages that name the allowed values."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from advisor.pricing.workload import (
    FIELDS,
    GROUPS,
    OPTION_GROUPS,
    Workload,
    WorkloadError,
    field_table,
    parse_workload,
)

MINIMAL = {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}


def errors_of(data: Any) -> dict[str, list[str]]:
    with pytest.raises(WorkloadError) as err:
        parse_workload(data)
    return err.value.errors


def test_defaults_filled_in() -> None:
    d = parse_workload(MINIMAL).to_dict()
    assert d["region"] == "us-east-1"
    assert d["hours_per_month"] == 730
    assert d["provisioned_hours_per_month"] == 0
    assert d["provisioned_share_of_requests"] == 0
    assert d["traffic"] == {"peak_to_average": 1, "profile": "flat"}
    assert d["connections"] == {"requests_per_connection": 10, "connection_seconds": 60,
                                "rules_per_request": 1}
    assert d["ec2"]["instance_type"] == "auto" and d["ec2"]["min_instances"] == 2
    # With the default options the inputs read as they did before there were other options;
    # `ranges` is always echoed ({} when none was given).
    assert set(d) == ({f.name for f in FIELDS if f.group is None} | set(GROUPS) | {"ranges"}) - {
        "options", *OPTION_GROUPS}
    assert d["ranges"] == {}
    json.dumps(d, allow_nan=False)


def test_provisioned_defaults_follow_concurrency() -> None:
    w = parse_workload({**MINIMAL, "provisioned_concurrency": 5, "hours_per_month": 720})
    assert w.provisioned_hours_per_month == 720
    assert w.provisioned_share_of_requests == 1
    w = parse_workload({**MINIMAL, "provisioned_concurrency": 5, "provisioned_hours_per_month": 8,
                        "provisioned_share_of_requests": 0.25})
    assert (w.provisioned_hours_per_month, w.provisioned_share_of_requests) == (8, 0.25)


def test_round_trip() -> None:
    data = {**MINIMAL, "architecture": "arm64", "traffic": {"peak_to_average": 3},
            "ec2": {"scaling": "autoscale", "purchase": "spot"}}
    w = parse_workload(data)
    assert parse_workload(w.to_dict()) == w
    assert parse_workload(json.loads(json.dumps(w.to_dict()))) == w


def test_integral_float_is_an_integer() -> None:
    assert parse_workload({**MINIMAL, "memory_mb": 1024.0}).memory_mb == 1024
    assert "memory_mb" in errors_of({**MINIMAL, "memory_mb": 1024.5})


def test_not_an_object() -> None:
    assert "__all__" in errors_of([1, 2])


def test_missing_required() -> None:
    errs = errors_of({"duration_ms": 5})
    assert errs["requests_per_month"] == ["required: a number between 0 and 1e13"]
    assert errs["memory_mb"] == ["required: an integer between 128 and 10240"]


def test_unknown_fields_top_and_nested() -> None:
    errs = errors_of({**MINIMAL, "memroy_mb": 1, "traffic": {"peak": 2}, "ec2": {"type": "x"}})
    assert "memroy_mb" in errs and "memory_mb" in errs["memroy_mb"][0]
    assert "traffic.peak" in errs and "peak_to_average" in errs["traffic.peak"][0]
    assert "ec2.type" in errs


def test_nested_object_of_wrong_type() -> None:
    errs = errors_of({**MINIMAL, "traffic": 3})
    assert "peak_to_average" in errs["traffic"][0]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("memory_mb", 20000, "memory_mb: must be an integer between 128 and 10240 (got 20000)"),
    ("memory_mb", "1024", 'memory_mb: must be an integer between 128 and 10240 (got "1024")'),
    ("memory_mb", True, "memory_mb: must be an integer between 128 and 10240 (got true)"),
    ("requests_per_month", False, "requests_per_month: must be a number between 0 and 1e13 (got false)"),
    ("requests_per_month", -1, "requests_per_month: must be a number between 0 and 1e13 (got -1)"),
    ("duration_ms", 0, "duration_ms: must be a number greater than 0 and at most 900000 (got 0)"),
    ("duration_ms", float("nan"), "duration_ms: must be a finite number: a number greater than 0 "
                                  "and at most 900000 (got NaN)"),
    ("duration_ms", float("inf"), "duration_ms: must be a finite number: a number greater than 0 "
                                  "and at most 900000 (got Infinity)"),
    ("free_tier", 1, "free_tier: must be true or false (got 1)"),
    ("front_door", "apigw", 'front_door: must be one of "none", "http_api", "rest_api", "alb", '
                            '"function_url" (got "apigw")'),
    ("billing_granularity_ms", 10, "billing_granularity_ms: must be one of 1, 100 (got 10)"),
    ("hours_per_month", 800, "hours_per_month: must be a number between 1 and 744 (got 800)"),
    ("data_transfer_out_gb", -5, "data_transfer_out_gb: must be a number between 0 and 1e9 (got -5)"),
    ("region", "Mars", 'region: must be an AWS region code such as us-east-1 (got "Mars")'),
])
def test_bad_values_name_the_allowed_range(field: str, value: Any, expected: str) -> None:
    with pytest.raises(WorkloadError) as err:
        parse_workload({**MINIMAL, field: value})
    assert err.value.lines() == [expected]


def test_nested_bad_values() -> None:
    errs = errors_of({**MINIMAL, "traffic": {"peak_to_average": 0.5, "profile": "weekly"},
                      "ec2": {"min_instances": 0, "availability_zones": 2.5,
                              "target_utilization": True}})
    assert errs["traffic.peak_to_average"] == ["must be a number between 1 and 1000 (got 0.5)"]
    assert "business_hours" in errs["traffic.profile"][0]
    assert errs["ec2.min_instances"] == ["must be an integer between 1 and 10000 (got 0)"]
    assert "between 1 and 6" in errs["ec2.availability_zones"][0]
    assert "between 0.05 and 1" in errs["ec2.target_utilization"][0]


def test_every_problem_reported_at_once() -> None:
    errs = errors_of({"memory_mb": 1, "duration_ms": -1, "extra": 1})
    assert set(errs) == {"memory_mb", "duration_ms", "extra", "requests_per_month"}


def test_inconsistent_values() -> None:
    errs = errors_of({**MINIMAL, "provisioned_share_of_requests": 0.5})
    assert "provisioned_concurrency" in errs["provisioned_share_of_requests"][0]
    errs = errors_of({**MINIMAL, "provisioned_concurrency": 2, "hours_per_month": 720,
                      "provisioned_hours_per_month": 730})
    assert errs["provisioned_hours_per_month"] == [
        "must be between 0 and hours_per_month (720) (got 730)"]


def test_field_table_covers_the_dataclasses() -> None:
    top = {f.name for f in dataclasses.fields(Workload)}
    for spec in FIELDS:
        if spec.group is None:
            assert spec.name in top
        else:
            assert spec.key in {f.name for f in dataclasses.fields(GROUPS[spec.group])}
        assert spec.help and spec.describe()
    rows = field_table()
    assert len(rows) == len(FIELDS)
    assert next(r for r in rows if r["name"] == "memory_mb")["maximum"] == 10240
    json.dumps(rows)
