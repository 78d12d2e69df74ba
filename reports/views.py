"""Report pages: show a stored report, export it, save one from the results, recompute it.

A report page renders only what the report stored; today's prices are consulted for one
thing, the banner that says they would give different totals.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models.signals import post_delete
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_POST

from advisor import services
from advisor.plumbing.cache import ProcessCache, cache_get, cache_set, templates_version
from advisor.plumbing.gzipped import KeptPage
from advisor.plumbing.jsonio import strict_json_loads
from advisor.plumbing.middleware import too_many_requests
from advisor.pricing.workload import DERIVED, FIELDS, _resolve_derived
from advisor.questionnaire import honest, korean, option_presenters, texts, weights
from advisor.questionnaire.forms import LABELS, form_data, form_name
from advisor.questionnaire.numbers import usd
from advisor.questionnaire.presenters import results_context, side_labels
from reports import export, measured, saving, scenarios
from reports.errors import method_not_allowed
from reports.forms import ReportMetaForm
from reports.models import Report

MAX_INPUTS_CHARS = 16 * 1024
# A report never changes, so the HTML drawn from it is kept (per language and template
# version); the hour bounds how long a changed translation waits.
RENDERED_SECONDS = 3600
REPORT_TEMPLATES = ("reports/report.html", "advisor/index.html", "reports/_scenarios.html",
                    "advisor/_scenarios_table.html", "reports/_measured.html",
                    "advisor/_usage_sentence.html")
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
    """One or two sentences for the page heading and link previews, naming each side as the
    body does ("Lambda + HTTP API", "EC2 + ALB")."""
    labels = side_labels(result.get("inputs", {}))
    totals = {"lambda": usd(result["lambda"]["monthly_usd"]), "ec2": usd(result["ec2"]["monthly_usd"])}
    cheaper = result.get("cheaper")
    # One winner per screen: the headline's statement on the result's basis (every compared
    # option), as the page's answer and pinned summary say it.
    main = honest.headline_main(result, labels)
    if main:
        text = main
    elif cheaper in ("lambda", "ec2"):
        other = "ec2" if cheaper == "lambda" else "lambda"
        text = korean.format(
            _("%(side)s is cheaper: %(total)s a month, against %(other_total)s for %(other)s."),
            {"side": labels[cheaper], "total": totals[cheaper], "other": labels[other],
             "other_total": totals[other]})
    else:
        text = korean.format(_("%(lambda)s and %(ec2)s cost the same: %(total)s a month."),
                             {"lambda": labels["lambda"], "ec2": labels["ec2"],
                              "total": totals["lambda"]})
    choice = (result.get("recommendation") or {}).get("choice")
    names = option_presenters.option_labels(result.get("inputs", {}), labels)
    if main and (result.get("option_choice") or {}).get("choice"):
        # Further options compared: the choice over all of them, as the options card says.
        choice = result["option_choice"]["choice"]
    if choice:
        side = names.get(choice, str(choice)) if choice != "either" else _("either side")
        text += " " + _("Recommended: %(side)s.") % {"side": side}
    # An older heading weighs Lambda against EC2; a further option that costs less is named too.
    elsewhere = option_presenters.cheapest_elsewhere(
        result, option_presenters.option_labels(result.get("inputs", {}), labels))
    return f"{text} {elsewhere}" if elsewhere else text


def _flat_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    return dict(export.flat("", inputs))


def derived_names(flat: dict[str, Any]) -> set[str]:
    """Inputs the engine worked out from other inputs (their default says so) and that still
    hold that worked-out value: "vCPUs one task needs" follows from the Lambda memory."""
    specs = [spec for spec in FIELDS if spec.default is DERIVED and spec.name in flat]
    again = {**flat, **{spec.name: DERIVED for spec in specs}}
    _resolve_derived(again)
    return {spec.name for spec in specs if again.get(spec.name) == flat[spec.name]}


def input_rows(inputs: dict[str, Any]) -> list[dict[str, str]]:
    """The stored inputs in the questionnaire's order and words: label, contract name, value,
    and whether the value was worked out from the others (``derived``)."""
    flat = _flat_inputs(inputs)
    derived = derived_names(flat)
    names = [spec.name for spec in FIELDS if spec.name in flat]
    names += [name for name in flat if name not in names]
    # A worked-out value is said to three significant figures, what its inputs justify
    # ("0.868 vCPUs", not "0.868287").
    rows = [{"name": name, "label": str(LABELS.get(form_name(name), name)),
             "value": shown(float(f"{flat[name]:.3g}") if name in derived
                            and isinstance(flat[name], float) else flat[name]),
             "derived": name in derived}
            for name in names]
    for row in rows:
        if row["name"] == "traffic.hourly_weights":
            # 24 or 168 numbers say less than what they come to (the link carries them all).
            row["value"] = weights.note(weights.parse(str(flat[row["name"]])))
    return rows


def calculator_url(inputs: dict[str, Any], basis: str | None = None) -> str:
    """The questionnaire with these inputs filled in (a plain link: the URL holds the inputs):
    options as a list, ranges in their low/high boxes, the basis. Derived values are left out,
    so the questionnaire works them out again from the others. A result saved before the
    basis existed gives ``basis`` None: the calculator's default then."""
    inputs = dict(inputs)
    options = inputs.pop("options", None)
    ranges = inputs.pop("ranges", None) or {}
    flat = _flat_inputs(inputs)
    derived = derived_names(flat)
    known = {spec.name for spec in FIELDS}
    values: dict[str, Any] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
            return int(value)
        return value

    for name, value in flat.items():
        if name in derived or name not in known:
            continue
        values[form_name(name)] = plain(value)
    if options:
        values["options"] = list(options)
    for name, (low, _mid, high) in ranges.items():
        values[f"{form_name(name)}_low"] = plain(low)
        values[f"{form_name(name)}_high"] = plain(high)
    if basis and "basis" not in values:
        values["basis"] = basis
    query = QueryDict(mutable=True)
    for name, value in form_data(values).items():
        # A multiple choice (the options) is one key a value, as a browser sends it.
        query.setlist(name, [str(v) for v in value] if isinstance(value, list) else [value])
    return reverse("index") + "?" + query.urlencode()


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


