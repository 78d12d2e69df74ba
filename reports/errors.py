"""Error answers in the shape the client asked for.

The JSON API and the report's ``.json`` export answer every error, whoever raises it (a view,
the URL resolver, Django's own handlers for 400, 403, 404 and 500, the 503 middleware), in the
API's one shape ``{"errors": {"__all__": ["message"]}}``; every other address keeps the HTML
error pages. ``config/urls.py`` installs the handlers below.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

REPORT_JSON = re.compile(r"/r/[^/]+\.json")


def wants_json(request: HttpRequest) -> bool:
    """True for the API's paths and the report's JSON export (whatever the Accept header)."""
    path = request.path
    return path.startswith("/api/") or bool(REPORT_JSON.fullmatch(path))


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"errors": {"__all__": [message]}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> HttpResponse:
    """405 with ``Allow``: the API's JSON shape on JSON paths, a plain sentence elsewhere."""
    message = _("Method %(method)s is not allowed here; use %(allowed)s.") % {
        "method": request.method, "allowed": ", ".join(allowed)}
    if wants_json(request):
        return json_error(405, message, {"Allow": ", ".join(allowed)})
    response = HttpResponse(message, status=405, content_type="text/plain; charset=utf-8")
    response["Allow"] = ", ".join(allowed)
    return response


def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    if wants_json(request):
        return json_error(400, _("The request could not be understood."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception, template_name: str = "403.html") -> HttpResponse:
    if wants_json(request):
        return json_error(403, _("You may not do this here."))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception, template_name: str = "404.html") -> HttpResponse:
    if wants_json(request):
        if request.path.startswith("/api/v1/reports/") or REPORT_JSON.fullmatch(request.path):
            return json_error(404, _("There is no report with this code."))
        return json_error(404, _("There is no such address in the API; see /api/v1/openapi.json."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if wants_json(request):
        return json_error(500, _("The server hit an unexpected error. It has been logged; "
                                 "please try again."))
    return defaults.server_error(request)
