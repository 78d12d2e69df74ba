"""`manage.py compare`: the contract on the command line, good input and bad."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command


def run_cli(stdin: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch("sys.stdin", io.StringIO(stdin)):
        try:
            call_command("compare", *args, stdout=out, stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_aws_example_l1_through_the_command_line(price_book: Any) -> None:
    code, out, err = run_cli(json.dumps({"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}))
    assert code == 0, err
    result = json.loads(out)
    assert result["lambda"]["items"]["compute"] == pytest.approx(2.333338, abs=1e-6)
    assert result["lambda"]["items"]["requests"] == pytest.approx(0.40)
    assert result["price_book"]["region"] == "us-east-1"
    assert result["price_book"]["name"] == price_book.name
    assert result["inputs"]["ec2"]["min_instances"] == 2
    assert result["cheaper"] in ("lambda", "ec2", "tie")


def test_reads_a_file(price_book: Any, tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"requests_per_month": 1000, "duration_ms": 10, "memory_mb": 128}))
    code, out, _ = run_cli("", str(path))
    assert code == 0
    assert json.loads(out)["inputs"]["requests_per_month"] == 1000


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        ("not json", "input: not valid JSON"),
        ("[1, 2]", "input: must be a JSON object with the workload fields"),
        ('{"requests_per_month": NaN, "duration_ms": 1, "memory_mb": 128}', "input: not valid JSON"),
        ('{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 20000}',
         "memory_mb: must be an integer between 128 and 10240 (got 20000)"),
        ('{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128, "memroy_mb": 1}', "memroy_mb: unknown field"),
        ('{"requests_per_month": "many", "duration_ms": 1, "memory_mb": 128}', "requests_per_month: must be a number"),
        ('{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128, "traffic": {"peak": 2}}',
         "traffic.peak: unknown field"),
        ('{"duration_ms": 1, "memory_mb": 128}', "requests_per_month: required"),
        ('{"requests_per_month": 1e400, "duration_ms": 1, "memory_mb": 128}', "requests_per_month: must be"),
        ('{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128, "region": "xx-nowhere-1"}',
         "region: no published price book for xx-nowhere-1"),
    ],
)
def test_bad_input_exits_2_with_field_named_lines(price_book: Any, stdin: str, expected: str) -> None:
    code, out, err = run_cli(stdin)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err


def test_bad_date_and_missing_file(price_book: Any) -> None:
    code, out, err = run_cli("{}", "/nonexistent/w.json", "--at", "tomorrow")
    assert code == 2 and out == ""
    assert "--at: must be a date as YYYY-MM-DD (got 'tomorrow')" in err
    assert "file: cannot read /nonexistent/w.json" in err


def test_prices_as_of_a_date_before_any_book(price_book: Any) -> None:
    code, _, err = run_cli('{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128}', "--at", "2020-01-01")
    assert code == 2
    assert "region: no published price book for us-east-1 in force on 2020-01-01" in err
