from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from advisor import services
from advisor.plumbing.cache import ProcessCache, templates_version
from advisor.plumbing.gzipped import FAST, KeptPage
from advisor.plumbing.middleware import UNAVAILABLE_RETRY_AFTER
from advisor.pricebook import prices
from advisor.pricing.catalogue import SPEC_BY_KEY, SPECS
from advisor.pricing.rules import RULES, SECTION_TITLES
from advisor.pricing.workload import field_table
from advisor.questionnaire import language, scenario_views, texts
from advisor.questionnaire.forms import (
    HELP,
    QuestionnaireForm,
    bind_data,
    form_data,
    form_name,
    is_submitted,
    range_text,
    unit_text,
)
from advisor.questionnaire.presenters import chart_context, results_context
from advisor.questionnaire.presets import PRESET_BY_KEY, PRESETS, START_PRESET

logger = logging.getLogger(__name__)


def _preset_query(values: dict[str, Any]) -> str:
    query = QueryDict(mutable=True)
    query.update(form_data(values))
    return query.urlencode()


# Built once: a preset's query string never changes while the process runs.
PRESET_QUERIES = {p.key: _preset_query(p.values) for p in PRESETS}


def _presets(query: QueryDict | None = None) -> list[dict[str, Any]]:
    """The presets, the one whose inputs the page shows marked current."""
    shown = dict(query.lists()) if query else {}
    return [{"key": p.key, "title": p.title, "explanation": p.explanation,
             "query": PRESET_QUERIES[p.key],
             "current": bool(shown) and dict(QueryDict(PRESET_QUERIES[p.key]).lists()) == shown}
            for p in PRESETS]


@vary_on_headers("HX-Request", "HX-Target")
def index(request: HttpRequest) -> HttpResponse:
    """The questionnaire. GET only, so the URL holds the inputs; htmx asks for a partial:
    HX-Target "results" (a field changed) or "workspace" (a preset was picked)."""
    target = request.htmx.target if request.htmx else None
    raw_key = _raw_fragment_key(request) if target == "results" else None
    if raw_key:
        kept = _fragments.get(raw_key)
        if kept is not None:  # this very address seen before: no form to build
            return kept.response(request, get_token(request))
    form = QuestionnaireForm(bind_data(request.GET), regions=services.regions())
    if target == "results" and form.is_valid():
        # The most frequent request: the same inputs give the same HTML, so it is rendered
        # once per inputs, prices and language and kept, compressed, per process and in the
        # cache (the CSRF token of the save form is per visitor, so it is put in afterwards).
        key = _fragment_key(request, form)
        kept = _fragments.get(key)
        if kept is None:
            with language.fixed():  # one language for the whole partial: read it once
                context = _context(request, form, lazy_charts=True)
                html = _results_fragment(request, context | {"csrf_token": CSRF_PLACEHOLDER})
            kept = KeptPage.of(html, CSRF_PLACEHOLDER, level=FAST)
            if not context["has_results"]:
                return kept.response(request, get_token(request))
            _fragments.set(key, kept)
        if raw_key:  # this process only: Redis keeps one copy per inputs, not per spelling
            _fragments.set(raw_key, kept, shared=False)
        return kept.response(request, get_token(request))
    context = _context(request, form)
    if target == "results":
        return HttpResponse(_results_fragment(request, context))
    context["presets"] = _presets(request.GET)
    region = (form.cleaned_data.get("region") if form.is_bound and hasattr(form, "cleaned_data")
              else None) or "us-east-1"
    context["catalogue"] = services.catalogue(region)
    if not is_submitted(request.GET):
        # The start is a named preset: app.js writes its inputs into the address.
        start = PRESET_BY_KEY[START_PRESET]
        query = QueryDict(mutable=True)
        query.update(start.values)
        context["start_preset"] = {"title": start.title, "query": query.urlencode()}
    if target == "workspace":
        return render(request, "advisor/index.html#workspace", context)
    return render(request, "advisor/index.html", context)


