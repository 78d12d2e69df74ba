"""The JSON API: /api/v1/compare, /api/v1/reports, /api/v1/reports/<code>, the OpenAPI document.

JSON in, JSON out, and never a cookie: the views are CSRF-exempt (there is no session to
protect) and touch neither the session nor the CSRF token. Every error has the one shape
``{"errors": {"field": ["message", ...]}}``, "__all__" for the request as a whole.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from advisor import scenario_service, services
from advisor.plumbing.jsonio import NonFiniteNumber, strict_json_loads
from reports import export, idempotency, saving
from reports.errors import method_not_allowed
from reports.forms import meta_errors
from reports.models import Report
from reports.openapi import document

MAX_BODY = 64 * 1024
META_FIELDS = ("title", "notes")


class ApiError(Exception):
    def __init__(self, status: int, errors: dict[str, list[str]], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers or {}


# An error body is at most this many bytes: a request of MAX_BODY bytes naming thousands of
# unknown fields is answered with the first problems and a count of the rest, not megabytes.
MAX_ERROR_BODY = 64 * 1024
# A field name echoed in an error is cut to this many characters.
MAX_ECHOED_NAME = 100
# Control characters, lone UTF-16 surrogates (JSON can carry "\ud800"; many decoders refuse
# one) and the JavaScript line separators: echoed as the visible text \uXXXX instead.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def safe_text(text: object, limit: int = 0) -> str:
    """``text`` with every unsafe character written out as ``\\uXXXX``, cut to ``limit``."""
    out = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))
    return out if not limit or len(out) <= limit else out[:limit - 1] + "\u2026"


def bounded(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The errors with names and messages made safe, at most MAX_ERROR_BODY bytes of JSON."""
    out: dict[str, list[str]] = {}
    # Room for the envelope and the closing note; JsonResponse escapes non-ASCII, so the
    # length of json.dumps is the length in bytes.
    budget = MAX_ERROR_BODY - 1024
    size = 0
    items = list(errors.items())
    for index, (field, messages) in enumerate(items):
        name = field if field == "__all__" else safe_text(field, MAX_ECHOED_NAME)
        texts = [safe_text(m) for m in messages]
        cost = len(json.dumps({name: texts})) + 2
        if size + cost > budget:
            left = len(items) - index
            out.setdefault("__all__", []).append(ngettext(
                "%(count)d more field has problems that are not listed; correct the ones "
                "above and send the request again.",
                "%(count)d more fields have problems that are not listed; correct the ones "
                "above and send the request again.", left) % {"count": left})
            break
        out.setdefault(name, []).extend(texts)  # two long names may be cut to one
        size += cost
    return out


def errors(status: int, errors: dict[str, list[str]], headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"errors": bounded(errors)}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def read_json(request: HttpRequest) -> Any:
    """The decoded body of a JSON request, or ApiError (415, 413 or 400)."""
    if request.content_type != "application/json":
        raise ApiError(415, {"__all__": [
            _("Send the request body as JSON with Content-Type: application/json (got %(type)s).")
            % {"type": request.content_type or _("none")}
        ]})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        raise ApiError(413, {"__all__": [
            _("The request body may be at most %(max)d bytes (got %(size)d).")
            % {"max": MAX_BODY, "size": declared}
        ]})
    body = _chunked_body(request) if _is_chunked(request) else request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise ApiError(413, {"__all__": [
            _("The request body may be at most %(max)d bytes.") % {"max": MAX_BODY}
        ]})
    try:
        return strict_json_loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, {"__all__": [_("The request body is not valid UTF-8.")]}) from None
    except (ValueError, RecursionError) as exc:
        problem = (_("%(name)s is not allowed in JSON") % {"name": exc.name}
                   if isinstance(exc, NonFiniteNumber) else exc)
        raise ApiError(400, {"__all__": [_("The request body is not valid JSON: %(problem)s")
                                         % {"problem": problem}]}) from None


def _is_chunked(request: HttpRequest) -> bool:
    """A body sent with ``Transfer-Encoding: chunked`` and no Content-Length (RFC 9112 §6)."""
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and not request.META.get("CONTENT_LENGTH")


