"""The engine's words in the visitor's language.

The engine (advisor/pricing/, no Django) writes English: recommendation reasons and blockers,
the assumptions list, and error messages. Reasons and assumptions come as ``code`` + numeric
``params`` with an English template per code (marked for makemessages with a local
``gettext_noop``); here each template is translated and filled in again, with numbers in the
active locale's separators, so a stored result renders in any language. Error messages have
no codes: the few the questionnaire can meet are recognised by their shape and said again in
the visitor's language. The JSON API and the command line keep the engine's English: they
are machine contracts (docs/glossary-ko.md).
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from advisor.pricing.catalogue import RateSpec
from advisor.pricing.compare import ASSUMPTIONS, result_assumption_items
from advisor.pricing.recommend import MESSAGES
from advisor.questionnaire import korean
from advisor.questionnaire.labels import CHOICE_LABELS, LABELS, form_name
from advisor.questionnaire.language import gettext
from advisor.questionnaire.numbers import Volume, local_marks

logger = logging.getLogger(__name__)
# Reason parameters that are request volumes.
VOLUME_PARAMS = frozenset({"requests", "switch_at"})


class LocaleFormatter(string.Formatter):
    """``str.format`` whose numbers use the active locale's grouping and decimal marks.

    Python's format spec (``{x:,.2f}``) decides digits and grouping; the separators it
    writes (",", ".") are then swapped for the locale's, as Django's number_format would.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text
        return local_marks(text)


class ParticleFormatter(LocaleFormatter):
    """Marks every value it writes, so that ``korean.fix`` can choose the particle after it
    ("{instance_type}을 골랐습니다" with m7g.large gives "m7g.large를 골랐습니다")."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return korean.OPEN + super().format_field(value, format_spec) + korean.CLOSE


_FORMATTER = LocaleFormatter()
_PARTICLES = ParticleFormatter()


def render(templates: Mapping[str, str], code: str, params: Mapping[str, Any],
           fallback: str = "") -> str:
    """The template of ``code`` translated and filled in; ``fallback`` (the stored English
    text) if the code is unknown (a report saved by another version) or a translation is
    broken."""
    template = templates.get(code)
    if template is None:
        return fallback
    # Volumes in sentences to three significant figures (numbers.Volume).
    params = {k: Volume(v) if k in VOLUME_PARAMS and isinstance(v, int | float)
              and not isinstance(v, bool) else v for k, v in params.items()}
    try:
        return korean.fix(_PARTICLES.format(gettext(template), **params))
    except (KeyError, IndexError, ValueError, TypeError):
        logger.warning("cannot render %r in the active language", code)
        try:
            return _FORMATTER.format(template, **params)
        except (KeyError, IndexError, ValueError, TypeError):
            return fallback


def recommendation(rec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy of the result's recommendation with every reason and blocker in the active
    language (from its code and params; the stored English text if those are missing)."""
    if not rec:
        return None

    def again(entry: Any) -> Any:
        if not isinstance(entry, Mapping):
            return entry
        text = render(MESSAGES, str(entry.get("code", "")), entry.get("params") or {},
                      str(entry.get("text", "")))
        return {**entry, "text": text}

    return {**rec, "reasons": [again(r) for r in rec.get("reasons", [])],
            "blockers": [again(b) for b in rec.get("blockers", [])],
            "confidence_label": CONFIDENCE.get(rec.get("confidence", ""), rec.get("confidence"))}


CONFIDENCE: dict[str, str | Promise] = {"low": _("low"), "medium": _("medium"),
                                        "high": _("high")}