# Each chart the results partial leaves as a frame, and the partial that draws it.
CHART_PARTIALS = {"cost": "advisor/index.html#cost_chart", "map": "advisor/index.html#heatmap_chart"}


@vary_on_headers("HX-Request", "HX-Target")
def chart(request: HttpRequest, name: str) -> HttpResponse:
    """One chart of the results, with its table, for the inputs in the query string: the
    results partial leaves a frame for it that asks when it comes into view, so a keystroke
    prices the answer alone and the curve or the map only once someone looks at it."""
    if name not in CHART_PARTIALS:
        raise Http404
    form = QuestionnaireForm(bind_data(request.GET), regions=services.regions())
    if not form.is_valid():
        return HttpResponse(_("These inputs need a change before the chart can be drawn; the "
                              "form says which."), status=400,
                            content_type="text/plain; charset=utf-8")
    key = f"chart:{name}:" + _fragment_key(request, form)
    kept = _fragments.get(key)
    if kept is None:
        try:
            snap = services.chart(form.to_workload_data(), name)
        except services.ComparisonError as exc:
            return HttpResponse("; ".join(f"{field}: {m}" for field, ms in exc.errors.items()
                                          for m in ms), status=400,
                                content_type="text/plain; charset=utf-8")
        with language.fixed():
            context = chart_context(snap) | {"form": form, "has_results": True}
            kept = KeptPage.of(render_to_string(CHART_PARTIALS[name], context, request),
                               CSRF_PLACEHOLDER)
        _fragments.set(key, kept)
    return kept.response(request, "")


CSRF_PLACEHOLDER = "csrf0placeholder0for0a0cached0fragment"
# Kept HTML waits at most this long for a changed translation.
RENDERED_SECONDS = 3600
# Everything the cached results fragment is drawn from: a deploy that changes one of them
# must not serve the old HTML.
RESULTS_TEMPLATES = ("advisor/index.html", "advisor/_results_actions.html", "reports/_save_form.html",
                     "advisor/_scenarios.html")


def _context(request: HttpRequest, form: QuestionnaireForm,
             lazy_charts: bool = False) -> dict[str, Any]:
    snapshot = None
    if form.is_valid():
        try:
            # A keystroke's results show the answer; the curve and the map follow when
            # their charts come into view (chart() above). A whole page has them all.
            snapshot = (services.answer if lazy_charts else services.snapshot)(
                form.to_workload_data())
        except services.ComparisonError as exc:
            form.add_engine_errors(exc.errors)
        except (OperationalError, InterfaceError):
            # The database is down or hung, not the inputs: the 503 page (with Retry-After)
            # from DatabaseUnavailableMiddleware, never "could not be compared".
            raise
        except Exception:  # never a 500 for a questionnaire input: log it, say so
            logger.exception("comparison failed for %s", request.GET.urlencode())
            form.add_error(None, _("These inputs could not be compared. Please change a value "
                                   "or try again; the problem has been logged."))
    context: dict[str, Any] = {
        "form": form, "has_results": False, "chart_query": request.GET.urlencode(),
        # The fields with a message (sent out of band; app.js empties the others).
        "error_fields": [form[name] for name in form.errors if name in form.fields]}
    if snapshot is not None:
        context.update(results_context(snapshot), has_results=True,
                       scenarios_panel=scenario_views.panel(form, snapshot["result"]["inputs"]))
    return context


def _results_fragment(request: HttpRequest, context: dict[str, Any]) -> str:
    """The results, plus out-of-band swaps: each field's message, the traffic echo and the
    live status line (the form itself is not replaced while someone types)."""
    return (render_to_string("advisor/index.html#results", context, request)
            + render_to_string("advisor/index.html#oob", context, request))


