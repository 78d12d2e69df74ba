"""POST /api/v1/usage and `manage.py usage`: good files and every error, never a 500."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from reports import usage_api
from tests import usage_gen as g

INVS = g.invocations(3_000, days=4, seed=3)
TAIL = g.tail_text(INVS)
URL = "/api/v1/usage"


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def post(client: Client, body: bytes | str, query: str = "", **extra: Any) -> Any:
    data = body.encode() if isinstance(body, str) else body
    return client.post(URL + query, data=data, content_type="text/plain", **extra)


def errors(response: Any) -> dict[str, list[str]]:
    body = response.json()
    assert set(body) == {"errors"}
    return body["errors"]


def test_body_gives_workload_accepted_by_compare(api: Client, price_book: Any) -> None:
    response = post(api, TAIL, "?free_tier=false&region=us-east-1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"format", "workload", "measured", "warnings", "suggestions"}
    assert body["format"] == "lambda_report_text"
    assert body["workload"]["free_tier"] is False
    compared = api.post("/api/v1/compare", json.dumps(body["workload"]),
                        content_type="application/json")
    assert compared.status_code == 200, compared.content


def test_gzip_by_magic_bytes_and_by_content_encoding(api: Client, price_book: Any) -> None:
    plain = post(api, TAIL).json()["workload"]
    assert post(api, g.gz(TAIL)).json()["workload"] == plain
    # Content-Encoding: gzip on a body that is gzip (magic bytes too) reads the same.
    assert post(api, g.gz(TAIL), HTTP_CONTENT_ENCODING="gzip").json()["workload"] == plain


def test_multipart_field_file(api: Client, price_book: Any) -> None:
    upload = io.BytesIO(g.gz(g.cur2_csv(g.lambda_cost_lines(INVS) + g.NOISE_LINES)))
    upload.name = "cur.csv.gz"
    response = api.post(URL + "?memory_mb=512", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "cur2"
    assert body["bill"]["priced_usd"] == pytest.approx(body["bill"]["billed_usd_of_priced_lines"],
                                                       rel=1e-3)
    lambda_lines = [x for x in body["bill"]["lines"] if x["product_code"] == "AWSLambda"]
    assert all(x["priced_usd"] == pytest.approx(x["billed_usd"], rel=1e-3) for x in lambda_lines)


def test_a_line_apart_from_the_book_is_named(api: Client, price_book: Any) -> None:
    lines = g.lambda_cost_lines(INVS, request_price=0.25)  # 25 % above the book's $0.20
    body = post(api, g.cur2_csv(lines), "?memory_mb=512").json()
    assert any("AWSLambda Request" in w and "billed" in w for w in body["warnings"])
    assert not any("Lambda-GB-Second" in w for w in body["warnings"])


def test_multipart_without_file(api: Client) -> None:
    response = api.post(URL, {"other": "x"})
    assert response.status_code == 400
    assert "file" in errors(response)


@pytest.mark.parametrize("body", [b"", b"hello\n", b"\x89PNG\r\n\x1a\n..."])
def test_empty_or_unrecognised_is_400_naming_formats(api: Client, body: bytes) -> None:
    response = post(api, body)
    assert response.status_code == 400
    message = errors(response)["file"][0]
    assert "lambda_report_text" in message and "cur2" in message and "focus" in message


def test_nothing_usable_is_400(api: Client) -> None:
    text = "\n".join(x for x in TAIL.splitlines() if "REPORT" not in x) + "\nREPORT RequestId: x"
    response = post(api, text)
    assert response.status_code == 400
    assert "no REPORT line" in errors(response)["file"][0]


def test_bare_lines_need_hours(api: Client) -> None:
    response = post(api, g.bare_text(INVS[:10]))
    assert response.status_code == 400 and "hours" in errors(response)
    assert post(api, g.bare_text(INVS[:10]), "?hours=1").status_code == 200


@pytest.mark.parametrize("query, field", [("?hours=abc", "hours"), ("?memory_mb=1.5", "memory_mb"),
                                          ("?free_tier=maybe", "free_tier"),
                                          ("?format=xml", "format"), ("?memory_mb=64", "memory_mb"),
                                          ("?hours=0", "hours")])
def test_bad_parameters_are_400(api: Client, query: str, field: str) -> None:
    response = post(api, TAIL, query)
    assert response.status_code == 400
    assert field in errors(response)


def test_over_20_mb_sent_is_413(api: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(usage_api, "MAX_SENT", 10_000)
    response = post(api, TAIL)
    assert response.status_code == 413
    assert "10000" in errors(response)["__all__"][0]
    upload = io.BytesIO(TAIL.encode())
    upload.name = "x.txt"
    assert api.post(URL, {"file": upload}).status_code == 413


def test_real_limits() -> None:
    assert usage_api.MAX_SENT == 20 * 1024 * 1024
    assert usage_api.MAX_DECOMPRESSED == 200 * 1024 * 1024


def test_gzip_bomb_is_413_at_the_limit(api: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(usage_api, "MAX_DECOMPRESSED", 1_000_000)
    bomb = gzip.compress(TAIL.encode() * 20)
    response = post(api, bomb)
    assert response.status_code == 413
    assert "decompressed" in errors(response)["file"][0]


def test_damaged_gzip_is_400(api: Client) -> None:
    assert post(api, b"\x1f\x8b\x08\x00broken").status_code == 400
    whole = g.gz(TAIL)
    assert post(api, whole[: len(whole) // 2]).status_code == 400


def test_other_methods_are_405(api: Client) -> None:
    response = api.get(URL)
    assert response.status_code == 405 and "POST" in response["Allow"]


@override_settings(REPORTS_PER_HOUR=2)
def test_rate_limited_like_report_creation(api: Client) -> None:
    assert post(api, TAIL).status_code == 200
    assert post(api, TAIL).status_code == 200
    response = post(api, TAIL)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_in_the_openapi_document(api: Client) -> None:
    doc = api.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/usage"]["post"]
    assert {p["name"] for p in op["parameters"]} >= {"hours", "memory_mb", "region", "free_tier",
                                                     "format"}
    assert {"200", "400", "413", "429"} <= set(op["responses"])


def test_the_file_is_never_logged(api: Client, caplog: Any) -> None:
    with caplog.at_level("DEBUG"):
        post(api, TAIL)
    assert "RequestId" not in caplog.text


# --- the command line ------------------------------------------------------------------------

def run_cli(command: str, stdin: bytes, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin))):
        try:
            call_command(command, *args, stdout=out, stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_cli_usage_file_and_stdin(tmp_path: Any, price_book: Any) -> None:
    path = tmp_path / "report.txt.gz"
    path.write_bytes(g.gz(TAIL))
    code, out, err = run_cli("usage", b"", str(path))
    assert code == 0, err
    from_file = json.loads(out)
    code, out, _ = run_cli("usage", TAIL.encode(), "-")
    assert code == 0 and json.loads(out) == from_file


def test_cli_parquet_from_a_path(tmp_path: Any, price_book: Any) -> None:
    path = tmp_path / "cur.parquet"
    path.write_bytes(g.cur2_parquet(g.lambda_cost_lines(INVS) + g.NOISE_LINES))
    code, out, err = run_cli("usage", b"", str(path), "--memory-mb", "512")
    assert code == 0, err
    assert json.loads(out)["bill"]["priced_usd"] > 0


@pytest.mark.parametrize("stdin, args, field", [
    (b"", ["-"], "file"),
    (b"hello\n", ["-"], "file"),
    (g.bare_text(INVS[:5]).encode(), ["-"], "hours"),
    ("\n".join(x for x in TAIL.splitlines() if "REPORT" not in x).encode(), ["-"], "file"),
    (TAIL.encode(), ["-", "--memory-mb", "99"], "memory_mb"),
    (b"", ["/no/such/file"], "file"),
])
def test_cli_errors_exit_2(stdin: bytes, args: list[str], field: str) -> None:
    code, out, err = run_cli("usage", stdin, *args)
    assert code == 2 and out == ""
    assert err.startswith(f"{field}: ") and "Traceback" not in err


def test_compare_with_usage(tmp_path: Any, price_book: Any) -> None:
    path = tmp_path / "tail.txt"
    path.write_text(TAIL)
    code, out, err = run_cli("compare", b"", "--usage", str(path), "--free-tier", "false")
    assert code == 0, err
    result = json.loads(out)
    assert result["inputs"]["free_tier"] is False
    assert result["inputs"]["requests_per_month"] == pytest.approx(
        3_000 * 730 / ((INVS[-1].ts - INVS[0].ts) / 3600), rel=1e-6)
    bare = tmp_path / "bare.txt"
    bare.write_text(g.bare_text(INVS[:5]))
    code, out, err = run_cli("compare", b"", "--usage", str(bare))
    assert code == 2 and out == "" and err.startswith("hours: ")


# --- hostile input: never a 500, never a traceback --------------------------------------------

def _mangled(draw: Any) -> bytes:
    from hypothesis import strategies as st

    base = draw(st.sampled_from([
        TAIL.encode(), g.json_lines(INVS[:50]).encode(), g.filter_log_events(INVS[:50]).encode(),
        g.get_metric_data(INVS[:200]).encode(), g.cur2_csv(g.lambda_cost_lines(INVS)).encode(),
        g.focus_csv(g.NOISE_LINES).encode(), g.cur2_parquet(g.NOISE_LINES), b""]))
    cut = draw(st.integers(0, len(base)))
    noise = draw(st.binary(max_size=200))
    mode = draw(st.sampled_from(["cut", "noise", "splice", "gzip-cut", "random"]))
    if mode == "cut":
        return base[:cut]
    if mode == "noise":
        return noise + base[cut:]
    if mode == "splice":
        return base[:cut] + noise + base[cut:]
    if mode == "gzip-cut":
        packed = gzip.compress(base)
        return packed[: max(2, cut * len(packed) // max(len(base), 1))]
    return noise


def _hostile_bodies() -> Any:
    from hypothesis import strategies as st

    return st.composite(lambda draw: _mangled(draw))()


from hypothesis import HealthCheck, given, settings  # noqa: E402


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=_hostile_bodies())
def test_hostile_bodies_are_200_or_a_json_error(api: Client, price_book: Any, body: bytes) -> None:
    with override_settings(REPORTS_PER_HOUR=0):
        response = post(api, body, "?memory_mb=512&hours=24")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert all(isinstance(m, str) for ms in errors(response).values() for m in ms)
    code, out, err = run_cli("usage", body, "-", "--memory-mb", "512", "--hours", "24")
    assert code in (0, 2) and "Traceback" not in err
    assert (code == 0) == (response.status_code == 200)
