"""The questionnaire: a Django form generated from the engine's field table.

Every contract input in ``advisor.pricing.workload.FIELDS`` becomes one form field, named like
the contract with dots replaced by "_" (``traffic.peak_to_average`` -> ``traffic_peak_to_average``),
with the table's range, choices and default; so the form cannot drift from what
``manage.py compare`` reads. Only the words (label, unit, help, limit messages) live here, so
that they can be translated.

One helper field is not part of the contract: ``avg_rps`` lets people give their traffic as
average requests a second (``rate_basis`` = "second"); it becomes ``requests_per_month``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name
from django.utils import formats
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisor.pricing.workload import (
    DERIVED,
    FIELD_BY_NAME,
    FIELDS,
    RANGED_FIELDS,
    REQUIRED,
    FieldSpec,
)
from advisor.questionnaire import texts, weights
from advisor.questionnaire.coverage import region_choices
from advisor.questionnaire.labels import (
    CHOICE_LABELS,
    HELP,
    LABELS,
    LIMIT_MESSAGES,
    SECTIONS,
    UNITS,
    Text,
    form_name,
    option_of_field,
)
from advisor.questionnaire.presets import PRESET_BY_KEY, START_PRESET

# Contract defaults, in the form's names (DERIVED fields start empty).
DEFAULTS: dict[str, Any] = {
    form_name(f.name): f.default for f in FIELDS if f.default is not REQUIRED and f.default is not DERIVED
}
# What `/` shows before anyone has typed: the starting preset (a small API), whose inputs the
# page puts in the address, so the first screen has an answer and says where it comes from.
STARTING_VALUES: dict[str, Any] = dict(PRESET_BY_KEY[START_PRESET].values)


def number_text(value: float) -> str:
    """A limit as people read it: grouped digits, no trailing .0 (localised)."""
    if value >= 1e12 and float(value / 1e12).is_integer():
        return gettext("%(n)s trillion") % {"n": formats.number_format(int(value / 1e12))}
    if float(value).is_integer():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def unit_text(unit: str) -> str:
    return str(UNITS.get(unit, unit))


def range_text(spec: FieldSpec) -> str:
    """The allowed range in words with its unit, e.g. 'between 128 and 10,240 MB'."""
    # A share's unit ("share, 0 to 1") would repeat the range: "between 0 and 1" says it all.
    unit = "" if spec.unit == "share" else unit_text(spec.unit)
    lo, hi = spec.minimum, spec.maximum
    if lo is not None and hi is not None:
        if spec.exclusive_minimum:
            text = gettext("more than %(lo)s and at most %(hi)s %(unit)s") % {
                "lo": number_text(lo), "hi": number_text(hi), "unit": unit}
        else:
            text = gettext("between %(lo)s and %(hi)s %(unit)s") % {
                "lo": number_text(lo), "hi": number_text(hi), "unit": unit}
    elif lo is not None:
        if spec.exclusive_minimum:
            text = gettext("more than %(lo)s %(unit)s") % {"lo": number_text(lo), "unit": unit}
        else:
            # "1 or more instances", not "1 instances or more".
            text = gettext("%(lo)s or more %(unit)s") % {"lo": number_text(lo), "unit": unit}
    else:
        text = unit
    return " ".join(text.split())


class ContractNumberField(forms.Field):
    """A number or integer of the contract, with messages that name the allowed range.

    Accepts "1,300,000" and "1_300_000"; refuses letters, NaN, Infinity and values too large
    for a float (1e400) with the range in words, never an exception.
    """

    def __init__(self, spec: FieldSpec, name: str, **kwargs: Any) -> None:
        self.spec = spec
        self.contract_name = name
        attrs = {"inputmode": "numeric" if spec.kind == "integer" else "decimal",
                 "step": "1" if spec.kind == "integer" else "any"}
        if spec.minimum is not None:
            attrs["min"] = _plain(spec.minimum)
        if spec.maximum is not None:
            attrs["max"] = _plain(spec.maximum)
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        super().__init__(**kwargs)

    def _message(self, kind: str) -> str:
        fixed = LIMIT_MESSAGES.get((self.contract_name, kind))
        if fixed:
            return str(fixed)
        noun = gettext("a whole number") if self.spec.kind == "integer" else gettext("a number")
        return gettext("Enter %(noun)s %(range)s.") % {"noun": noun, "range": range_text(self.spec)}

    def to_python(self, value: Any) -> float | int | None:
        if value is None:
            return None
        text = str(value).strip().replace(",", "").replace("_", "").replace(" ", "")
        if text == "":
            return None
        try:
            number = float(text)
        except ValueError:
            raise forms.ValidationError(self._message("invalid"), code="invalid") from None
        if not math.isfinite(number) or abs(number) > 1e300:
            raise forms.ValidationError(
                gettext("Enter a finite number: %(rule)s") % {"rule": self._message("invalid")},
                code="not_finite")
        if self.spec.kind == "integer":
            if not number.is_integer():
                raise forms.ValidationError(self._message("invalid"), code="not_integer")
            return int(number)
        return number

    def validate(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise forms.ValidationError(self._message("required"), code="required")
            return
        lo, hi = self.spec.minimum, self.spec.maximum
        if lo is not None and (value <= lo if self.spec.exclusive_minimum else value < lo):
            raise forms.ValidationError(self._message("min"), code="min_value")
        if hi is not None and value > hi:
            raise forms.ValidationError(self._message("max"), code="max_value")


def rate_text(value: float) -> str:
    """A rate to three significant figures, in digits a number box reads back (no exponent):
    3.8051 -> "3.81", 0.000273972 -> "0.000274", 1234.5 -> "1235"."""
    if value >= 1000:
        return str(math.floor(value + 0.5))  # half up, as Math.round in static/js/app.js
    if not value > 0:
        return "0"
    # As many decimals as three figures need: 15 decimals of 15.2 would show the binary
    # number's 15.199999999999999.
    rounded = float(f"{value:.3g}")
    decimals = min(20, max(0, 2 - math.floor(math.log10(rounded))))
    text = f"{rounded:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _choices(name: str, values: Iterable[Any]) -> list[tuple[Any, Text]]:
    labels = CHOICE_LABELS.get(name, {})
    return [(v, labels.get(v, str(v))) for v in values]


def _field_for(spec: FieldSpec) -> forms.Field:
    name = form_name(spec.name)
    # A field the engine adds before this table knows it still works, in English.
    common: dict[str, Any] = {"label": LABELS.get(name, name.replace("_", " ").capitalize()),
                              "help_text": HELP.get(name, spec.help)}
    if spec.kind == "boolean":
        return forms.BooleanField(required=False, **common)
    if spec.kind == "list":
        return forms.TypedMultipleChoiceField(
            choices=_choices(name, spec.choices), required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "option-toggle"}), **common)
    if spec.choices:
        coerce = int if spec.kind == "integer" else str
        return forms.TypedChoiceField(choices=_choices(name, spec.choices), coerce=coerce,
                                      **common)
    if spec.kind == "string":
        return forms.CharField(max_length=64, required=False, strip=True, **common)
    if spec.kind == "weights":
        return weights.WeightsField(**common)
    return ContractNumberField(spec, name, required=spec.required, **common)


class LeanBoundField(BoundField):
    """Django's BoundField, minus the work done for every field whether it is shown or not:
    validating builds one for each of the form's 80 fields on every keystroke, and the
    keystroke's results show none of them. The help text stays a lazy translation until it is
    rendered; the initial-value names are worked out when asked for."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        self.form = form
        self.field = field
        self.name = name
        self.html_name = form.add_prefix(name)
        self.label = pretty_name(name) if field.label is None else field.label
        self.help_text = field.help_text if field.help_text is not None else ""
        self.renderer = form.renderer

    @cached_property
    def html_initial_name(self) -> str:  # type: ignore[override]
        return self.form.add_initial_prefix(self.name)

    @cached_property
    def html_initial_id(self) -> str:  # type: ignore[override]
        return self.form.add_initial_prefix(self.auto_id)


