"""A saved report keeps the measured-usage summary read on / (signed by the server), never the
file: the report page says it, the JSON and CSV exports carry it, a forged token is ignored."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from advisor import services
from reports import measured
from reports.models import Report
from tests import usage_gen as g

INVS = g.invocations(25_664, days=7, seed=11)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def read_file(client: Client, data: bytes, **fields: str) -> tuple[str, str]:
    f = io.BytesIO(data)
    f.name = "tail.txt"
    response = client.post("/usage/", {"file": f, **fields}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    token = re.search(r'name="measured" form="save-report" value="([^"]+)"', html)
    assert token, "the usage result carries the signed summary for the save form"
    return html, token.group(1)


def save(client: Client, inputs: dict[str, Any], token: str | None) -> Report:
    data = {"inputs": json.dumps(inputs)}
    if token is not None:
        data["measured"] = token
    response = client.post("/r/new", data)
    assert response.status_code == 302, response.content
    return Report.objects.get(code=response["Location"].strip("/").split("/")[-1])


def inputs_from(client: Client, html: str) -> dict[str, Any]:
    """The workload the usage result filled in, as the results' save form would send it."""
    url = re.search(r'hx-get="([^"]+)" hx-trigger="load"', html).group(1).replace("&amp;", "&")
    page = client.get(url).content.decode()
    raw = re.search(r'name="inputs" value="([^"]+)"', page).group(1)
    return json.loads(raw.replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'"))


def test_saved_report_keeps_the_measured_summary_never_the_file(
        client: Client, price_book: Any) -> None:
    text = g.tail_text(INVS)
    request_ids = set(UUID.findall(text))
    assert len(request_ids) > 20_000
    html, token = read_file(client, text.encode())
    inputs = inputs_from(client, html)
    report = save(client, inputs, token)

    kept = report.snapshot["measured"]
    assert kept["format"] == "lambda_report_text"
    assert kept["invocations"] == 25_664 and kept["memory_mb"] == 512
    assert set(kept["duration_ms"]) == {"mean", "p50", "p90", "p99", "max"}
    assert set(kept["max_memory_used_mb"]) == {"p50", "p99", "max"}
    assert kept["cold_starts"] > 0 and "timeouts" in kept
    assert len(kept["hourly_requests"]) == 168
    assert sum(c for _h, c in kept["hourly_requests"]) == 25_664

    page = client.get(report.get_absolute_url()).content.decode()
    assert "Measured usage" in page
    assert re.search(r"25,664 invocations over 7\.0 days, mean 83\.\d ms at 512 MB, "
                     r"\d\.\d % cold starts\.", page)
    assert re.search(r"p99 uses \d+ MB of 512 MB", page)

    body = client.get(f"/r/{report.code}.json").json()
    assert body["measured"] == kept
    rows = list(csv.reader(io.StringIO(client.get(f"/r/{report.code}.csv").content.decode())))
    assert ["measured", "invocations", "25664", ""] in rows
    assert ["measured", "duration_ms.p99", str(kept["duration_ms"]["p99"]), ""] in rows
    # Nothing of the file itself: no request ID, log stream, ARN or account anywhere.
    for out in (report.snapshot_json, page, json.dumps(body)):
        assert not request_ids & set(UUID.findall(out))
        assert "[$LATEST]" not in out and "arn:aws" not in out


def test_korean_report_page_says_it_in_korean(client: Client, price_book: Any) -> None:
    html, token = read_file(client, g.tail_text(INVS[:500]).encode())
    report = save(client, inputs_from(client, html), token)
    page = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "측정한 사용량" in page and "500" in page


@pytest.mark.parametrize("forge", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature altered
    lambda t: signing.dumps({"invocations": 1e9, "format": "lambda_report_text"},
                            salt=measured.SALT, key="not-our-secret", compress=True),
    lambda t: signing.dumps({"invocations": 1e9}, salt="another.purpose", compress=True),
    lambda t: "x" * (measured.MAX_TOKEN + 1),
    lambda t: '{"invocations": 5}',  # plain JSON is not a token
])
def test_a_forged_token_is_ignored_and_the_report_saved_without_it(
        client: Client, price_book: Any, forge: Any) -> None:
    html, token = read_file(client, g.tail_text(INVS[:500]).encode())
    report = save(client, inputs_from(client, html), forge(token))
    assert "measured" not in report.snapshot
    assert "measured" not in client.get(f"/r/{report.code}.json").json()
    assert "Measured usage" not in client.get(report.get_absolute_url()).content.decode()