# Rendered results, per process first (about 100 KB each, plain and deflated) and then in
# the shared cache.
_fragments = ProcessCache(size=200, seconds=RENDERED_SECONDS)


def _raw_fragment_key(request: HttpRequest) -> str | None:
    """The kept fragment's key for this very query string (before the form normalises it):
    a repeated address skips building and validating the form's 70 fields. None for a
    region without a book (nothing to keep)."""
    region = request.GET.get("region") or "us-east-1"
    if region not in services.regions():
        return None
    parts = [sorted(request.GET.lists()), get_language(), services.prices_version(region),
             templates_version(*RESULTS_TEMPLATES)]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return "results-raw:v3:" + digest


def _fragment_key(request: HttpRequest, form: QuestionnaireForm) -> str:
    data = form.to_workload_data()
    region = data.get("region", "us-east-1")
    parts = [data, form.cleaned_data.get("rate_basis"), get_language(),
             services.prices_version(region), templates_version(*RESULTS_TEMPLATES)]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return "results-html:v3:" + digest


def _source_url(source: str) -> str:
    """The first link in a source ("https://... (ALB example)" or "AWS pricing-page feed
    https://..., published ..." link the URL only), or ""."""
    for word in source.split():
        if word.startswith(("https://", "http://")):
            return word.rstrip(",;)")
    return ""


# Defaults decided from other inputs (the engine's default_note), in words.
DEFAULT_NOTES: dict[str, Any] = {
    "provisioned_hours_per_month": gettext_lazy(
        "hours_per_month when provisioned_concurrency > 0, else 0"),
    "provisioned_share_of_requests": gettext_lazy("1 when provisioned_concurrency > 0, else 0"),
    "needs.task_memory_mb": gettext_lazy("memory_mb"),
    "needs.task_vcpus": gettext_lazy("memory_mb / 1769, at most 6 (what Lambda gives that memory)"),
    "traffic.hourly_weights": gettext_lazy(
        'none: required with traffic.profile "custom", refused with the other profiles'),
}


def _field_rows() -> list[dict[str, Any]]:
    """The engine's field table with its words (allowed values, help) in the visitor's
    language; names, defaults and choice values stay the contract's."""
    rows = []
    for row in field_table():
        name = form_name(row["name"])
        spec = QuestionnaireForm.specs[name]
        if spec.kind == "boolean":
            allowed = _("true or false")
        elif spec.choices:
            allowed = _("one of %(values)s") % {
                "values": ", ".join(json.dumps(c) for c in spec.choices)}
        elif spec.kind == "string":
            allowed = _("text")
        else:
            noun = _("a whole number") if spec.kind == "integer" else _("a number")
            allowed = _("%(noun)s %(range)s") % {"noun": noun, "range": range_text(spec)}
        if spec.nullable:
            allowed = _("%(allowed)s, or null") % {"allowed": allowed}
        note = DEFAULT_NOTES.get(row["name"], row["default_note"])
        if isinstance(row["default"], bool):
            row["default"] = json.dumps(row["default"])  # as the JSON contract writes it
        rows.append({**row, "allowed": allowed, "unit": "" if spec.kind in ("number", "integer")
                     else unit_text(spec.unit), "help": HELP.get(name) or row["help"],
                     "default_note": str(note) if note else ""})
    return rows


def _rules() -> list[dict[str, str]]:
    # Translated here, not with {% translate rule.text %}: a template variable's "%" would be
    # looked up as "%%" and miss the catalog (Django escapes it for template literals).
    return [{"key": r.key, "section": r.section, "title": _(r.title), "text": _(r.text),
             "source": r.source} for r in RULES]


def _region_and_book(requested: str | None) -> tuple[list[str], str, Any]:
    """The regions with a book, the one asked for (or the default) and its book in force."""
    regions = services.regions() or ["us-east-1"]
    # The contract's default region first, else the first region with a book.
    default = "us-east-1" if "us-east-1" in regions else regions[0]
    region = requested or default
    if region not in regions:
        region = default
    try:
        book = prices.book_in_force(region)
    except prices.NoPriceBook:
        book = None
    return regions, region, book


