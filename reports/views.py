"""Report pages: show a stored report, export it, save one from the results, recompute it.

A report page renders only what the report stored; today's prices are consulted for one
thing, the banner that says they would give different totals.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from advisor import services
from advisor.plumbing.cache import cache_get, cache_set, templates_version
from advisor.plumbing.jsonio import strict_json_loads
from advisor.plumbing.middleware import too_many_requests
from advisor.pricing.workload import FIELDS
from advisor.questionnaire import texts
from advisor.questionnaire.forms import LABELS, form_name
from advisor.questionnaire.presenters import results_context, usd
from reports import export, saving
from reports.errors import method_not_allowed
from reports.forms import ReportMetaForm
from reports.models import Report

MAX_INPUTS_CHARS = 16 * 1024
# A report never changes, so the HTML drawn from it is kept (per language and template
# version); the hour bounds how long a changed translation waits.
RENDERED_SECONDS = 3600
REPORT_TEMPLATES = ("reports/report.html", "advisor/index.html")
TODAY_SECONDS = 24 * 3600


READ_METHODS = ("GET", "HEAD")


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD; any other method is a 405 with ``Allow`` (JSON on the .json export).

    CSRF-exempt because it changes nothing: otherwise CsrfViewMiddleware would answer a PUT or
    DELETE with its 403 page before the method is even looked at.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in READ_METHODS:
            return method_not_allowed(request, READ_METHODS)
        return view(request, *args, **kwargs)

    return wrapped


def verdict(result: dict[str, Any]) -> str:
    """One or two sentences for the page heading and link previews."""
    lam, ec2 = result["lambda"]["monthly_usd"], result["ec2"]["monthly_usd"]
    values = {"lambda": usd(lam), "ec2": usd(ec2)}
    if result.get("cheaper") == "lambda":
        text = _("Lambda is cheaper: %(lambda)s a month against %(ec2)s for EC2.") % values
    elif result.get("cheaper") == "ec2":
        text = _("EC2 is cheaper: %(ec2)s a month against %(lambda)s for Lambda.") % values
    else:
        text = _("Lambda and EC2 cost the same: %(lambda)s a month.") % values
    choice = (result.get("recommendation") or {}).get("choice")
    if choice:
        side = {"lambda": _("Lambda"), "ec2": _("EC2")}.get(choice, str(choice))
        text += " " + _("Recommended: %(side)s.") % {"side": side}
    return text


def input_rows(inputs: dict[str, Any]) -> list[dict[str, str]]:
    """The stored inputs in the questionnaire's order and words: label, contract name, value."""
    flat = dict(export.flat("", inputs))
    names = [spec.name for spec in FIELDS if spec.name in flat]
    names += [name for name in flat if name not in names]
    return [{"name": name, "label": str(LABELS.get(form_name(name), name)), "value": shown(flat[name])}
            for name in names]


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if isinstance(value, int | float):
        if float(value).is_integer() and abs(value) < 1e16:
            return formats.number_format(int(value), force_grouping=True)
        return formats.number_format(float(f"{value:.6g}"), force_grouping=True)
    return str(value)


def report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    snapshot = report.snapshot
    return {
        **results_context(snapshot),
        "report": report,
        "verdict": verdict(snapshot["result"]),
        "share_url": request.build_absolute_uri(report.get_absolute_url()),
        "input_rows": input_rows(snapshot["result"]["inputs"]),
    }


def _rendered(request: HttpRequest, report: Report) -> dict[str, str]:
    """The page's parts drawn from the stored snapshot: verdict, header and body HTML.

    Rendering them costs most of the page (about 20 ms: charts, tables, 60 KB of HTML); they
    depend only on the report, the language and the templates, so they are rendered once.
    """
    key = f"report-html:v1:{report.code}:{get_language()}:{templates_version(*REPORT_TEMPLATES)}"
    parts = cache_get(key)
    if parts is None:
        context = report_context(request, report)
        parts = {
            "verdict": context["verdict"],
            "header": render_to_string("reports/report.html#header", context, request),
            "body": render_to_string("reports/report.html#body", context, request),
        }
        cache_set(key, parts, RENDERED_SECONDS)
    return parts  # type: ignore[no-any-return]