def assumptions(result: Mapping[str, Any]) -> list[str]:
    """What the figures assume, in the active language, rendered from the result's numbers;
    the stored English sentences if the result lacks what that needs."""

    try:
        items = result_assumption_items(result)
    except (KeyError, TypeError, ValueError):
        return [str(a) for a in result.get("assumptions", [])]
    inputs = result["inputs"]
    out = []
    for code, params in items:
        shown = dict(params)
        # Identifiers in a sentence read as the questionnaire's own words.
        if code == "purchase_estimate":
            purchase = inputs["ec2"]["purchase"]
            shown["purchase"] = CHOICE_LABELS["ec2_purchase"].get(purchase, params["purchase"])
        if code == "autoscale":
            profile = inputs["traffic"]["profile"]
            shown["profile"] = CHOICE_LABELS["traffic_profile"].get(profile, profile)
        out.append(render(ASSUMPTIONS, code, shown, ASSUMPTIONS[code].format(**params)))
    return out


# --- Error messages ---------------------------------------------------------------------------

def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value, force_grouping=True)


# (field path or None for any, pattern of the engine's English, translated message). The
# messages come from workload.py (cross-field rules), ec2.py (instance types), compare.py
# and advisor/prices.py / services.py (price books).
ERROR_PATTERNS: tuple[tuple[str | None, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    ("provisioned_share_of_requests", re.compile(r"^must be 0 when provisioned_concurrency is 0"),
     lambda m: gettext("Must be 0 when there is no provisioned concurrency.")),
    ("provisioned_hours_per_month",
     re.compile(r"^must be between 0 and hours_per_month \((?P<month>[^)]*)\)"),
     lambda m: gettext("Enter between 0 and the hours in a month (%(month)s).")
     % {"month": _number(m["month"])}),
    ("ec2.instance_type",
     re.compile(r'^must be "auto" or a type in the (?P<region>\S+) price book '
                r'\(got "(?P<got>.*)"\)'),
     lambda m: gettext("Enter “auto” or an instance type of the %(region)s price book (got "
                       "“%(got)s”); the methodology page lists them.")
     % {"got": m["got"], "region": m["region"]}),
    (None,
     re.compile(r"^the (?P<region>\S+) price book has no sourced price for (?P<key>\S+)"),
     lambda m: gettext("The %(region)s price book has no sourced price for %(key)s; choose "
                       "another option or region.") % {"region": m["region"], "key": m["key"]}),
    ("ec2.families",
     re.compile(r"^(?P<unknown>.*): not a family in the (?P<region>\S+) price book"),
     lambda m: gettext("%(unknown)s: not an instance family of the %(region)s price book.")
     % {"unknown": m["unknown"], "region": m["region"]}),
    ("ec2.purchase",
     re.compile(r"^(?P<name>\S+) has no (?P<what>.+) rate in the (?P<region>\S+) price book"),
     lambda m: gettext("%(name)s has no reserved rate for this term in the %(region)s price "
                       "book; choose another purchase option or type.")
     % {"name": m["name"], "region": m["region"]}),
    ("ec2.instance_type",
     re.compile(r"^(?P<name>\S+) is (?P<arch>\S+); the workload's architecture is (?P<want>\S+)$"),
     lambda m: gettext("%(name)s is %(arch)s, but the workload's architecture is %(want)s.")
     % {"name": m["name"], "arch": m["arch"], "want": m["want"]}),
    ("ec2.instance_type",
     re.compile(r"^(?P<name>\S+) has (?P<has>\S+) GiB; one request needs (?P<need>\S+) GiB plus "
                r"(?P<os>\S+) GiB for the OS$"),
     lambda m: gettext("%(name)s has %(has)s GiB; one request needs %(need)s GiB plus %(os)s GiB "
                       "for the operating system.")
     % {"name": m["name"], "has": _number(m["has"]), "need": _number(m["need"]),
        "os": _number(m["os"])}),
    ("ec2.instance_type",
     re.compile(r"^no (?P<arch>\S+) type.* price book has (?P<need>\S+) GiB"),
     lambda m: gettext("No %(arch)s instance type in the price book has %(need)s GiB (the Lambda "
                       "memory plus 0.5 GiB for the operating system).")
     % {"arch": m["arch"], "need": _number(m["need"])}),
    # Lambda Managed Instances' named type (options/lambda_managed_instances.py).
    ("managed_instances.instance_type",
     re.compile(r'^"(?P<name>.*)" is not in the (?P<region>\S+) price book$'),
     lambda m: gettext("“%(name)s” is not in the %(region)s price book; enter “auto” or a type "
                       "the methodology page lists.") % {"name": m["name"],
                                                          "region": m["region"]}),
    ("managed_instances.instance_type",
     re.compile(r"^Lambda Managed Instances run on c, m and r types, not (?P<name>\S+)$"),
     lambda m: gettext("Lambda Managed Instances run on c, m and r instance types, not on "
                       "%(name)s.") % {"name": m["name"]}),
    ("managed_instances.instance_type",
     re.compile(r"^(?P<name>\S+) is (?P<arch>\S+); the function is (?P<want>\S+)$"),
     lambda m: gettext("%(name)s is %(arch)s, but the function's architecture is %(want)s.")
     % {"name": m["name"], "arch": m["arch"], "want": m["want"]}),
    ("managed_instances.instance_type",
     re.compile(r"^(?P<name>\S+) \((?P<vcpu>\S+) vCPU, (?P<gib>\S+) GiB, (?P<os>\S+) GiB of it "
                r"for the OS\) cannot host one execution environment of (?P<ev>\S+) vCPU and "
                r"(?P<eg>\S+) GiB$"),
     lambda m: gettext("%(name)s (%(vcpu)s vCPU, %(gib)s GiB, %(os)s GiB of it for the operating "
                       "system) cannot hold one execution environment of %(ev)s vCPU and "
                       "%(eg)s GiB; choose a larger type or “auto”.")
     % {k: m[k] for k in ("name", "vcpu", "gib", "os", "ev", "eg")}),
    ("managed_instances.instance_type",
     re.compile(r"^the price book has no (?P<purchase>\S+) rate for (?P<name>\S+)$"),
     lambda m: gettext("The price book has no reserved rate of this term for %(name)s; choose "
                       "another purchase option or type.") % {"name": m["name"]}),
    ("region", re.compile(r"^no published price book for (?P<region>\S+) in force on "
                          r"(?P<date>[0-9-]+); regions with a price book: (?P<known>.*)$"),
     lambda m: gettext("No published price book for %(region)s is in force on %(date)s. "
                       "Regions with a price book: %(known)s.")
     % {"region": m["region"], "date": m["date"], "known": m["known"]}),
    ("region", re.compile(r"^no published price book for (?P<region>\S+) in force on "
                          r"(?P<date>\S+)$"),
     lambda m: gettext("No published price book for %(region)s is in force on %(date)s.")
     % {"region": m["region"], "date": m["date"]}),
    ("options", re.compile(r'^"(?P<name>[a-z_]+)": the price book for (?P<region>\S+) has no '
                           r"(?P<arch>\S+) prices for it \(missing (?P<keys>[^)]*)\)"),
     lambda m: gettext("%(name)s: the %(region)s price book has no %(arch)s prices for this "
                       "option (missing %(keys)s); leave it out or choose another region or "
                       "architecture.")
     % {"name": m["name"], "region": m["region"], "arch": m["arch"], "keys": m["keys"]}),
    ("region", re.compile(r"^the price book for (?P<region>\S+) is incomplete: (?P<what>.*)$"),
     lambda m: gettext("The price book for %(region)s is incomplete (%(what)s); an editor must "
                       "complete it.") % {"region": m["region"], "what": m["what"]}),
    ("region", re.compile(r'^the price book is for (?P<book>\S+) \(got "(?P<got>.*)"\)$'),
     lambda m: gettext("The price book is for %(book)s (got “%(got)s”).")
     % {"book": m["book"], "got": m["got"]}),
    # The measured traffic shape (workload.py, _check_weights and _check_custom_profile).
    ("traffic.hourly_weights", re.compile(r'^required with traffic.profile "custom"'),
     lambda m: gettext("Paste the measured hours (24 or 168 numbers) for the profile “Custom”, "
                       "or choose another profile.")),
    ("traffic.hourly_weights", re.compile(r'^only with traffic.profile "custom"'),
     lambda m: gettext("Measured hours are used only with the profile “Custom”: choose it, or "
                       "empty this box.")),
    ("traffic.hourly_weights", re.compile(r"^must be (a list of )?24 or 168 numbers"),
     lambda m: gettext("Enter %(counts)s numbers of 0 or more, not all zero, separated by "
                       "commas.") % {"counts": gettext("24 or 168")}),
    ("traffic.peak_to_average",
     re.compile(r'^with traffic.profile "custom" it is the busiest hour of '
                r"traffic.hourly_weights, (?P<peak>\S+) × the mean"),
     lambda m: gettext("With measured hours the peak to average is their busiest hour, "
                       "%(peak)s: leave it empty or enter %(peak)s.")
     % {"peak": _number(m["peak"])}),
    (None, re.compile(r"^unknown field"), lambda m: gettext("Unknown field.")),
    (None, re.compile(r"^required: (?P<what>.*)$"),
     lambda m: gettext("Required: %(what)s.") % {"what": m["what"]}),
)


def engine_error(path: str, message: str) -> str:
    """One engine error message in the active language (its English detail kept only when no
    translation is known)."""
    for field, pattern, say in ERROR_PATTERNS:
        if field is not None and field != path:
            continue
        match = pattern.search(message)
        if match:
            return say(match)
    return gettext("Not accepted: %(detail)s") % {"detail": message}


def engine_errors(errors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Every field's messages of a ComparisonError, translated; keys become "label (contract
    path)" (the path alone where there is no label, "" for the whole input)."""

    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        label = LABELS.get(form_name(path))
        key = "" if path == "__all__" else (f"{label} ({path})" if label else path)
        out.setdefault(key, []).extend(engine_error(path, str(m)) for m in messages)
    return out


# --- Price-book rows (methodology page, admin) ------------------------------------------------

# The catalogue's units and tier units (advisor/pricing/catalogue.py), in words.
RATE_UNITS: dict[str, str | Promise] = {
    "USD per 1M requests": _("USD per 1M requests"),
    "USD per GB-second": _("USD per GB-second"),
    "requests a month": _("requests a month"),
    "GB-seconds a month": _("GB-seconds a month"),
    "KB": _("KB"),
    "USD per hour": _("USD per hour"),
    "USD per LCU-hour": _("USD per LCU-hour"),
    "new connections a second": _("new connections a second"),
    "active connections a minute": _("active connections a minute"),
    "GB an hour": _("GB an hour"),
    "rule evaluations a second": _("rule evaluations a second"),
    "rules": _("rules"),
    "USD per NLCU-hour": _("USD per NLCU-hour"),
    "active connections": _("active connections"),
    "factor of on-demand price": _("factor of on-demand price"),
    "USD per GB-month": _("USD per GB-month"),
    "USD per GB": _("USD per GB"),
    "USD per address-hour": _("USD per address-hour"),
    "GB a month": _("GB a month"),
    "GB a month in total (the free allowance is the bottom of the first tier)":
        _("GB a month in total (the free allowance is the bottom of the first tier)"),
}


# The option rates' units (catalogue OPTION_SPECS).
RATE_UNITS.update({
    "USD per vCPU-hour": _("USD per vCPU-hour"),
    "USD per GB-hour": _("USD per GB-hour"),
})


def rate_unit(unit: str) -> str:
    return str(RATE_UNITS.get(unit, unit))


def rate_description(spec: RateSpec) -> str:
    """The catalogue's description of a rate in the active language."""
    return _FORMATTER.format(gettext(spec.template or spec.description), arch=spec.arch)