def test_an_expired_token_is_ignored(client: Client, price_book: Any, monkeypatch: Any) -> None:
    _html, token = read_file(client, g.tail_text(INVS[:50]).encode())
    assert measured.unsign(token)
    monkeypatch.setattr(measured, "MAX_AGE_S", -1)
    assert measured.unsign(token) is None


def test_a_token_of_another_workload_is_left_out(client: Client, price_book: Any) -> None:
    """Read a file, then choose another workload (a preset) and save: the report makes no
    claim that the other workload was measured."""
    html, token = read_file(client, g.tail_text(INVS[:500]).encode())
    inputs = inputs_from(client, html)
    assert "measured" in save(client, inputs, token).snapshot
    other = {**inputs, "requests_per_month": inputs["requests_per_month"] * 2}
    assert "measured" not in save(client, other, token).snapshot


def test_a_report_without_a_file_has_no_measured(client: Client, price_book: Any) -> None:
    inputs = services.run({"requests_per_month": 1_000_000, "duration_ms": 100,
                           "memory_mb": 512})["inputs"]
    report = save(client, inputs, None)
    assert "measured" not in report.snapshot


def test_a_cost_file_keeps_the_bill_totals(client: Client, price_book: Any) -> None:
    lines = g.lambda_cost_lines(INVS) + g.NOISE_LINES
    f = io.BytesIO(g.gz(g.cur2_csv(lines)))
    f.name = "cur.csv.gz"
    response = client.post("/usage/", {"file": f, "usage_memory_mb": "512"},
                           HTTP_HX_REQUEST="true")
    token = re.search(r'name="measured" form="save-report" value="([^"]+)"',
                      response.content.decode()).group(1)
    summary = measured.unsign(token)
    assert summary["format"] == "cur2" and summary["region"] == "us-east-1"
    assert summary["bill"]["billed_usd"] > 0 and "priced_usd" in summary["bill"]
    assert "lines" not in summary["bill"]  # the totals only, not the file's lines
    assert "123456789012" not in json.dumps(summary) and "arn:aws" not in json.dumps(summary)


def test_summarise_keeps_only_known_bounded_numbers() -> None:
    kept = measured.summarise({
        "format": "lambda_report_text",
        "measured": {"invocations": 10, "request_id": "abc", "duration_ms": {"mean": 1.0,
                                                                            "x": 2},
                     "timeouts": float("nan"), "cold_starts": True, "span_hours": 1e30,
                     "region": "arn:aws:lambda:us-east-1:123456789012:function:f",
                     "hourly_requests": [["2026-11-02T00:00Z", 3]] * (measured.MAX_HOURS + 1)},
    })
    assert kept == {"format": "lambda_report_text", "invocations": 10,
                    "duration_ms": {"mean": 1.0}}


# --- Chromium: the hidden field outside the save form is sent with it (form="save-report") ---

@pytest.mark.browser
def test_save_and_share_after_reading_a_file_keeps_the_summary(
        live_server: Any, page: Any, price_book: Any, tmp_path: Path) -> None:
    path = tmp_path / "tail.txt"
    path.write_text(g.tail_text(INVS[:2000]))
    page.goto(live_server.url + "/")
    page.click("#usage-start summary")
    page.set_input_files("#usage-file", str(path))
    page.click("#usage-submit")
    page.wait_for_selector("#usage-summary")
    # The start example has 512 MB too: wait for the measured duration (83.x ms), which only
    # the workload read from the file has, before saving.
    page.wait_for_function("() => location.search.includes('duration_ms=83.')")
    page.wait_for_function(
        "() => document.querySelector('#save-report input[name=inputs]')"
        " && document.querySelector('#save-report input[name=inputs]').value"
        ".includes('\"duration_ms\":83.')")
    page.click("#save-and-share")
    page.wait_for_url("**/r/*/")
    assert "2,000 invocations over" in page.locator(".measured-usage").inner_text()
    report = Report.objects.get()
    assert report.snapshot["measured"]["invocations"] == 2000
