"""Hostile input at every way in: the questionnaire, the JSON API, the command line.

Property: whatever arrives, the answer is never a 5xx or a traceback, and every error names
its field (a form field, a contract path such as ``traffic.peak_to_average``, or "__all__"
only when the input as a whole is unusable: not an object, not JSON, too big, wrong type).

The regular suite runs a few dozen cases per entry point, derandomised so that it is
repeatable; the fuzz run (``make fuzz``) sets FUZZ_EXAMPLES=1000 and random seeds:

    FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as profile
from hypothesis import strategies as st
from test_cli import run_cli

from advisor.pricing.workload import FIELDS, GROUPS, FieldSpec
from advisor.questionnaire.forms import QuestionnaireForm, form_name

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
profile.register_profile(
    "regular", max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)
profile.register_profile(
    "fuzz", max_examples=max(EXAMPLES, 1), deadline=None, print_blob=True,
    suppress_health_check=list(HealthCheck),
)
FUZZ = profile(profile.get_profile("fuzz" if EXAMPLES else "regular"))

BASE = {"requests_per_month": 3_000_000, "duration_ms": 120, "memory_mb": 1536}
PATHS = {f.name for f in FIELDS}
FORM_FIELDS = set(QuestionnaireForm.base_fields)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|Exception Value:")
MB = 1024 * 1024


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def nested_text(depth: int) -> str:
    return "[" * depth + "]" * depth


def dumps(value: Any) -> str:
    """JSON text of a generated value, however deep (the server's own limit stays as it is)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        return json.dumps(value)
    finally:
        sys.setrecursionlimit(limit)


# Strategies ------------------------------------------------------------------------------

# Strings people (and attackers) type: numbers in odd spellings, scripts, control characters.
WEIRD_TEXT = st.sampled_from([
    "", " ", "NaN", "nan", "-nan", "inf", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400",
    "1e300", "-0", "0", "-1", "0x10", "1,000,000", "1_000", "1 000", "1.2.3", "1e", ".", "-",
    "٣٠٠٠", "１２３", "3\u00a0000", "\u202e123", "\x00", "\x00123", "12\x00", "\ud7ff",
    "<script>alert(1)</script>", "' OR 1=1 --", "%s%n", "{{ 7*7 }}", "{% debug %}",
    "auto", "us-east-1", "xx-nowhere-1", "t4g.nano", "a" * 65, "on", "off", "true", "null",
    "9" * 400, "9" * 5000, "1" + "0" * 4400, "😀" * 50,
])
TEXT = st.one_of(WEIRD_TEXT, st.text(max_size=40), st.text(alphabet="0123456789.,-e_+ ", max_size=30))
# Text only JSON can carry (a form or URL cannot): lone UTF-16 surrogates, which no database
# driver can encode, and NUL, which PostgreSQL refuses, alone and inside other text.
SURROGATES = st.one_of(
    st.sampled_from(["\ud800", "\udfff", "x\ud83d", "\udc80abc", "\ud83d\ude00", "a\x00b", "\x00"]),
    st.lists(st.one_of(st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\x00"]),
                       st.text(max_size=5)), min_size=1, max_size=6).map("".join),
)
JSON_TEXT = st.one_of(TEXT, SURROGATES)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
INTS = st.one_of(st.integers(-10**20, 10**20), st.sampled_from([10**300, 10**301, 10**400, -10**400, 2**63, 2**64]))
DEEP = st.sampled_from([10, 100, 500, 900, 950, 980, 990, 995, 999, 1000, 1100, 3000]).map(nested)
JSON_ANY = st.recursive(
    st.one_of(st.none(), st.booleans(), INTS, FLOATS, JSON_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def edges(spec: FieldSpec) -> list[Any]:
    """Values on and just beyond the field's limits."""
    out: list[Any] = [0, -1, 1, 0.5, 1e-300, -1e-300, 1e300, -1e300, 1e308]
    for limit in (spec.minimum, spec.maximum):
        if limit is not None:
            out += [limit, limit - 1, limit + 1, math.nextafter(limit, -math.inf),
                    math.nextafter(limit, math.inf), limit * 10]
    out += list(spec.choices)
    return out


def contract_value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid, borderline and plainly wrong JSON values for one contract field."""
    options = [st.sampled_from(edges(spec)), JSON_ANY, DEEP, FLOATS, INTS]
    if spec.kind in ("number", "integer") and not spec.choices:
        lo = spec.minimum if spec.minimum is not None else -1e300
        hi = spec.maximum if spec.maximum is not None else 1e300
        options.append(st.floats(lo, hi))  # valid but extreme: where the engine can break
        if spec.kind == "integer":
            options.append(st.integers(int(max(lo, -10**18)), int(min(hi, 10**18))))
    return st.one_of(*options)


def workload() -> st.SearchStrategy[Any]:
    """A valid workload with some fields replaced by hostile values, unknown fields added,
    groups replaced by non-objects; now and then not an object at all."""
    changes = st.lists(st.sampled_from(FIELDS).flatmap(
        lambda spec: st.tuples(st.just(spec.name), contract_value(spec))), max_size=8)
    unknown = st.dictionaries(st.one_of(st.text(max_size=30), st.sampled_from(
        ["requests", "memroy_mb", "traffic.peak", "__proto__", "constructor", "a\nb", "x: y"])),
        JSON_ANY, max_size=3)
    groups = st.dictionaries(st.sampled_from(list(GROUPS)), JSON_ANY, max_size=2)

    def build(pairs: list[tuple[str, Any]], extra: dict[str, Any], bad_groups: dict[str, Any],
              drop: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in BASE.items() if k not in drop}
        for path, value in pairs:
            if "." in path:
                group, key = path.split(".", 1)
                if isinstance(data.get(group, {}), dict):
                    data.setdefault(group, {})[key] = value
            else:
                data[path] = value
        data.update(bad_groups)
        data.update(extra)
        return data

    as_object = st.builds(build, changes, unknown, groups, st.lists(st.sampled_from(list(BASE))))
    return st.one_of(as_object, as_object, as_object, JSON_ANY, DEEP)


def form_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, list | dict) else str(value)


def form_value(spec: FieldSpec | None) -> st.SearchStrategy[Any]:
    text = st.one_of(TEXT, st.sampled_from(edges(spec)).map(form_text) if spec else TEXT,
                     FLOATS.map(repr), INTS.map(str))
    # Repeated keys (?a=1&a=2) reach the view as lists.
    return st.one_of(text, text, st.lists(text, min_size=2, max_size=3))


FORM_SPECS = {form_name(s.name): s for s in FIELDS}
FORM_QUERY = st.lists(
    st.one_of(st.sampled_from(sorted(FORM_FIELDS)), st.text(max_size=12)).flatmap(
        lambda n: st.tuples(st.just(n), form_value(FORM_SPECS.get(n)))),
    max_size=12,
).map(dict)


# Checks ----------------------------------------------------------------------------------


@pytest.fixture
def errors_logged(caplog: Any) -> Iterator[Any]:
    """ERROR log records: a view that catches an exception logs it, and that is a bug too."""
    caplog.set_level(logging.ERROR)
    yield caplog


def assert_no_logged_errors(caplog: Any) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    assert not bad, [r.getMessage()[:300] for r in bad]


def assert_sane(response: Any) -> str:
    assert response.status_code < 500, response.content[:500]
    body = response.content.decode("utf-8", "replace")
    assert not TRACEBACK.search(body), body[:500]
    return body


def unknown_paths(data: Any) -> set[str]:
    """The paths of the input the contract does not know: an error may name them."""
    if not isinstance(data, dict):
        return set()
    out = {str(k) for k in data}
    for group in GROUPS:
        if isinstance(data.get(group), dict):
            out |= {f"{group}.{k}" for k in data[group]}
    return out


def assert_api_errors(body: dict[str, Any], sent: Any, whole_input_bad: bool) -> None:
    errors = body["errors"]
    assert isinstance(errors, dict) and errors
    for key, messages in errors.items():
        assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages)
        if key == "__all__" and key not in unknown_paths(sent):
            assert whole_input_bad or not isinstance(sent, dict), (key, messages)
        else:
            # The API echoes an unknown name escaped and cut (reports/api.py, safe_text).
            from reports.api import MAX_ECHOED_NAME, safe_text

            echoed = {safe_text(p, MAX_ECHOED_NAME) for p in unknown_paths(sent)}
            assert key in PATHS | {"title", "notes"} | echoed, (key, messages)


class SpyForm(QuestionnaireForm):
    """The questionnaire form, remembering the instances the view made."""

    made: list[QuestionnaireForm] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        SpyForm.made.append(self)


@pytest.fixture
def spy_form() -> Iterator[type[SpyForm]]:
    with mock.patch("advisor.questionnaire.views.QuestionnaireForm", SpyForm):
        yield SpyForm


def assert_form_errors(body: str) -> None:
    assert len(SpyForm.made) == 1
    form = SpyForm.made.pop()
    for name, messages in form.errors.items():
        if name == "__all__":
            # A whole-form message must still say which field to change.
            for message in messages:
                assert any(str(form.fields[f].label) in message or f in message for f in form.fields), message
        else:
            assert name in form.fields, name
        for message in messages:
            assert escape(message) in body, (name, message)


# The questionnaire -----------------------------------------------------------------------


@FUZZ
@given(query=FORM_QUERY, kind=st.sampled_from(["page", "results", "workspace", "post"]))
def test_form_never_fails(client: Client, price_book: Any, errors_logged: Any, spy_form: Any,
                          query: dict[str, Any], kind: str) -> None:
    SpyForm.made.clear()
    headers = {} if kind in ("page", "post") else {"HX-Request": "true", "HX-Target": kind}
    if kind == "post":  # the questionnaire is GET only; a POST must not break it either
        response = client.post("/", query, headers=headers)
    else:
        response = client.get("/", query, headers=headers)
    body = assert_sane(response)
    assert response.status_code == 200
    assert_form_errors(body)
    assert_no_logged_errors(errors_logged)


@FUZZ
@given(value=st.one_of(TEXT, st.just("9" * MB)), name=st.sampled_from(sorted(FORM_FIELDS)))
def test_form_huge_and_odd_single_values(client: Client, price_book: Any, errors_logged: Any,
                                         spy_form: Any, value: str, name: str) -> None:
    SpyForm.made.clear()
    response = client.get("/", {**{k: str(v) for k, v in BASE.items()}, name: value},
                          headers={"HX-Request": "true", "HX-Target": "results"})
    body = assert_sane(response)
    assert_form_errors(body)
    assert_no_logged_errors(errors_logged)


@FUZZ
@given(inputs=st.one_of(workload().map(dumps), TEXT, st.just("[" * 5000)),
       title=TEXT, notes=st.one_of(TEXT, st.just("n" * 70_000)))
def test_save_form_never_fails(client: Client, price_book: Any, settings: Any, errors_logged: Any,
                               inputs: str, title: str, notes: str) -> None:
    settings.REPORTS_PER_HOUR = 0
    response = client.post("/r/new", {"inputs": inputs, "title": title, "notes": notes})
    assert_sane(response)
    assert response.status_code in (302, 400)
    assert_no_logged_errors(errors_logged)


# The JSON API ----------------------------------------------------------------------------


@FUZZ
@given(data=workload(), url=st.sampled_from(["/api/v1/compare", "/api/v1/reports"]),
       meta=st.dictionaries(st.sampled_from(["title", "notes"]), JSON_ANY, max_size=2))
def test_api_never_fails_and_names_fields(client: Client, price_book: Any, settings: Any,
                                          errors_logged: Any, data: Any, url: str,
                                          meta: dict[str, Any]) -> None:
    settings.REPORTS_PER_HOUR = 0
    if url.endswith("reports") and isinstance(data, dict):
        data = {**data, **meta}
    text = dumps(data)  # NaN and Infinity come out as bare words: not JSON
    response = client.post(url, text, content_type="application/json")
    assert_sane(response)
    body = response.json()
    if response.status_code in (200, 201):
        assert "errors" not in body
    else:
        assert response.status_code in (400, 413), body
        not_json = bool(re.search(r"\bNaN\b|\bInfinity\b", text))
        assert_api_errors(body, data, whole_input_bad=not_json or len(text) > 64 * 1024
                          or text.count("[") + text.count("{") > 900)
    assert_no_logged_errors(errors_logged)


@FUZZ
@given(title=st.one_of(SURROGATES, JSON_TEXT, st.none()), notes=st.one_of(SURROGATES, JSON_TEXT, st.none()))
def test_api_text_that_reaches_the_database(client: Client, price_book: Any, settings: Any,
                                            errors_logged: Any, title: str | None, notes: str | None) -> None:
    """A valid workload, so that the report is saved, with any title and notes JSON can
    carry: saved (201), or refused by field (400); never the database driver's 500."""
    settings.REPORTS_PER_HOUR = 0
    response = client.post("/api/v1/reports", dumps({**BASE, "title": title, "notes": notes}),
                           content_type="application/json")
    assert_sane(response)
    if response.status_code != 201:
        assert response.status_code == 400
        assert set(response.json()["errors"]) <= {"title", "notes"}
    assert_no_logged_errors(errors_logged)


@FUZZ
@given(body=st.one_of(
    st.binary(max_size=200), TEXT.map(str.encode),
    st.sampled_from([b"", b"{", b"[]", b"null", b"\xff\xfe{}", b'{"a":1}' * 3, b"\xef\xbb\xbf{}",
                     nested_text(100_000).encode(), b"{" + b" " * MB + b"}",
                     json.dumps({**BASE, "notes": "x" * MB}).encode()])),
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8",
                                  "application/json; charset=latin-1", "text/plain",
                                  "application/x-www-form-urlencoded", "multipart/form-data",
                                  "", "application/json\r\nX-Evil: 1", "APPLICATION/JSON"]),
    url=st.sampled_from(["/api/v1/compare", "/api/v1/reports"]),
    method=st.sampled_from(["post", "post", "put", "get", "delete"]))
def test_api_raw_bodies_and_content_types(client: Client, price_book: Any, settings: Any,
                                          errors_logged: Any, body: bytes, content_type: str,
                                          url: str, method: str) -> None:
    settings.REPORTS_PER_HOUR = 0
    try:
        if method in ("get", "delete"):
            response = getattr(client, method)(url)
        else:  # generic(): the body goes out byte for byte, whatever charset the type names
            response = client.generic(method.upper(), url, body, content_type=content_type)
    except ValueError as exc:  # the test client itself refuses a header with a newline
        assert "\n" in content_type, exc
        return
    assert_sane(response)
    if response.status_code not in (200, 201):
        assert_api_errors(response.json(), None, whole_input_bad=True)
    assert_no_logged_errors(errors_logged)


@FUZZ
@given(code=st.one_of(TEXT, st.uuids().map(str)))
def test_report_lookup_never_fails(client: Client, db: None, errors_logged: Any, code: str) -> None:
    from urllib.parse import quote

    response = client.get("/api/v1/reports/" + quote(code, safe=""))
    assert_sane(response)
    assert response.status_code in (200, 404)
    assert_no_logged_errors(errors_logged)


# Chunked bodies, and the methods the OpenAPI document does not list -------------------------


@FUZZ
@given(body=st.one_of(
    workload(),
    st.binary(max_size=200),
    st.integers(64 * 1024 - 40, 64 * 1024 + 40).map(
        lambda n: (b'{"notes": "' + b"n" * n + b'"}')[:n]),
    st.sampled_from([b"", b"{", b"0\r\n\r\n", nested_text(3000).encode()])),
    url=st.sampled_from(["/api/v1/compare", "/api/v1/reports"]),
    terminated=st.booleans(), piece=st.integers(1, 70_000))
def test_api_chunked_bodies(client: Client, price_book: Any, settings: Any, errors_logged: Any,
                            body: Any, url: str, terminated: bool, piece: int) -> None:
    """Transfer-Encoding: chunked, no Content-Length, as gunicorn passes it on (the stream
    ends with the body; ``wsgi.input_terminated``), or under a server that cannot end it."""
    import io

    class Pieces(io.RawIOBase):  # the body arrives in pieces, as a decoder hands it on
        def __init__(self, data: bytes) -> None:
            self.data = data

        def read(self, size: int = -1) -> bytes:
            size = piece if size is None or size < 0 else min(size, piece)
            out, self.data = self.data[:size], self.data[size:]
            return out

    settings.REPORTS_PER_HOUR = 0
    sent = None
    if not isinstance(body, bytes):
        sent, body = body, dumps(body).encode()
    environ: dict[str, Any] = {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_TYPE": "application/json",
                               "wsgi.input": Pieces(body)}
    if terminated:
        environ["wsgi.input_terminated"] = True
    response = client.generic("POST", url, **environ)
    assert_sane(response)
    if not terminated:
        assert response.status_code == 411
    elif len(body) > 64 * 1024:
        assert response.status_code == 413
    if response.status_code not in (200, 201):
        assert_api_errors(response.json(), sent, whole_input_bad=True)
    assert_no_logged_errors(errors_logged)


@pytest.fixture
def report_code(price_book: Any) -> str:
    response = Client().post("/api/v1/reports", json.dumps(BASE), content_type="application/json")
    return str(response.json()["code"])


def listed_methods(path: str) -> set[str]:
    """The methods the OpenAPI document lists for a path (HEAD wherever GET is); the report
    page, which is HTML and not in the document, answers GET and HEAD like its exports."""
    from reports.openapi import document

    operations = document()["paths"].get(path, {"get": {}})
    methods = {m.upper() for m in operations}
    return methods | ({"HEAD"} if "GET" in methods else set())


@FUZZ
@given(path=st.sampled_from(["/api/v1/compare", "/api/v1/reports", "/api/v1/reports/{code}",
                             "/api/v1/openapi.json", "/r/{code}/", "/r/{code}.csv", "/r/{code}.json"]),
       method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
                               "PROPFIND", "CONNECT", "BREW", "get"]),
       body=st.one_of(st.just(b""), st.just(dumps(BASE).encode())),
       csrf=st.booleans())