def _today(report: Report) -> dict[str, Any]:
    """saving.today(), kept until the prices in force for the report's region change.

    A failed attempt (neither a result nor errors) is not kept, so a passing fault does not
    hide the banner for a day. The kept dict is never changed: it may be the cache's own.
    """
    key = f"report-today:v2:{report.code}:{services.prices_version(report.region)}"
    today = cache_get(key)
    if today is None:
        today = saving.today(report)
        if today["result"] is not None or today["errors"]:
            cache_set(key, today, TODAY_SECONDS)
    if today.get("errors"):
        return {**today, "errors": texts.engine_errors(today["errors"])}
    return today  # type: ignore[no-any-return]


@read_only
def report_page(request: HttpRequest, code: Any) -> HttpResponse:
    # The snapshot (tens of KB) is read only when the kept HTML or today's totals are missing.
    report = get_object_or_404(Report.objects.defer("snapshot_json"), code=code)
    parts = _rendered(request, report)
    return render(request, "reports/report.html", {
        "report": report,
        "verdict": parts["verdict"],
        # Made by our own templates, autoescaped, just above (or kept from an earlier view).
        "header_html": mark_safe(parts["header"]),  # noqa: S308
        "body_html": mark_safe(parts["body"]),  # noqa: S308
        "share_url": request.build_absolute_uri(report.get_absolute_url()),
        "today": _today(report),
    })


@read_only
def report_csv(request: HttpRequest, code: Any) -> HttpResponse:
    report = get_object_or_404(Report, code=code)
    url = request.build_absolute_uri(report.get_absolute_url())
    response = HttpResponse(export.to_csv(report, url), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lambda-or-ec2-{report.code}.csv"'
    return response


@read_only
def report_json(request: HttpRequest, code: Any) -> HttpResponse:
    report = get_object_or_404(Report, code=code)
    url = request.build_absolute_uri(report.get_absolute_url())
    return JsonResponse(export.to_json(report, url))


def _problem(request: HttpRequest, errors: dict[str, list[str]], form: ReportMetaForm | None = None) -> HttpResponse:
    return render(request, "reports/save_failed.html", {"errors": errors, "form": form}, status=400)


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    """"Save and share" on the results: the shown inputs (normalised JSON), title and notes."""
    form = ReportMetaForm(request.POST)
    raw = request.POST.get("inputs", "")
    try:
        if len(raw) > MAX_INPUTS_CHARS:
            raise ValueError("too long")
        data = strict_json_loads(raw)
    except (ValueError, RecursionError):
        return _problem(request, {"": [_("The comparison to save was not received "
                                                "intact; run it again and save.")]}, form)
    if not form.is_valid():
        return _problem(request, {}, form)
    try:
        snapshot = services.snapshot(data)
    except services.ComparisonError as exc:
        return _problem(request, texts.engine_errors(exc.errors), form)
    # Counted only after the comparison worked: input that saves nothing costs no allowance,
    # and a save that fails gives its count back.
    with saving.allowance(request) as wait:
        if wait is not None:
            return too_many_requests(request, wait)
        report = saving.create(snapshot, form.cleaned_data["title"], form.cleaned_data["notes"])
    return redirect(report)


@require_POST
def recompute(request: HttpRequest, code: Any) -> HttpResponse:
    """A new report of the same inputs with today's prices; the old one stays as it was."""
    old = get_object_or_404(Report, code=code)
    try:
        snapshot = services.snapshot(old.inputs)
    except services.ComparisonError as exc:
        return _problem(request, texts.engine_errors(exc.errors))
    with saving.allowance(request) as wait:
        if wait is not None:
            return too_many_requests(request, wait)
        report = saving.create(snapshot, old.title, old.notes, recomputed_from=old.code)
    return redirect(report)
