"""``POST /api/v1/usage``: a usage file in (the body, or the multipart field ``file``), the
measured workload out (``{format, workload, measured, bill?, warnings, suggestions}``).

The file is read in memory and streamed through the importer: never written to disk or the
database (multipart uploads go to an in-memory handler, not Django's temporary files), never
logged. At most MAX_SENT bytes are accepted and at most MAX_DECOMPRESSED bytes are read after
gzip is undone: a gzip bomb stops at that limit with a 413.
"""

from __future__ import annotations

import io
import logging
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from advisor import usage_pricing
from advisor.plumbing import ratelimit
from advisor.usage import FORMATS, Params, UsageError, formats_text
from reports.api import ApiError, _is_chunked, api_view

logger = logging.getLogger(__name__)

MAX_SENT = 20 * 1024 * 1024
MAX_DECOMPRESSED = 200 * 1024 * 1024
RATE_SCOPE = "usage"
RATE_WINDOW_S = 3600


class _MemoryOnly(FileUploadHandler):
    """Keeps an uploaded file in memory (at most MAX_SENT bytes); Django's default handlers
    would spool a file over 2.5 MB to a temporary file on disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > MAX_SENT:
            raise StopUpload(connection_reset=True)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(self.buffer, self.field_name, self.file_name or "file",
                                    self.content_type, file_size, self.charset)


def too_large_sent() -> ApiError:
    return ApiError(413, {"__all__": [
        _("The file may be at most %(max)d bytes as sent (gzip it: it is read compressed).")
        % {"max": MAX_SENT}]})


def params_from(query: Any) -> Params:
    """The query parameters, each checked; ApiError 400 naming the parameter."""
    problems: dict[str, list[str]] = {}

    def number(name: str, kind: type) -> Any:
        raw = query.get(name)
        if raw in (None, ""):
            return None
        try:
            return kind(raw)
        except ValueError:
            problems[name] = [_("must be a number (got %(value)s)") % {"value": raw[:40]}]
            return None

    hours = number("hours", float)
    memory = number("memory_mb", int)
    free = query.get("free_tier")
    free_tier = None
    if free not in (None, ""):
        if free.lower() in ("true", "1", "yes"):
            free_tier = True
        elif free.lower() in ("false", "0", "no"):
            free_tier = False
        else:
            problems["free_tier"] = [_("must be true or false (got %(value)s)") % {"value": free[:40]}]
    fmt = query.get("format") or None
    if fmt is not None and fmt not in FORMATS:
        problems["format"] = [_("must be one of %(formats)s") % {"formats": ", ".join(FORMATS)}]
    region = query.get("region") or None
    if problems:
        raise ApiError(400, problems)
    return Params(hours=hours, memory_mb=memory, region=region, free_tier=free_tier, format=fmt)


def _file_of(request: HttpRequest) -> tuple[IO[bytes], bool]:
    """The uploaded bytes (at most MAX_SENT) and whether Content-Encoding says gzip."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_SENT:
        raise too_large_sent()
    gzipped = "gzip" in request.META.get("HTTP_CONTENT_ENCODING", "").lower()
    if request.content_type == "multipart/form-data":
        request.upload_handlers = [_MemoryOnly(request)]
        try:
            upload = request.FILES.get("file")
        except StopUpload:
            raise too_large_sent() from None
        except Exception as exc:  # a broken multipart body is the client's mistake
            raise ApiError(400, {"file": [_("The multipart body cannot be read: %(problem)s")
                                          % {"problem": str(exc)[:200]}]}) from None
        if upload is None:
            raise ApiError(400, {"file": [_("Send the file in the multipart field \"file\", or "
                                            "as the request body.")]})
        return upload.file, gzipped  # type: ignore[return-value]
    if _is_chunked(request):
        if not request.META.get("wsgi.input_terminated"):
            raise ApiError(411, {"__all__": [_("Send the request body with a Content-Length "
                                               "header: this server cannot read a chunked body.")]})
        stream = request.META["wsgi.input"]
        data = bytearray()
        while len(data) <= MAX_SENT:
            chunk = stream.read(MAX_SENT + 1 - len(data))
            if not chunk:
                break
            data += chunk
        body = bytes(data)
    else:
        body = request.read(MAX_SENT + 1)
    if len(body) > MAX_SENT:
        raise too_large_sent()
    return io.BytesIO(body), gzipped


def error_of(exc: UsageError) -> ApiError:
    if exc.kind == "too_large":
        return ApiError(413, {"file": [_("The file may be at most %(max)d bytes once "
                                         "decompressed.") % {"max": MAX_DECOMPRESSED}]})
    if exc.kind == "unrecognised":
        return ApiError(400, {exc.field: [exc.message]})
    return ApiError(400, {exc.field: [exc.message]})


@api_view("POST")
def usage(request: HttpRequest) -> JsonResponse:
    """A usage file in; the workload and what was measured out."""
    params = params_from(request.GET)
    wait, _counted = ratelimit.hit_once(RATE_SCOPE, ratelimit.client_address(request),
                                        settings.REPORTS_PER_HOUR, RATE_WINDOW_S)
    if wait is not None:
        raise ApiError(429, {"__all__": [
            _("Too many files from your address; try again in %(seconds)d seconds.")
            % {"seconds": wait}]}, {"Retry-After": str(wait)})
    stream, gzipped = _file_of(request)
    try:
        result = usage_pricing.read(stream, params, limit=MAX_DECOMPRESSED, gzipped=gzipped)
    except UsageError as exc:
        raise error_of(exc) from None
    return JsonResponse(result)


def formats_message() -> str:
    return formats_text()