class QuestionnaireForm(forms.Form):
    """Every contract input plus the ``avg_rps`` helper; see :meth:`to_workload_data`."""

    rate_basis = forms.ChoiceField(
        label=LABELS["rate_basis"], required=False, initial="month",
        choices=[("month", _("requests a month")), ("second", _("average requests a second"))],
        widget=forms.RadioSelect)

    specs: dict[str, FieldSpec] = {form_name(s.name): s for s in FIELDS}
    bound_field_class = LeanBoundField

    def __init__(self, *args: Any, regions: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # copies the fields built once, below
        self._workload_data: dict[str, Any] | None = None
        regions = sorted(set(regions) | {"us-east-1"})
        # A region where a price these answers need is an estimate is marked (coverage.py);
        # the labels are read when rendered, so building and validating a form needs no
        # database.
        self.fields["region"].choices = region_choices(regions, self.data)  # type: ignore[attr-defined]

    def clean_ec2_instance_type(self) -> str:
        return self.cleaned_data.get("ec2_instance_type") or "auto"

    def clean_managed_instances_instance_type(self) -> str:
        return self.cleaned_data.get("managed_instances_instance_type") or "auto"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        basis = data.get("rate_basis") or "month"
        data["rate_basis"] = basis
        # Only the figure the traffic is given as counts; the other is a display echo.
        self.errors.pop("requests_per_month" if basis == "second" else "avg_rps", None)
        if basis == "second":
            rps = data.get("avg_rps")
            if rps is None and "avg_rps" not in self.errors:
                self.add_error("avg_rps", gettext("Enter the average requests a second (0 or "
                                                  "more), or give the traffic a month."))
            hours = data.get("hours_per_month") or 730
            if rps is not None:
                monthly = rps * hours * 3600
                if monthly > 1e13:
                    self.add_error("avg_rps", gettext("At most 10 trillion requests a month."))
                else:
                    data["requests_per_month"] = monthly
                    self._show_traffic("requests_per_month", _plain(round(monthly)))
        elif data.get("requests_per_month") is None and "requests_per_month" not in self.errors:
            self.add_error("requests_per_month",
                           gettext("Enter the requests a month: %(range)s.")
                           % {"range": range_text(self.specs["requests_per_month"])})
        elif data.get("requests_per_month") is not None:
            hours = data.get("hours_per_month") or 730
            self._show_traffic("avg_rps", rate_text(data["requests_per_month"] / (hours * 3600)))
        self._clean_ranges(data)
        measured = data.get("traffic_hourly_weights")
        if measured:
            # What the box holds, in words, under it (the engine checks the rest).
            bound = self["traffic_hourly_weights"]  # bound while cleaning: set its own text
            bound.help_text = f"{weights.note(measured)} {bound.help_text}"
        return data

    def _show_traffic(self, name: str, value: str) -> None:
        """Requests a month and a second stay in step: the figure not typed is shown as the
        one typed converts to (static/js/app.js does the same while typing)."""
        if not self.is_bound or name in self.errors:
            return
        self.data = self.data.copy()
        self.data[name] = value

    def _clean_ranges(self, data: dict[str, Any]) -> None:
        """The optional low/high boxes beside a ranged input: each end must lie on its side of
        the input's own value (an empty end is the value itself)."""
        for name in RANGED_NAMES:
            value = data.get(name)
            low, high = data.get(f"{name}_low"), data.get(f"{name}_high")
            if value is None or (low is None and high is None):
                continue
            if low is not None and low > value:
                self.add_error(f"{name}_low", gettext("The low end must be at most the value "
                                                      "itself."))
            if high is not None and high < value:
                self.add_error(f"{name}_high", gettext("The high end must be at least the "
                                                       "value itself."))

    def ranges(self) -> dict[str, list[float]]:
        """The contract's ``ranges`` from the low/high boxes (valid form only)."""
        data = self.cleaned_data
        out: dict[str, list[float]] = {}
        for spec_name in RANGED_FIELDS:
            name = form_name(spec_name)
            value = data.get(name)
            low, high = data.get(f"{name}_low"), data.get(f"{name}_high")
            if value is None or (low is None and high is None):
                continue
            out[spec_name] = [value if low is None else low, value,
                              value if high is None else high]
        return out

    def to_workload_data(self) -> dict[str, Any]:
        """The contract's JSON-shaped, nested workload (valid form only); empty optional
        numbers are left out so that the engine applies its (derived) defaults. Worked out
        once per form (the cache key and the comparison both read it); a copy each time."""
        if self._workload_data is None:
            self._workload_data = self._workload()
        return _copied(self._workload_data)

    def _workload(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for spec in FIELDS:
            value = data.get(form_name(spec.name))
            if value is None or value == "" or value == []:
                continue
            if spec.group:
                out.setdefault(spec.group, {})[spec.key] = value
            else:
                out[spec.name] = value
        ranges = self.ranges()
        if ranges:
            out["ranges"] = ranges
        return out

    def add_engine_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Show the engine's messages (dotted contract paths) beside the matching fields."""
        for path, messages in errors.items():
            name = form_name(path)
            target = name if name in self.fields else None
            if name == "requests_per_month" and self.cleaned_data.get("rate_basis") == "second":
                target = "avg_rps"
            for message in messages:
                # The engine writes English; say it in the visitor's language.
                self.add_error(target, texts.engine_error(path, str(message)))

    def sections(self) -> list[dict[str, Any]]:
        """Bound fields grouped for the template, in SECTIONS order."""
        placed = {n for _, _, names, _ in SECTIONS for n in names}
        extra = tuple(n for n in self.specs if n not in placed)
        sections = SECTIONS + ((("other", _("Other inputs"), extra, False),) if extra else ())
        out = []
        ticked = set(self["options"].value() or ()) if "options" in self.fields else set()
        for key, title, names, open_ in sections:
            fields = [self[n] for n in names if n in self.fields]
            for f in fields:
                # An option's own fields show only while it is ticked (static/js/app.js).
                f.option = option_of_field(f.name)  # type: ignore[attr-defined]
                f.option_hidden = bool(f.option) and f.option not in ticked  # type: ignore[attr-defined]
                # The optional range boxes travel with their field.
                if f.name in RANGED_NAMES:
                    f.range_low = self[f"{f.name}_low"]  # type: ignore[attr-defined]
                    f.range_high = self[f"{f.name}_high"]  # type: ignore[attr-defined]
            has_error = any(f.errors for f in fields)
            out.append({"key": key, "title": title, "fields": fields,
                        "open": open_ or has_error})
        return out


RANGED_NAMES: tuple[str, ...] = tuple(form_name(n) for n in RANGED_FIELDS)


def _contract_name(name: str) -> str:
    return next(n for n in RANGED_FIELDS if form_name(n) == name)


_range_text = lazy(range_text, str)
_unit_text = lazy(unit_text, str)


# Fields whose label already says the unit: traffic "a month" / "a second", and counts.
UNIT_IN_LABEL = frozenset({
    "requests_per_month", "avg_rps", "ec2_min_instances", "ec2_availability_zones",
    "connections_requests_per_connection", "connections_rules_per_request", "needs_task_vcpus",
})


def _build_fields() -> None:
    """Add the contract's fields to the form class once (per request they are only copied)."""
    base = QuestionnaireForm.base_fields
    for spec in FIELDS:
        base[form_name(spec.name)] = _field_for(spec)
    # requests_per_month may come as avg_rps instead: required-ness is checked in clean().
    base["requests_per_month"].required = False
    rps_spec = FieldSpec("avg_rps", "number", None, "requests a second", "", 0, 1e13 / 2_678_400)
    base["avg_rps"] = ContractNumberField(
        rps_spec, "avg_rps", required=False, label=LABELS["avg_rps"], help_text=HELP["avg_rps"])
    base["region"] = forms.ChoiceField(label=LABELS["region"], help_text=HELP["region"],
                                       choices=[("us-east-1", "us-east-1")])
    base["ec2_instance_type"].widget.attrs["list"] = "instance-types"
    base["managed_instances_instance_type"].widget.attrs["list"] = "instance-types"
    base["ec2_families"].widget.attrs["list"] = "instance-families"
    # Two optional boxes beside each input that may be a range: its low and its high end.
    for name in RANGED_NAMES:
        spec = FIELD_BY_NAME[_contract_name(name)]
        for end, label in (("low", _("Low end")), ("high", _("High end"))):
            field = ContractNumberField(spec, name, required=False, label=label)
            field.widget.attrs.update({"class": "range-input", "placeholder": ""})
            base[f"{name}_{end}"] = field
    for name, field in base.items():
        spec = QuestionnaireForm.specs.get(name)
        unit = spec.unit if spec else ""
        # The traffic labels already say "a month" / "a second".
        shown = unit and name not in ("requests_per_month", "avg_rps")
        field.unit = _unit_text(unit) if shown else ""  # type: ignore[attr-defined]
        # Labels that already name what is counted ("Minimum instances") need no "(instances)".
        field.unit_in_label = name in UNIT_IN_LABEL  # type: ignore[attr-defined]
        numeric = spec is not None and spec.kind in ("number", "integer") and not spec.choices
        field.range = _range_text(spec) if numeric else ""  # type: ignore[attr-defined]


_build_fields()


def _copied(value: Any) -> Any:
    """A copy of the workload's JSON shape (dicts, lists, scalars): what ``copy.deepcopy``
    gives, at a third of its cost."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    return value


class _SharedFields(dict):
    """The form's fields, copied for each form as Django does (``copy.deepcopy`` of
    ``base_fields``) but sharing every field no form changes: only the region selector gets
    its own choices per form (``QuestionnaireForm.__init__``). A deep copy of all 80 fields and
    their widgets was a tenth of a keystroke's time."""

    PER_FORM = frozenset({"region"})

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy.deepcopy(field, memo) if name in self.PER_FORM else field
                for name, field in self.items()}