def methodology(request: HttpRequest) -> HttpResponse:
    """Every billing rule and the price book in force, from the rows the engine reads.

    Each region's instance types (hundreds of rows) have a page of their own
    (:func:`methodology_instances`), so this one stays short enough to read."""
    regions, region, book = _region_and_book(request.GET.get("region"))
    rates, instances = [], []
    if book is not None:
        rates = list(book.rates.all())
        # Hundreds of types share a few sources: each source is listed once.
        instances = list(book.instance_types.all().order_by("architecture", "hourly", "name"))
    section_titles = {k: _(v) for k, v in SECTION_TITLES.items()}
    rules = _rules()
    # The contents list: the billing rules' sections in the order the page shows them.
    contents = [(key, section_titles.get(key, key))
                for key in dict.fromkeys(r["section"] for r in rules)]
    return render(request, "advisor/methodology.html", {
        "rules": rules, "section_titles": section_titles, "contents": contents,
        "book": book, "rate_count": len(rates), "instance_count": len(instances),
        "instance_sources": _sources(instances),
        "books": _region_books(regions),
        "regions": regions, "region": region, "fields": _field_rows(),
    })


def methodology_instances(request: HttpRequest, region: str) -> HttpResponse:
    """One region's price sources (each once, with the keys it gives) and its EC2 instance
    types with their hourly prices and sources."""
    regions, shown, book = _region_and_book(region)
    if shown != region or book is None:
        raise Http404("No published price book for this region.")
    instances = list(book.instance_types.all().order_by("architecture", "hourly", "name"))
    return render(request, "advisor/methodology_instances.html", {
        "book": book, "region": region, "regions": regions, "instances": instances,
        "rates": _rate_rows(book),
        "b": _region_books([region])[0],
        "instance_sources": _sources(instances),
    })


def _rate_rows(book: Any) -> list[dict[str, Any]]:
    """The book's rates with their units and descriptions in the visitor's language: tiers in
    order, the open last tier at the end (as the engine reads them)."""
    rows = []
    for r in sorted(book.rates.all(), key=lambda r: (r.key, r.tier_upto is None,
                                                     r.tier_upto or 0)):
        spec = SPEC_BY_KEY.get(r.key)
        rows.append({"row": r, "unit": texts.rate_unit(spec.unit) if spec else "",
                     "url": _source_url(r.source),
                     "description": texts.rate_description(spec) if spec else ""})
    return rows


def _sources(rows: Any) -> list[dict[str, Any]]:
    """Distinct sources of rows with how many rows cite each and their dates."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(row.source, {"source": row.source, "url": _source_url(row.source),
                                              "count": 0, "dates": set()})
        entry["count"] += 1
        entry["dates"].add(row.read_on)
    return [{**e, "dates": sorted(e["dates"])} for e in found.values()]


def _region_books(regions: list[str]) -> list[dict[str, Any]]:
    """Every region's book in force: its sources (each once, with the keys it gives) and the
    prices no source gave."""
    out = []
    for code in regions:
        try:
            book = prices.book_in_force(code)
        except prices.NoPriceBook:
            continue
        rates = list(book.rates.all())
        have = {r.key for r in rates}
        by_source: dict[str, dict[str, Any]] = {}
        for r in rates:
            entry = by_source.setdefault(r.source, {"source": r.source, "url": _source_url(r.source),
                                                    "keys": [], "read_on": r.read_on,
                                                    "confidence": r.get_confidence_display()})
            if r.key not in entry["keys"]:
                entry["keys"].append(r.key)
        out.append({"book": book, "sources": list(by_source.values()),
                    "types": book.instance_types.count(),
                    "missing": [s.key for s in SPECS if s.key not in have]})
    return out


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