def measured_summary(kept: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sentence's numbers for a kept measured-usage summary, as the usage result on / says
    them."""
    if not kept:
        return None
    from advisor.questionnaire.usage_page import summary

    return summary({"format": kept.get("format", ""), "measured": kept})


def report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    snapshot = report.snapshot
    return {
        **results_context(snapshot),
        "report": report,
        "verdict": verdict(snapshot["result"]),
        "share_url": request.build_absolute_uri(report.get_absolute_url()),
        "input_rows": input_rows(snapshot["result"]["inputs"]),
        "calculator_url": calculator_url(snapshot["result"]["inputs"],
                                         snapshot["result"].get("basis")),
        **scenarios.report_context(snapshot),
        "measured": snapshot.get("measured"),
        "measured_summary": measured_summary(snapshot.get("measured")),
    }


def _rendered(request: HttpRequest, report: Report) -> dict[str, str]:
    """The page's parts drawn from the stored snapshot: verdict, header and body HTML.

    Rendering them costs most of the page (about 20 ms: charts, tables, 60 KB of HTML); they
    depend only on the report, the language and the templates, so they are rendered once.
    """
    key = f"report-html:v2:{report.code}:{get_language()}:{templates_version(*REPORT_TEMPLATES)}"
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


# The whole page, kept per (report, language, today's prices for its region, templates and
# static files of this deploy, host): a report never changes, so only those can change what
# it shows. The visitor's CSRF token is put in afterwards. Per process first (about 90 KB a
# page), then Redis.
PAGE_TEMPLATES = ("base.html", *REPORT_TEMPLATES)
PAGE_STATIC = ("css/app.css", "css/honest.css", "css/print.css", "js/app.js", "js/report.js",
               "vendor/plotly.css", "vendor/plotly-advisor.min.js", "favicon.svg")
PAGE_PLACEHOLDER = "csrf0placeholder0for0a0kept0report0page"
_pages = ProcessCache(size=200, seconds=RENDERED_SECONDS)


# Report code -> (when read, region): a report's region never changes, so a page served from
# the kept HTML needs no query at all. Kept as briefly as the price books
# (services.BOOK_MEMO_SECONDS): a report deleted in another process is gone from this one
# within that time, and at once from the process that deleted it.
_regions: dict[str, tuple[float, str]] = {}
REGIONS_KEPT = 20_000


def _region(request: HttpRequest, code: Any) -> str | None:
    """The report's region (None: no such report), looked up once per request: the ETag and
    the kept page both need it."""
    if not hasattr(request, "_report_region"):
        known = _regions.get(str(code))
        if known is not None and time.monotonic() - known[0] < services.BOOK_MEMO_SECONDS:
            region: str | None = known[1]
        else:
            region = Report.objects.filter(code=code).values_list("region", flat=True).first()
            if region is None:
                _regions.pop(str(code), None)
            else:
                if len(_regions) >= REGIONS_KEPT:
                    _regions.clear()
                _regions[str(code)] = (time.monotonic(), region)
        request._report_region = region  # type: ignore[attr-defined]
    return request._report_region  # type: ignore[attr-defined,no-any-return]


def _forget_region(instance: Report, **_: Any) -> None:
    _regions.pop(str(instance.code), None)


post_delete.connect(_forget_region, sender=Report, dispatch_uid="reports.views.forget-region")


def _page_key(request: HttpRequest, code: Any, region: str) -> str | None:
    """The kept page's key; None for a URL with a query string (the language switcher returns
    to the full path, so such a page is drawn afresh and not kept)."""
    if request.GET:
        return None
    parts = [str(code), get_language() or "", services.prices_version(region),
             templates_version(*PAGE_TEMPLATES), request.scheme, request.get_host(),
             *(static(name) for name in PAGE_STATIC)]
    return "report-page:v3:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret the page's forms are made with: the visitor's cookie, or the one this
    response will set (so a first visit and the next one share an ETag)."""
    get_token(request)
    return str(request.META.get("CSRF_COOKIE", ""))


