"""What a hostile or unlucky client meets: methods and spellings the API does not list, errors
in the API's shape, headers, texts the database refuses, chunked bodies, retried creations."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from openapi_schema_validator import OAS31Validator

from reports.models import Report
from reports.openapi import document

WORKLOAD = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def report(price_book: Any) -> Report:
    response = Client().post("/api/v1/reports", json.dumps(WORKLOAD), content_type="application/json")
    assert response.status_code == 201
    return Report.objects.get(code=response.json()["code"])


def _errors_shape(response: Any) -> list[str]:
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"]
    return body["errors"]["__all__"]  # type: ignore[no-any-return]


# The OpenAPI document and the API agree -------------------------------------------------------

def _workload_schema() -> OAS31Validator:
    return OAS31Validator({"$ref": "#/components/schemas/Workload", "components": document()["components"]})


@pytest.mark.parametrize("extra", [
    {"provisioned_share_of_requests": 1},
    {"provisioned_share_of_requests": 0.5, "provisioned_concurrency": 0},
    {"provisioned_concurrency": 5, "provisioned_hours_per_month": 740},
])
def test_schema_refuses_what_the_cross_field_rules_refuse(api: Client, price_book: Any, extra: dict[str, Any]) -> None:
    body = {**WORKLOAD, **extra}
    assert not _workload_schema().is_valid(body)
    response = api.post("/api/v1/compare", json.dumps(body), content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("extra", [
    {"provisioned_concurrency": 5, "provisioned_share_of_requests": 1},
    {"provisioned_concurrency": 0, "provisioned_share_of_requests": 0},
    {"provisioned_concurrency": 5, "provisioned_hours_per_month": 700, "hours_per_month": 720},
])
def test_schema_accepts_what_the_api_accepts(api: Client, price_book: Any, extra: dict[str, Any]) -> None:
    body = {**WORKLOAD, **extra}
    _workload_schema().validate(body)
    response = api.post("/api/v1/compare", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("suffix", ["/", ".csv", ".json"])
@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_report_pages_answer_405_with_allow_not_a_csrf_page(api: Client, report: Report, suffix: str, method: str) -> None:
    response = getattr(api, method)(f"/r/{report.code}{suffix}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    if suffix == ".json":
        assert "GET, HEAD" in _errors_shape(response)[0]
    assert b"CSRF" not in response.content
    assert Report.objects.filter(code=report.code).exists()


@pytest.mark.parametrize("suffix", ["/", ".csv", ".json"])
def test_head_works_on_every_report_page_and_export(api: Client, report: Report, suffix: str) -> None:
    get = api.get(f"/r/{report.code}{suffix}")
    head = api.head(f"/r/{report.code}{suffix}")
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""
    assert api.head(f"/api/v1/reports/{report.code}").status_code == 200


def _spellings(code: uuid.UUID) -> list[str]:
    return [str(code).upper(), code.hex, "{" + str(code) + "}", code.urn, str(code) + " "]


def test_one_spelling_of_a_report_code_everywhere(api: Client, report: Report) -> None:
    for path in (f"/r/{report.code}/", f"/r/{report.code}.json", f"/r/{report.code}.csv",
                 f"/api/v1/reports/{report.code}"):
        assert api.get(path).status_code == 200
    for spelling in _spellings(report.code):
        for path in (f"/r/{spelling}/", f"/r/{spelling}.json", f"/api/v1/reports/{spelling}"):
            response = api.get(path)
            assert response.status_code == 404, path
            if ".json" in path or path.startswith("/api/"):
                assert _errors_shape(response) == ["There is no report with this code."]


# Errors in the API's shape ----------------------------------------------------------------------

def test_unknown_api_path_is_a_json_404(api: Client, db: None) -> None:
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "openapi.json" in _errors_shape(response)[0]


def test_a_refused_host_on_an_api_path_is_a_json_400(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/openapi.json", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _errors_shape(response) == ["The request could not be understood."]
    assert "text/html" in client.get("/", HTTP_HOST="evil.example")["Content-Type"]


def test_a_bug_in_an_api_view_is_a_json_500(db: None, monkeypatch: Any) -> None:
    from advisor import services

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(services, "run", broken)
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/compare", json.dumps(WORKLOAD), content_type="application/json")
    assert response.status_code == 500
    message = _errors_shape(response)[0]
    assert "unexpected error" in message and "a bug" not in message


def test_a_bug_on_the_json_export_is_a_json_500_and_on_the_page_html(report: Report, monkeypatch: Any) -> None:
    from reports import export, views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(export, "to_json", broken)
    monkeypatch.setattr(views, "_rendered", broken)
    client = Client(raise_request_exception=False)
    assert "unexpected error" in _errors_shape(client.get(f"/r/{report.code}.json"))[0]
    page = client.get(f"/r/{report.code}/")
    assert page.status_code == 500
    assert "text/html" in page["Content-Type"] and b"Something went wrong" in page.content


def test_database_down_on_the_report_json_export_is_a_json_503(api: Client, report: Report) -> None:
    from unittest import mock

    from django.db.utils import OperationalError

    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
                    side_effect=OperationalError("connection refused")):
        response = api.get(f"/r/{report.code}.json", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "temporarily unavailable" in _errors_shape(response)[0]
    assert response["Retry-After"] == "30"


def test_healthz_503_carries_retry_after(client: Client, db: None) -> None:
    from unittest import mock

    from django.db.utils import OperationalError

    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
                    side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


# Headers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/openapi.json", "/no-such-page/"])
def test_every_response_carries_the_hardening_headers(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Permitted-Cross-Domain-Policies"] == "none"
    policy = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert {"camera", "microphone", "geolocation", "payment", "usb", "fullscreen"} <= set(policy)
    assert set(policy.values()) == {"()"}
    assert "Server" not in response and "Clear-Site-Data" not in response


def test_admin_sign_out_clears_the_site_data(admin_client: Client) -> None:
    response = admin_client.post("/admin/logout/")
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "Clear-Site-Data" not in admin_client.get("/admin/login/")


def test_gunicorn_names_no_server_software() -> None:
    from gunicorn.http import wsgi

    import config.gunicorn  # noqa: F401  (replaces gunicorn's response class)

    class Req:
        version = (1, 1)
        method = "GET"

        def should_close(self) -> bool:
            return False

    class Cfg:
        pass

    response = wsgi.Response(Req(), io.BytesIO(), Cfg())
    response.status = "200 OK"
    response.response_length = 0
    lines = response.default_headers()
    assert lines[0].startswith("HTTP/1.1 200")
    assert not any(line.lower().startswith("server:") for line in lines)


# Text the database cannot store ------------------------------------------------------------------

@pytest.mark.parametrize("field", ["title", "notes"])
@pytest.mark.parametrize("text", ["\ud800", "ok \udfff", "a\x00b"])
def test_unstorable_text_is_a_field_error_and_costs_no_allowance(
        api: Client, price_book: Any, settings: Any, field: str, text: str) -> None:
    settings.REPORTS_PER_HOUR = 1
    body = json.dumps({**WORKLOAD, field: text})  # ensure_ascii: "\\ud800" as JSON writes it
    for _ in range(3):
        response = api.post("/api/v1/reports", body, content_type="application/json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
    assert Report.objects.count() == 0
    ok = api.post("/api/v1/reports", json.dumps({**WORKLOAD, field: "fine"}), content_type="application/json")
    assert ok.status_code == 201


def test_surrogates_in_workload_strings_are_field_errors(api: Client, price_book: Any) -> None:
    body = json.dumps({**WORKLOAD, "region": "\ud83d", "ec2": {"instance_type": "m7g.\udc00"}})
    for url in ("/api/v1/compare", "/api/v1/reports"):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert {"region", "ec2.instance_type"} <= set(response.json()["errors"])


def test_thousands_of_unknown_fields_get_a_bounded_answer(api: Client, price_book: Any) -> None:
    """7,700 unknown names in 63 KB once answered 4 MB (each message listed every allowed
    field): the allowed fields are listed once, and an error body is at most 64 KB."""
    from reports.api import MAX_ERROR_BODY

    fields = {**WORKLOAD, **{f"{i:x}": 0 for i in range(7700)},
              "needs": {f"n{i}": 0 for i in range(50)}}
    body = json.dumps(fields, separators=(",", ":"))
    assert 60_000 < len(body) <= 64 * 1024
    for url in ("/api/v1/compare", "/api/v1/reports"):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert len(response.content) <= MAX_ERROR_BODY
        errors = response.json()["errors"]
        messages = [m for ms in errors.values() for m in ms]
        assert sum("allowed fields:" in m for m in messages) == 1
        assert errors["0"] == [messages[0]] and messages[0].startswith("unknown field; allowed fields: ")
        assert errors["1"] == ["unknown field"]
        listed = len(errors) - 1
        assert errors["__all__"] == [f"{7750 - listed} more fields have problems that are not "
                                     "listed; correct the ones above and send the request again."]


def test_a_few_unknown_fields_are_all_listed(api: Client, price_book: Any) -> None:
    body = json.dumps({**WORKLOAD, "colour": 1, "size": 2, "needs": {"a": 1, "b": 2},
                       "ranges": {"x": [1, 2, 3], "y": [1, 2, 3]}})
    errors = api.post("/api/v1/compare", body, content_type="application/json").json()["errors"]
    assert errors["colour"][0].startswith("unknown field; allowed fields: region, ")
    assert errors["needs.a"][0].startswith("unknown field; allowed fields in needs: ")
    assert errors["ranges.x"][0].startswith("unknown field; inputs that may be given as a range: ")
    assert errors["size"] == errors["needs.b"] == errors["ranges.y"] == ["unknown field"]
    assert "__all__" not in errors


@pytest.mark.parametrize("name", [r"\ud800", r"a\udfffb", r"line\nbreak\u2028", r"\u0000"])
def test_an_unknown_field_name_is_echoed_escaped(api: Client, price_book: Any, name: str) -> None:
    """A lone surrogate (or a control character) in a field's name comes back as the visible
    text \\uXXXX: strict JSON decoders refuse a lone surrogate even when escaped."""
    body = '{"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128, "' + name + '": 1}'
    response = api.post("/api/v1/compare", body, content_type="application/json")
    assert response.status_code == 400
    text = response.content.decode("utf-8")
    escaped = name.replace(r"\n", r"\u000a")
    assert json.dumps(escaped) in text  # the name as visible text, e.g. "\\ud800"
    for key in response.json()["errors"]:
        assert key.isprintable() and not any("\ud800" <= c <= "\udfff" for c in key)


def test_a_long_unknown_name_is_cut(api: Client, price_book: Any) -> None:
    body = json.dumps({**WORKLOAD, "x" * 5000: 1})
    errors = api.post("/api/v1/compare", body, content_type="application/json").json()["errors"]
    assert [k for k in errors if k.startswith("x")] == ["x" * 99 + "\u2026"]


def test_the_save_form_refuses_surrogates_and_nul() -> None:
    from reports.forms import ReportMetaForm

    form = ReportMetaForm({"title": "x\ud800", "notes": "a\x00"})
    assert not form.is_valid()
    assert "lone surrogate, U+D800, at position 2" in form.errors["title"][0]
    assert form.errors["notes"]


def test_saving_refuses_unstorable_text_itself(price_book: Any) -> None:
    from advisor import services
    from reports import saving

    snapshot = services.snapshot(WORKLOAD)
    with pytest.raises(ValueError, match="store"):
        saving.create(snapshot, title="\ud800")
    assert Report.objects.count() == 0


def test_a_failed_save_gives_the_allowance_back(api: Client, price_book: Any, settings: Any) -> None:
    from unittest import mock

    from django.db.utils import OperationalError

    settings.REPORTS_PER_HOUR = 1
    with mock.patch("reports.saving.Report.objects.create", side_effect=OperationalError("gone")):
        failed = api.post("/api/v1/reports", json.dumps(WORKLOAD), content_type="application/json")
    assert failed.status_code == 503
    assert api.post("/api/v1/reports", json.dumps(WORKLOAD), content_type="application/json").status_code == 201
    assert api.post("/api/v1/reports", json.dumps(WORKLOAD), content_type="application/json").status_code == 429


# Rate limits ---------------------------------------------------------------------------------------

def _at(monkeypatch: Any, moment: float) -> None:
    from advisor.plumbing import ratelimit

    monkeypatch.setattr(ratelimit, "clock", lambda: moment)


def _most_in_any_window(times: list[float], window: float) -> int:
    """The most events any closed interval of ``window`` seconds holds."""
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] < t - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def _attack(monkeypatch: Any, scope: str, moments: list[float], limit: int = 30,
            window: int = 3600) -> list[float]:
    """A client trying at each moment (in order, on an injected clock); the moments let through."""
    from advisor.plumbing import ratelimit

    now = [0.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    allowed = []
    for moment in moments:
        now[0] = moment
        if ratelimit.hit(scope, "203.0.113.7", limit, window) is None:
            allowed.append(moment)
    return allowed


def _schedules(start: float) -> dict[str, list[float]]:
    hour = 3600.0
    return {
        # The burst that beat the weighted two-window estimate: the allowance spent late in
        # one clock hour, then again and again as the estimate let the old events "fade".
        "edge bursts": sorted({start + hour - 5 + i * 0.1 for i in range(40)}
                              | {start + hour + k * 60 + i * 0.1 for k in range(150) for i in range(5)}),
        "steady": [start + i * 7.0 for i in range(int(3 * hour / 7))],
        "at every bucket edge": [start + b * 60.0 + d for b in range(180) for d in (-0.001, 0.0, 59.999)],
    }


@pytest.mark.parametrize("schedule", ["edge bursts", "steady", "at every bucket edge"])
def test_no_hour_lets_more_than_the_limit_through(monkeypatch: Any, schedule: str) -> None:
    """The README's promise, REPORTS_PER_HOUR in ANY hour, checked over every interval."""
    import time

    start = (int(time.time() // 3600) + 1) * 3600.0
    allowed = _attack(monkeypatch, "any-hour-" + schedule.replace(" ", "-"), _schedules(start)[schedule])
    assert _most_in_any_window(allowed, 3600) == 30  # never more, and the allowance is usable
    assert len(allowed) >= 30 * 2  # over three hours the client is not shut out either


def test_the_window_holds_against_redis_too(monkeypatch: Any, settings: Any) -> None:
    """The same promise with the shared counters in a real Redis (skipped without one)."""
    import time

    import redis

    url = "redis://127.0.0.1:6379/8"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": url}}
    start = (int(time.time() // 3600) + 1) * 3600.0
    scope = f"any-hour-redis-{uuid.uuid4().hex}"  # runs on one server never share counters
    allowed = _attack(monkeypatch, scope, _schedules(start)["edge bursts"])
    assert _most_in_any_window(allowed, 3600) == 30


def test_the_wait_is_true_and_no_earlier_than_a_window(monkeypatch: Any) -> None:
    import time

    from advisor.plumbing import ratelimit

    start = (int(time.time() // 3600) + 1) * 3600.0 + 30
    _at(monkeypatch, start)
    for _ in range(3):
        assert ratelimit.hit("wait", "a", 3, 3600) is None
    wait = ratelimit.hit("wait", "a", 3, 3600)
    # The events leave with their one-minute bucket: 3,600 s to 3,660 s after they happened.
    assert wait is not None and 3600 <= wait <= 3660
    _at(monkeypatch, start + wait - 1)
    assert ratelimit.hit("wait", "a", 3, 3600) is not None
    _at(monkeypatch, start + wait)
    assert ratelimit.hit("wait", "a", 3, 3600) is None
    assert ratelimit.hit("wait", "a", 3, 3600) is None
    assert ratelimit.hit("wait", "a", 3, 3600) is None
    assert ratelimit.hit("wait", "a", 3, 3600) is not None


def test_a_refused_event_is_not_counted(monkeypatch: Any) -> None:
    import time

    from advisor.plumbing import ratelimit

    start = (int(time.time() // 60) + 1) * 60.0
    _at(monkeypatch, start)
    assert ratelimit.hit("r", "a", 1, 60) is None
    for _ in range(20):  # hammering while refused does not push the wait further out
        assert ratelimit.hit("r", "a", 1, 60) == 61  # a window and one 1-second bucket
    _at(monkeypatch, start + 61)
    assert ratelimit.hit("r", "a", 1, 60) is None


def test_the_per_process_fallback_keeps_the_promise(monkeypatch: Any, settings: Any) -> None:
    """Redis down: each process counts on its own, with the same bound."""
    import time

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    from advisor.plumbing import cache as app_cache
    from advisor.plumbing import ratelimit

    ratelimit.reset()
    app_cache.reset()
    start = (int(time.time() // 3600) + 1) * 3600.0
    try:
        allowed = _attack(monkeypatch, "fallback", _schedules(start)["edge bursts"])
    finally:
        app_cache.reset()
        ratelimit.reset()
    assert _most_in_any_window(allowed, 3600) == 30


# Chunked bodies ------------------------------------------------------------------------------------

def _chunked(client: Client, url: str, body: bytes, terminated: bool = True) -> Any:
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_TYPE": "application/json",
               "wsgi.input": io.BytesIO(body)}
    if terminated:
        environ["wsgi.input_terminated"] = True
    return client.generic("POST", url, **environ)


def test_a_chunked_body_is_read(api: Client, price_book: Any) -> None:
    response = _chunked(api, "/api/v1/compare", json.dumps(WORKLOAD).encode())
    assert response.status_code == 200
    assert response.json()["inputs"]["memory_mb"] == 512
    created = _chunked(api, "/api/v1/reports", json.dumps({**WORKLOAD, "title": "chunked"}).encode())
    assert created.status_code == 201


def test_a_chunked_body_over_64_kb_is_413(api: Client, db: None) -> None:
    body = json.dumps({**WORKLOAD, "title": "x" * (64 * 1024)}).encode()
    response = _chunked(api, "/api/v1/reports", body)
    assert response.status_code == 413
    assert "65536" in _errors_shape(response)[0]


def test_a_chunked_body_a_server_cannot_end_is_411(api: Client, db: None) -> None:
    response = _chunked(api, "/api/v1/compare", json.dumps(WORKLOAD).encode(), terminated=False)
    assert response.status_code == 411
    assert "Content-Length" in _errors_shape(response)[0]


# Idempotency-Key -------------------------------------------------------------------------------------

def _create(client: Client, body: Any, key: str | None = "retry-1", **extra: Any) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/reports", json.dumps(body), content_type="application/json",
                       headers=headers, **extra)


def test_a_repeated_key_returns_the_first_report(api: Client, price_book: Any, settings: Any) -> None:
    settings.REPORTS_PER_HOUR = 2
    first = _create(api, {**WORKLOAD, "title": "T"})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    # The same JSON spelled differently is the same request.
    again = api.post("/api/v1/reports", json.dumps({"title": "T", **WORKLOAD}, indent=2),
                     content_type="application/json", headers={"Idempotency-Key": "retry-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1
    # Replays do not count against the limit: one more new report is still allowed.
    for _ in range(3):
        assert _create(api, {**WORKLOAD, "title": "T"}).status_code == 201
    assert _create(api, WORKLOAD, key="retry-2").status_code == 201
    assert _create(api, WORKLOAD, key="retry-3").status_code == 429


def test_a_key_reused_with_another_body_is_422(api: Client, price_book: Any) -> None:
    assert _create(api, WORKLOAD).status_code == 201
    response = _create(api, {**WORKLOAD, "memory_mb": 1024})
    assert response.status_code == 422
    assert "different request body" in _errors_shape(response)[0]
    assert Report.objects.count() == 1


def test_keys_are_per_client_address(api: Client, price_book: Any) -> None:
    first = _create(api, WORKLOAD)
    other = _create(api, WORKLOAD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert other.json()["code"] != first.json()["code"]


def test_a_failed_request_keeps_nothing(api: Client, price_book: Any) -> None:
    assert _create(api, {**WORKLOAD, "memory_mb": 1}).status_code == 400
    assert _create(api, {**WORKLOAD, "memory_mb": 1024}).status_code == 201


def test_a_key_still_in_progress_is_409(api: Client, price_book: Any) -> None:
    from reports import idempotency

    request = type("R", (), {"META": {"REMOTE_ADDR": "127.0.0.1"}})()
    claimed = idempotency.claim(request, "busy", idempotency.fingerprint(WORKLOAD))  # type: ignore[arg-type]
    assert claimed.owned
    response = _create(api, WORKLOAD, key="busy")
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    idempotency.release(claimed)
    assert _create(api, WORKLOAD, key="busy").status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "two words", "é"])
def test_a_malformed_key_is_400(api: Client, price_book: Any, key: str) -> None:
    response = _create(api, WORKLOAD, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in _errors_shape(response)[0]


def test_without_the_cache_reports_are_still_created(api: Client, price_book: Any, settings: Any) -> None:
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    assert _create(api, WORKLOAD).status_code == 201
    assert _create(api, WORKLOAD).status_code == 201
    assert Report.objects.count() == 2


def test_the_openapi_document_describes_the_key() -> None:
    operation = document()["paths"]["/api/v1/reports"]["post"]
    assert operation["parameters"][0]["name"] == "Idempotency-Key"
    assert {"409", "422"} <= set(operation["responses"])
    assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"]


# The dependency audit ------------------------------------------------------------------------------

def test_make_audit_checks_the_pinned_requirements() -> None:
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    makefile = (root / "Makefile").read_text()
    target = makefile[makefile.index("\naudit:"):]
    assert "pip-audit" in target and "-r requirements.txt -r requirements-dev.txt" in target
    assert re.search(r"^pip-audit==[\d.]+$", (root / "requirements-dev.txt").read_text(), re.M)
    ci = (root / ".ci" / "run").read_text()
    assert "make audit" in ci and "skipped" in ci  # never fails CI for want of a network
    audit = Path(sys.executable).with_name("pip-audit")
    if not audit.exists():
        pytest.skip("pip-audit is not installed (make test installs requirements-dev.txt)")
    # --dry-run reads the files and stops before asking the network.
    result = subprocess.run([str(audit), "--dry-run", "--progress-spinner", "off", "--no-deps",
                             "--disable-pip", "-r", "requirements.txt", "-r", "requirements-dev.txt"],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert re.search(r"would have audited \d+ packages", result.stderr + result.stdout)