def _chunked_body(request: HttpRequest) -> bytes:
    """Up to MAX_BODY + 1 bytes of a chunked body.

    Django reads a body only up to its Content-Length, so without one it sees an empty body.
    A server that decodes the chunks and ends the stream (gunicorn does, and says so with
    ``wsgi.input_terminated``, a WSGI extension) can be read to its end; under any other the
    end cannot be found safely, and the client is told to send a length (411).
    """
    if not request.META.get("wsgi.input_terminated"):
        raise ApiError(411, {"__all__": [
            _("Send the request body with a Content-Length header: this server cannot read a "
              "chunked body.")
        ]})
    stream = request.META["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BODY:  # bounded: at most MAX_BODY + 1 bytes are kept
        data = stream.read(MAX_BODY + 1 - size)
        if not data:
            break
        chunks.append(data)
        size += len(data)
    return b"".join(chunks)


def api_view(*methods: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., JsonResponse]]:
    """CSRF-exempt, JSON 405 for other methods, ApiError turned into its JSON response."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
        @csrf_exempt
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if request.method not in methods:
                return method_not_allowed(request, methods)  # type: ignore[return-value]
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return errors(exc.status, exc.errors, exc.headers)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _comparison(data: Any) -> dict[str, Any]:
    try:
        return services.run(data)
    except services.ComparisonError as exc:
        raise ApiError(400, exc.errors) from None


@api_view("POST")
def compare(request: HttpRequest) -> JsonResponse:
    """A workload in, the contract's result out, priced with today's published book."""
    return JsonResponse(_comparison(read_json(request)))


@api_view("POST")
def scenarios(request: HttpRequest) -> HttpResponse:
    """A workload plus ``vary`` in; the scenario table out, as JSON or (``?format=csv`` or
    ``Accept: text/csv``) as CSV."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise ApiError(400, {"__all__": [_("The request body must be a JSON object with the "
                                           "workload's fields.")]})
    workload = {k: v for k, v in data.items() if k != "vary"}
    try:
        result = scenario_service.table(workload, data.get("vary"))
    except services.ComparisonError as exc:
        raise ApiError(400, exc.errors) from None
    if wants_csv(request):
        response = HttpResponse(scenario_service.to_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="scenarios.csv"'
        return response
    return JsonResponse(result)


def wants_csv(request: HttpRequest) -> bool:
    if request.GET.get("format") == "csv":
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "text/csv" in accept and "application/json" not in accept


@api_view("POST")
def create_report(request: HttpRequest) -> JsonResponse:
    """A workload plus an optional title and notes in; 201 with the report's code and URL.

    With an ``Idempotency-Key`` header a retried request returns the first report
    (reports/idempotency.py).
    """
    try:
        key = idempotency.key_of(request)
    except idempotency.InvalidKey:
        raise ApiError(400, {"__all__": [
            _("The Idempotency-Key header must be 1 to %(max)d visible ASCII characters.")
            % {"max": idempotency.MAX_LENGTH}
        ]}) from None
    data = read_json(request)
    if key is None:
        return _create_report(request, data)
    claimed = idempotency.claim(request, key, idempotency.fingerprint(data))
    if claimed.done is not None:
        return _created(claimed.done["body"], replayed=True)
    if claimed.conflict == "different-body":
        raise ApiError(422, {"__all__": [
            _("This Idempotency-Key was already used with a different request body; send a "
              "new key for a new report.")
        ]})
    if claimed.conflict == "in-progress":
        raise ApiError(409, {"__all__": [
            _("A request with this Idempotency-Key is still being processed; try again in a "
              "moment.")
        ]}, {"Retry-After": "1"})
    try:
        response = _create_report(request, data)
    except BaseException:
        idempotency.release(claimed)
        raise
    idempotency.finish(claimed, response.status_code, json.loads(response.content))
    return response


def _created(body: dict[str, Any], replayed: bool = False) -> JsonResponse:
    response = JsonResponse(body, status=201)
    response["Location"] = body["url"]
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _create_report(request: HttpRequest, data: Any) -> JsonResponse:
    if not isinstance(data, dict):
        raise ApiError(400, {"__all__": [_("The request body must be a JSON object with the "
                                           "workload's fields.")]})
    workload = {k: v for k, v in data.items() if k not in (*META_FIELDS, "vary")}
    meta, problems = meta_errors(data)
    try:
        services.parse(workload)
    except services.ComparisonError as exc:
        problems = {**exc.errors, **problems}
    if problems:
        raise ApiError(400, problems)
    try:
        snapshot = services.snapshot(workload)
        if "vary" in data:
            # The scenario table is priced now and kept with the report, as the page does.
            snapshot = {**snapshot, "scenarios": scenario_service.table(workload, data["vary"])}
    except services.ComparisonError as exc:
        raise ApiError(400, exc.errors) from None
    # Counted only now: a request that cannot be compared (no book for its region) saves
    # nothing, so it must not use up the client's allowance either; a save that fails (the
    # database refused it or is gone) gives its count back.
    with saving.allowance(request) as wait:
        if wait is not None:
            raise ApiError(429, {"__all__": [
                _("Too many reports from your address; try again in %(seconds)d seconds.")
                % {"seconds": wait}
            ]}, {"Retry-After": str(wait)})
        report = saving.create(snapshot, **meta)
    return _created({"code": str(report.code), "url": request.build_absolute_uri(report.get_absolute_url())})


@api_view("GET", "HEAD")
def report_detail(request: HttpRequest, code: str) -> JsonResponse:
    """A stored report as JSON: the same body as /r/<code>.json."""
    report = find(code)
    if report is None:
        raise ApiError(404, {"__all__": [_("There is no report with this code.")]})
    return JsonResponse(export.to_json(report, request.build_absolute_uri(report.get_absolute_url())))


@api_view("GET", "HEAD")
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(document())


def find(code: object) -> Report | None:
    """The report with this code; None for an unknown or malformed code (never an integer id)."""
    try:
        parsed = code if isinstance(code, uuid.UUID) else uuid.UUID(str(code))
    except ValueError:
        return None
    return Report.objects.filter(code=parsed).first()