QuestionnaireForm.base_fields = _SharedFields(QuestionnaireForm.base_fields)


def form_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values (in form names) merged over the defaults, encoded as a browser submits them:
    checkboxes present only when ticked."""
    merged = {**DEFAULTS, "rate_basis": "month", **values}
    out: dict[str, Any] = {}
    for name, value in merged.items():
        if isinstance(value, bool):
            if value:
                out[name] = "on"
        elif isinstance(value, list | tuple):
            # A multiple choice (the options) only when it differs from the default, so a
            # plain query string still reads like the form's own.
            if tuple(value) != tuple(DEFAULTS.get(name, ())):
                out[name] = list(value)
        elif value is not None:
            out[name] = value
    return out


LIST_FIELDS = tuple(form_name(f.name) for f in FIELDS if f.kind == "list")


_INPUT_NAMES = frozenset({form_name(f.name) for f in FIELDS} | {"avg_rps", "rate_basis"})


def is_submitted(query: Mapping[str, Any]) -> bool:
    """Whether a query string carries questionnaire inputs (otherwise show the start values)."""
    return any(k in _INPUT_NAMES for k in query)


def bind_data(query: Mapping[str, Any]) -> dict[str, Any]:
    """The data to bind the form to, from a query string.

    No questionnaire inputs: the starting values. A query the form itself sent always holds
    ``rate_basis`` (a radio), so an absent checkbox means "off"; a hand-written link without
    it gets the contract's defaults for whatever it leaves out, checkboxes included.
    """
    if not is_submitted(query):
        data = form_data(STARTING_VALUES)
        # form_data leaves out a multiple choice at its default; the form shows it ticked.
        for name in LIST_FIELDS:
            data.setdefault(name, list(DEFAULTS[name]))
        return data
    data: dict[str, Any] = {k: query.get(k) for k in query}
    # A multiple choice (the options) arrives as repeated keys.
    for name in LIST_FIELDS:
        if name in query and hasattr(query, "getlist"):
            data[name] = query.getlist(name)
    from_form = "rate_basis" in query
    for name, default in DEFAULTS.items():
        if name in data:
            continue
        if name == "traffic_peak_to_average" and data.get("traffic_profile") == "custom":
            continue  # a measured shape gives its own peak
        if isinstance(default, bool):
            if default and not from_form:
                data[name] = "on"
        else:
            data[name] = default
    data.setdefault("rate_basis", "month")
    return data
