"""Response headers Django's SecurityMiddleware does not set; the 503 page when the database
is down; the admin sign-in rate limit."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from advisor.plumbing import dbguard, ratelimit

logger = logging.getLogger(__name__)

# Seconds a 503 asks the client (or the proxy's health check) to wait before trying again.
UNAVAILABLE_RETRY_AFTER = 30

# Only the app's own scripts and styles; no inline script. Plotly draws with SVG and sets
# style attributes from script, which CSP leaves alone; data: images are Plotly's mode-bar.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Browser features the app never uses, all turned off (only names Chromium knows: an unknown
# one is logged as a console error).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
))
# What a signed-out browser forgets (sent on the admin's sign-out): pages kept in its cache,
# cookies and local storage of this site.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # Other sites may not embed our responses (scripts, JSON, images) in their pages.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # No Flash/PDF cross-domain policy files apply to this site.
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        if request.method == "POST" and response.status_code < 400 and request.path == reverse("admin:logout"):
            response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class DatabaseUnavailableMiddleware:
    """A friendly 503 page, not a traceback or a bare 500, when the database cannot be reached.

    Catches the errors of a lost or refused connection (OperationalError, InterfaceError)
    raised by a view or its template; /healthz answers 503 JSON by itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # While the guard backs off every request fails alike: one error line said it already.
        log = logger.info if dbguard.backing_off() else logger.error
        log("database unavailable for %s %s: %r", request.method, request.path, exception)
        return unavailable_response(request)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    from reports.errors import wants_json  # here, not at the top: reports imports advisor

    if wants_json(request) or request.headers.get("Accept", "").startswith("application/json"):
        # The API's one error shape (reports/api.py), so clients parse a 503 like any error.
        from reports.api import errors  # here, not at the top: reports.api imports advisor

        response: HttpResponse = errors(503, {"__all__": [
            gettext("The service is temporarily unavailable. Please try again in a minute.")
        ]})
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    try:
        response = render(request, "503.html", status=503)
    except Exception:  # the page itself needed the database: plain text still beats a traceback
        logger.exception("rendering 503.html failed")
        response = HttpResponse(
            gettext("The service is temporarily unavailable. Please try again in a minute."),
            status=503, content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


class AdminLoginRateLimitMiddleware:
    """At most ADMIN_LOGIN_ATTEMPTS sign-in POSTs per address per window, across all processes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("admin:login"):
            wait = ratelimit.hit(
                "admin-login",
                ratelimit.client_address(request),
                settings.ADMIN_LOGIN_ATTEMPTS,
                settings.ADMIN_LOGIN_WINDOW_SECONDS,
            )
            if wait is not None:
                logger.warning("admin sign-in rate limit hit by %s", ratelimit.client_address(request))
                return too_many_requests(request, wait)
        return self.get_response(request)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page, with Retry-After; for other engineers' limits too (report creation)."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