def test_methods_the_schema_does_not_list_are_405(price_book: Any, settings: Any, errors_logged: Any,
                                                  report_code: str, path: str, method: str,
                                                  body: bytes, csrf: bool) -> None:
    settings.REPORTS_PER_HOUR = 0
    client = Client(enforce_csrf_checks=csrf)
    url = path.replace("{code}", report_code)
    response = client.generic(method, url, body, content_type="application/json")
    assert_sane(response)
    json_path = url.startswith("/api/") or url.endswith(".json")
    if method.upper() not in listed_methods(path):
        assert response.status_code == 405, (method, url, response.status_code)
        assert set(response["Allow"].split(", ")) <= listed_methods(path)
        if json_path and method.upper() == "HEAD":  # the headers of the JSON error, no body
            assert response["Content-Type"] == "application/json" and response.content == b""
        elif json_path:
            assert_api_errors(response.json(), None, whole_input_bad=True)
    else:
        assert response.status_code not in (403, 405), (method, url, response.status_code)
    assert_no_logged_errors(errors_logged)


# The command line ------------------------------------------------------------------------

# A field name as is, or JSON-quoted when it holds spaces, colons or line breaks.
CLI_LINE = re.compile(r'^(?P<field>"(?:[^"\\]|\\.)*"|[^\s:"]+): \S')