def _page_etag(request: HttpRequest, code: Any) -> str | None:
    """What the report page is drawn from besides the stored report, which never changes: the
    language, the templates and static files of this deploy, today's prices for its region
    (the banner) and the visitor's CSRF cookie (the language switcher's form). A browser asks
    again each time (no-cache) and gets a 304 while none of them has changed, so caching can
    never hide a banner that today's prices call for."""
    region = _region(request, code)
    if region is None:
        return None
    parts = [str(code), get_language() or "", templates_version(*REPORT_TEMPLATES),
             services.prices_version(region), _csrf_secret(request),
             static("css/app.css"), static("js/app.js"), static("js/report.js")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# Exports never change: any browser or proxy may keep them for a year. The CSV's header row
# follows the visitor's language (Accept-Language or the language cookie).
FOREVER = {"public": True, "max_age": 365 * 24 * 3600, "immutable": True}


@read_only
@cache_control(private=True, no_cache=True)
@condition(etag_func=_page_etag)
def report_page(request: HttpRequest, code: Any) -> HttpResponse:
    region = _region(request, code)
    key = _page_key(request, code, region) if region is not None else None
    kept = _pages.get(key) if key else None
    if kept is None:
        # The snapshot (tens of KB) is read only when the kept HTML or today's totals are
        # missing.
        report = get_object_or_404(Report.objects.defer("snapshot_json"), code=code)
        parts = _rendered(request, report)
        today = _today(report)
        html = render_to_string("reports/report.html", {
            "report": report,
            "verdict": parts["verdict"],
            # Made by our own templates, autoescaped, just above (or kept from an earlier view).
            "header_html": mark_safe(parts["header"]),  # noqa: S308
            "body_html": mark_safe(parts["body"]),  # noqa: S308
            "share_url": request.build_absolute_uri(report.get_absolute_url()),
            "today": today,
            "csrf_token": PAGE_PLACEHOLDER,
        }, request)
        kept = KeptPage.of(html, PAGE_PLACEHOLDER)
        # A failed look at today's prices (neither totals nor errors) is not kept: a passing
        # fault must not hide the banner.
        if key and (today.get("result") is not None or today.get("errors")):
            _pages.set(key, kept)
    response = kept.response(request, get_token(request))
    if response.has_header("Content-Encoding"):
        # Another representation of the same page: a weak validator (RFC 9110 8.8.1), as
        # GZipMiddleware would make it; If-None-Match compares weakly, so 304s still come.
        etag = _page_etag(request, code)
        if etag:
            response["ETag"] = f'W/"{etag}"'
    return response


@read_only
@cache_control(**FOREVER)
def report_csv(request: HttpRequest, code: Any) -> HttpResponse:
    report = get_object_or_404(Report, code=code)
    url = request.build_absolute_uri(report.get_absolute_url())
    response = HttpResponse(export.to_csv(report, url), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lambda-or-ec2-{report.code}.csv"'
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@read_only
@cache_control(**FOREVER)
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
        # The scenario table on screen when saving, priced now, is kept with the report.
        snapshot = scenarios.with_table(snapshot, data, request.POST.get("scenario_vary"))
    except services.ComparisonError as exc:
        return _problem(request, texts.engine_errors(exc.errors), form)
    # The measured-usage summary this server signed when it read a file on /; a token that
    # does not verify is left out (the report is saved without it), never trusted.
    summary = measured.unsign(request.POST.get("measured", ""), data)
    if summary:
        snapshot = {**snapshot, "measured": summary}
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
