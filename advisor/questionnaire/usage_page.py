""""Start from measured usage" on the questionnaire page: a file or pasted text in (htmx POST),
a summary of what was measured, the measured hours as a small chart, a cost file's bill
(billed against priced), and the questionnaire filled with the measured workload (the
address holds it, so a link restores it). The file is read in memory and forgotten."""

from __future__ import annotations

import io
import logging
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from advisor import usage_pricing
from advisor.plumbing import ratelimit
from advisor.questionnaire.forms import form_data
from advisor.questionnaire.labels import form_name
from advisor.usage import Params, UsageError
from reports import measured, usage_api

logger = logging.getLogger(__name__)

# At most this many bars in the chart of measured hours (longer spans are summed in groups).
MAX_BARS = 168
CHART_W, CHART_H = 336, 72


def workload_query(workload: dict[str, Any]) -> str:
    """The questionnaire's query string for a contract workload (nested groups and ranges
    spelt as the form's field names)."""
    values: dict[str, Any] = {}
    for key, value in workload.items():
        if key == "ranges":
            for name, (low, _mid, high) in value.items():
                values[f"{form_name(name)}_low"] = low
                values[f"{form_name(name)}_high"] = high
        elif isinstance(value, dict):
            for sub, inner in value.items():
                if sub == "hourly_weights":
                    # One box of numbers separated by commas (questionnaire/weights.py).
                    inner = ", ".join(f"{w:.6g}" for w in inner)
                values[form_name(f"{key}.{sub}")] = inner
        else:
            values[key] = value
    query = QueryDict(mutable=True)
    for name, value in form_data(values).items():
        if isinstance(value, list):
            query.setlist(name, [str(v) for v in value])
        else:
            query[name] = str(value)
    return query.urlencode()


def chart(hourly: list[list[Any]]) -> dict[str, Any] | None:
    """Bars of the measured hours as SVG rectangles (no script, no inline style)."""
    if len(hourly) < 2:
        return None
    group = -(-len(hourly) // MAX_BARS)
    sums = [sum(c for _h, c in hourly[i:i + group]) for i in range(0, len(hourly), group)]
    top = max(sums) or 1
    width = CHART_W / len(sums)
    bars = [{"x": round(i * width, 2), "w": round(max(width - 0.4, 0.4), 2),
             "h": round(v / top * (CHART_H - 2), 2), "y": round(CHART_H - v / top * (CHART_H - 2), 2),
             "label": f"{hourly[i * group][0]}: {v:,.0f}"} for i, v in enumerate(sums)]
    return {"bars": bars, "w": CHART_W, "h": CHART_H, "hours_per_bar": group,
            "first": hourly[0][0], "last": hourly[-1][0], "peak": f"{top:,.0f}"}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    m = result["measured"]
    days = m.get("span_hours", 0) / 24
    out: dict[str, Any] = {"days": f"{days:,.1f}", "format": result["format"]}
    if "invocations" in m:
        out["invocations"] = f"{m['invocations']:,.0f}"
    if "duration_ms" in m:
        out["mean_ms"] = f"{m['duration_ms']['mean']:,.1f}"
    if "memory_mb" in m:
        out["memory_mb"] = f"{m['memory_mb']:,}"
    if "cold_start_rate" in m:
        out["cold_pct"] = f"{m['cold_start_rate'] * 100:,.1f}"
    if "lambda_requests" in m:
        out["requests"] = f"{m['lambda_requests'] or m['api_gateway_requests']:,.0f}"
        out["region"] = m["region"]
    return out


def _source(request: HttpRequest) -> tuple[IO[bytes] | None, bool]:
    """The uploaded file, or the pasted text; None when neither was sent."""
    upload = request.FILES.get("file")
    if upload is not None and upload.size:
        return upload.file, False  # type: ignore[return-value]
    text = request.POST.get("text", "")
    if text.strip():
        return io.BytesIO(text.encode("utf-8")), False
    return None, False


def _params(post: QueryDict) -> Params:
    # The page's boxes are named usage_* so that they never clash with the questionnaire's.
    return usage_api.params_from({"hours": post.get("usage_hours"),
                                  "memory_mb": post.get("usage_memory_mb")})


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200,
            push: str | None = None) -> HttpResponse:
    response = HttpResponse(render_to_string("advisor/_usage_result.html", context, request),
                            status=status)
    if push:
        response["HX-Push-Url"] = push
    return response


@csrf_exempt  # checked below, once the upload is kept in memory (Django's documented way)
@require_POST
def usage_upload(request: HttpRequest) -> HttpResponse:
    # Set before anything reads the body (the CSRF check reads it): Django's default handlers
    # would write a file over 2.5 MB to a temporary file on disk.
    request.upload_handlers = [usage_api._MemoryOnly(request)]
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    try:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > usage_api.MAX_SENT:
            raise usage_api.too_large_sent()
        params = _params(request.POST)
        stream, gzipped = _source(request)
        if stream is None:
            return _render(request, {"error": _("Choose a file or paste lines first.")}, 400)
        wait, _counted = ratelimit.hit_once(usage_api.RATE_SCOPE, ratelimit.client_address(request),
                                            settings.REPORTS_PER_HOUR, usage_api.RATE_WINDOW_S)
        if wait is not None:
            return _render(request, {"error": _("Too many files from your address; try again in "
                                                "%(seconds)d seconds.") % {"seconds": wait}}, 429)
        result = usage_pricing.read(stream, params, limit=usage_api.MAX_DECOMPRESSED,
                                    gzipped=gzipped)
    except usage_api.ApiError as exc:
        return _render(request, {"error": "; ".join(m for ms in exc.errors.values() for m in ms)},
                       exc.status)
    except RequestDataTooBig:
        return _render(request, {"error": _("Pasted text may be at most %(max)d bytes; choose "
                                            "the file instead.")
                                 % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}}, 413)
    except UsageError as exc:
        status = 413 if exc.kind == "too_large" else 400
        return _render(request, {"error": exc.message, "field": exc.field}, status)
    workload = result["workload"]
    query = workload_query(workload) if workload else ""
    url = f"{reverse('index')}?{query}" if query else None
    if not request.htmx:
        return redirect(url or reverse("index"))
    context = {"result": result, "summary": summary(result), "query": query, "url": url,
               "chart": chart(result["measured"].get("hourly_requests", [])),
               "bill": result.get("bill"),
               # The summary, signed: "Save and share" sends it back and the report keeps it.
               "measured_token": measured.sign(result)}
    return _render(request, context, push=url)