@FUZZ
@given(data=workload(), raw=st.one_of(st.none(), TEXT, st.just(nested_text(50_000)),
                                      st.just("x" * MB)),
       at=st.one_of(st.none(), TEXT, st.dates().map(str)))
def test_cli_exits_0_or_2_with_field_named_lines(price_book: Any, errors_logged: Any, data: Any,
                                                 raw: str | None, at: str | None) -> None:
    stdin = dumps(data) if raw is None else raw
    args = ("--at", at) if at is not None and not at.startswith("-") else ()
    code, out, err = run_cli(stdin, *args)
    assert code in (0, 2), (code, err[:500])
    assert not TRACEBACK.search(out + err)
    if code == 0:
        assert err == ""
        json.loads(out)  # strict JSON: no NaN or Infinity
    else:
        assert out == ""
        lines = err.splitlines()
        assert lines
        allowed = PATHS | {"input", "file", "--at", "__all__"} | unknown_paths(data)
        for line in lines:
            match = CLI_LINE.match(line)
            assert match, line[:200]
            field = match["field"]
            name = json.loads(field) if field.startswith('"') else field
            assert name in allowed, line[:200]
    assert_no_logged_errors(errors_logged)


# Regressions found by this file ------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "two words", "x: y", "a\nb", 'say "hi"'])
def test_cli_quotes_an_unknown_field_it_cannot_print_plainly(price_book: Any, key: str) -> None:
    code, out, err = run_cli(json.dumps({**BASE, key: 1}))
    assert code == 2 and out == ""
    assert err.splitlines() == [f"{json.dumps(key)}: unknown field; allowed fields: "
                                + err.split("allowed fields: ", 1)[1].strip()]


def test_cli_prints_a_plain_unknown_field_as_is(price_book: Any) -> None:
    code, _, err = run_cli(json.dumps({**BASE, "memroy_mb": 1}))
    assert code == 2 and err.startswith("memroy_mb: unknown field")


def test_huge_amounts_never_fail_the_results(client: Client, price_book: Any) -> None:
    # Found here: connection_seconds=1e300 (then without an upper limit) made a bill of ~1e300
    # dollars, and rounding it to the cent raised decimal.InvalidOperation (a 500). The field
    # now has a maximum, and usd() rounds any float (below).
    query = {**{k: str(v) for k, v in BASE.items()}, "connections_connection_seconds": "1e300"}
    response = client.get("/", query, headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.status_code == 200
    assert 'id="err-connections_connection_seconds"' in response.content.decode()


def test_usd_rounds_any_float() -> None:
    from advisor.questionnaire.numbers import usd

    assert usd(1e27) == "$1,000,000,000,000,000,000,000,000,000.00"
    assert usd(1e300).startswith("$1.00")
    assert usd(float("inf")) == usd(float("nan")) == "—"
    assert usd(12.345) == "$12.35"
