"""The JSON API: /api/v1/compare, /api/v1/reports, /api/v1/reports/<code>, the OpenAPI document."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from advisor.plumbing.jsonio import strict_json_loads
from advisor.pricing.workload import FIELDS, GROUPS
from reports.models import Report
from reports.openapi import document

WORKLOAD = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def api() -> Client:
    # The API must work without cookies or a CSRF token.
    return Client(enforce_csrf_checks=True)


def post(client: Client, url: str, body: Any, content_type: str = "application/json", **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type, **extra)


def schema(name: str) -> OAS31Validator:
    doc = document()
    return OAS31Validator({"$ref": f"#/components/schemas/{name}", "components": doc["components"]})


# /api/v1/compare ---------------------------------------------------------------------------

def test_compare_returns_the_contract_result_without_cookies(api: Client, price_book: Any) -> None:
    response = post(api, "/api/v1/compare", WORKLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response
    assert not response.cookies
    body = response.json()
    assert body["price_book"]["id"] == price_book.pk
    assert body["cheaper"] in ("lambda", "ec2", "tie")
    assert body["inputs"]["ec2"]["min_instances"] == 2
    schema("Result").validate(body)


def test_compare_accepts_charset_in_content_type(api: Client, price_book: Any) -> None:
    response = post(api, "/api/v1/compare", WORKLOAD, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/compare", "/api/v1/reports"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_non_json_content_type_is_415(api: Client, db: Any, url: str, content_type: str) -> None:
    response = api.post(url, data=json.dumps(WORKLOAD), content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize("url", ["/api/v1/compare", "/api/v1/reports"])
def test_body_over_64_kb_is_413(api: Client, db: Any, url: str) -> None:
    body = json.dumps({**WORKLOAD, "padding": "x" * (64 * 1024)})
    response = post(api, url, body)
    assert response.status_code == 413
    assert response.json()["errors"]["__all__"]
    assert Report.objects.count() == 0


def test_body_of_exactly_64_kb_is_read(api: Client, price_book: Any) -> None:
    body = json.dumps(WORKLOAD)
    body = body + " " * (64 * 1024 - len(body))
    assert post(api, "/api/v1/compare", body).status_code == 200


@pytest.mark.parametrize("body", ["{", " ", "{'a': 1}", '{"requests_per_month": NaN}',
                                  '{"duration_ms": Infinity}', "[" * 10_000 + "]" * 10_000,
                                  b"\xff\xfe"])
@pytest.mark.parametrize("url", ["/api/v1/compare", "/api/v1/reports"])
def test_invalid_json_is_400_with_all_errors(api: Client, db: Any, url: str, body: Any) -> None:
    response = post(api, url, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["__all__"]
    assert errors["__all__"][0]


def test_nan_and_infinity_are_named_in_the_400(api: Client, db: Any) -> None:
    for word in ("NaN", "Infinity", "-Infinity"):
        response = post(api, "/api/v1/compare", f'{{"requests_per_month": {word}}}')
        assert response.status_code == 400
        assert f"{word} is not allowed in JSON" in response.json()["errors"]["__all__"][0]


def test_strict_json_loads_refuses_what_json_has_not() -> None:
    assert strict_json_loads('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    assert strict_json_loads(b'{"a": 1e308}') == {"a": 1e308}
    for text in ("NaN", "[Infinity]", '{"a": -Infinity}', b"NaN"):
        with pytest.raises(ValueError, match="is not a JSON number"):
            strict_json_loads(text)
    with pytest.raises(ValueError):
        strict_json_loads("{")


@pytest.mark.parametrize("url", ["/api/v1/compare", "/api/v1/reports"])
def test_field_errors_are_400_by_field_path(api: Client, price_book: Any, url: str) -> None:
    body = {"requests_per_month": 10, "duration_ms": 0, "memory_mb": 20000,
            "traffic": {"peak_to_average": 0.5}, "colour": "blue"}
    response = post(api, url, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "128 and 10240" in errors["memory_mb"][0]
    assert "duration_ms" in errors
    assert "traffic.peak_to_average" in errors
    assert "unknown field" in errors["colour"][0]
    schema("Errors").validate(response.json())


@pytest.mark.parametrize("body", [[1, 2], "null", 3])
def test_a_body_that_is_not_an_object_is_400(api: Client, db: Any, body: Any) -> None:
    for url in ("/api/v1/compare", "/api/v1/reports"):
        response = post(api, url, json.dumps(body) if not isinstance(body, str) else body)
        assert response.status_code == 400
        assert response.json()["errors"]["__all__"]


def test_missing_required_fields_are_named(api: Client, price_book: Any) -> None:
    errors = post(api, "/api/v1/compare", {}).json()["errors"]
    assert {"requests_per_month", "duration_ms", "memory_mb"} <= set(errors)


def test_unknown_region_is_a_field_error(api: Client, price_book: Any) -> None:
    response = post(api, "/api/v1/compare", {**WORKLOAD, "region": "eu-west-9"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/v1/compare"), ("put", "/api/v1/compare"), ("delete", "/api/v1/reports"),
    ("get", "/api/v1/reports"), ("post", "/api/v1/openapi.json"),
])
def test_wrong_method_is_405_json(api: Client, db: Any, method: str, url: str) -> None:
    response = getattr(api, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"]
    assert response.json()["errors"]["__all__"]


# /api/v1/reports ---------------------------------------------------------------------------

def test_create_report_is_201_with_code_and_url(api: Client, price_book: Any) -> None:
    response = post(api, "/api/v1/reports", {**WORKLOAD, "title": "Checkout API", "notes": "Q3"})
    assert response.status_code == 201
    assert "Set-Cookie" not in response
    body = response.json()
    schema("Created").validate(body)
    code = uuid.UUID(body["code"])
    assert code.version == 4
    assert body["url"] == f"http://testserver/r/{code}/"
    assert response["Location"] == body["url"]
    report = Report.objects.get(code=code)
    assert (report.title, report.notes) == ("Checkout API", "Q3")
    assert str(report.pk) not in body["url"].replace(str(code), "")


def test_get_report_returns_the_stored_report(api: Client, price_book: Any) -> None:
    created = post(api, "/api/v1/reports", {**WORKLOAD, "title": "T"}).json()
    response = api.get(f"/api/v1/reports/{created['code']}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response
    body = response.json()
    schema("Report").validate(body)
    assert body["code"] == created["code"]
    assert body["url"] == created["url"]
    assert body["title"] == "T"
    assert body["result"]["inputs"]["requests_per_month"] == 10_000_000
    assert body["prices"]["book"]["id"] == price_book.pk
    assert "id" not in body
    # The same body as the report's .json export.
    assert api.get(f"/r/{created['code']}.json").json() == body


@pytest.mark.parametrize("code", [str(uuid.uuid4()), "not-a-code", "1", "0" * 33])
def test_unknown_or_malformed_code_is_404_json(api: Client, db: Any, code: str) -> None:
    response = api.get(f"/api/v1/reports/{code}")
    assert response.status_code == 404
    assert response.json()["errors"]["__all__"]


def test_integer_id_never_finds_a_report(api: Client, price_book: Any) -> None:
    post(api, "/api/v1/reports", WORKLOAD)
    pk = Report.objects.get().pk
    assert api.get(f"/api/v1/reports/{pk}").status_code == 404
    assert api.get(f"/r/{pk}/").status_code == 404


@pytest.mark.parametrize(("extra", "field"), [
    ({"title": "x" * 121}, "title"), ({"notes": "x" * 2001}, "notes"),
    ({"title": 5}, "title"), ({"notes": ["a"]}, "notes"), ({"title": "a\x00b"}, "title"),
])
def test_bad_title_or_notes_is_400(api: Client, price_book: Any, extra: dict[str, Any], field: str) -> None:
    response = post(api, "/api/v1/reports", {**WORKLOAD, **extra})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Report.objects.count() == 0


def test_title_and_notes_may_be_null_or_at_the_limit(api: Client, price_book: Any) -> None:
    assert post(api, "/api/v1/reports", {**WORKLOAD, "title": None, "notes": None}).status_code == 201
    response = post(api, "/api/v1/reports", {**WORKLOAD, "title": "t" * 120, "notes": "n" * 2000})
    assert response.status_code == 201


# Rate limit --------------------------------------------------------------------------------

@override_settings(REPORTS_PER_HOUR=2)
def test_report_creation_is_rate_limited_per_address(api: Client, price_book: Any) -> None:
    for _ in range(2):
        assert post(api, "/api/v1/reports", WORKLOAD).status_code == 201
    response = post(api, "/api/v1/reports", WORKLOAD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600 + 3600 // 2  # sliding window (ratelimit.py)
    assert response.json()["errors"]["__all__"]
    assert Report.objects.count() == 2
    # Another address has its own allowance; comparing is not limited.
    assert post(api, "/api/v1/reports", WORKLOAD, REMOTE_ADDR="10.0.0.9").status_code == 201
    assert post(api, "/api/v1/compare", WORKLOAD).status_code == 200


@override_settings(REPORTS_PER_HOUR=2)
def test_invalid_requests_do_not_use_up_the_allowance(api: Client, price_book: Any) -> None:
    for _ in range(5):
        assert post(api, "/api/v1/reports", {"memory_mb": 1}).status_code == 400
    assert post(api, "/api/v1/reports", WORKLOAD).status_code == 201


@override_settings(REPORTS_PER_HOUR=0)
def test_rate_limit_zero_turns_it_off(api: Client, price_book: Any) -> None:
    for _ in range(4):
        assert post(api, "/api/v1/reports", WORKLOAD).status_code == 201


@override_settings(REPORTS_PER_HOUR=1)
def test_save_form_is_rate_limited_with_a_page(client: Client, price_book: Any) -> None:
    from advisor import services

    inputs = json.dumps(services.run(WORKLOAD)["inputs"])
    assert client.post("/r/new", {"inputs": inputs}).status_code == 302
    response = client.post("/r/new", {"inputs": inputs})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "text/html" in response["Content-Type"]
    assert Report.objects.count() == 1


# OpenAPI -----------------------------------------------------------------------------------

def test_openapi_document_is_valid(api: Client, db: Any) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema
    assert doc["openapi"].startswith("3.1")
    for path in ("/api/v1/compare", "/api/v1/reports", "/api/v1/reports/{code}",
                 "/api/v1/openapi.json", "/r/{code}.json", "/r/{code}.csv"):
        assert path in doc["paths"]
    responses = doc["paths"]["/api/v1/reports"]["post"]["responses"]
    assert {"201", "400", "405", "413", "415", "429"} <= set(responses)
    assert {"200", "400", "405", "413", "415"} <= set(doc["paths"]["/api/v1/compare"]["post"]["responses"])
    # The database-down answer of advisor/middleware.py, in the same error shape.
    for path, method in (("/api/v1/compare", "post"), ("/api/v1/reports", "post"),
                         ("/api/v1/reports/{code}", "get")):
        unavailable = doc["paths"][path][method]["responses"]["503"]
        assert unavailable["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Errors"}
        assert "Retry-After" in unavailable["headers"]


def test_openapi_workload_schema_follows_the_field_table() -> None:
    workload = document()["components"]["schemas"]["Workload"]
    for spec in FIELDS:
        props = workload["properties"]
        if spec.group:
            assert workload["properties"][spec.group]["additionalProperties"] is False
            props = props[spec.group]["properties"]
        prop = props[spec.key]
        if spec.choices:
            enum = prop["items"]["enum"] if spec.kind == "list" else prop["enum"]
            assert enum == list(spec.choices)
        if spec.minimum is not None:
            assert spec.minimum in (prop.get("minimum"), prop.get("exclusiveMinimum"))
        if spec.maximum is not None:
            assert prop["maximum"] == spec.maximum
        assert ("null" in prop["type"]) == spec.nullable
    top = {s.name for s in FIELDS if not s.group} | set(GROUPS) | {"ranges"}
    assert set(workload["properties"]) == top
    assert set(workload["required"]) == {s.name for s in FIELDS if s.required}
    request = document()["components"]["schemas"]["ReportRequest"]
    assert set(request["properties"]) == top | {"title", "notes", "vary"}


def test_openapi_schemas_accept_what_the_api_accepts_and_refuse_the_rest() -> None:
    workload = schema("Workload")
    workload.validate(WORKLOAD)
    workload.validate({**WORKLOAD, "traffic": {"peak_to_average": 3, "profile": "spiky"},
                       "ec2": {"instance_type": "m7g.large", "scaling": "autoscale"}})
    assert not workload.is_valid({**WORKLOAD, "memory_mb": 20000})
    assert not workload.is_valid({**WORKLOAD, "duration_ms": 0})
    assert not workload.is_valid({**WORKLOAD, "colour": "blue"})
    assert not workload.is_valid({"duration_ms": 1, "memory_mb": 128})
