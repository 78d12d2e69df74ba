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

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils import formats
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisor import texts
from advisor.pricing.workload import DERIVED, FIELDS, REQUIRED, FieldSpec

Text = str | Promise


def form_name(path: str) -> str:
    """Contract path -> form field name (``ec2.instance_type`` -> ``ec2_instance_type``)."""
    return path.replace(".", "_")


LABELS: dict[str, Text] = {
    "region": _("Region"),
    "requests_per_month": _("Requests a month"),
    "duration_ms": _("Duration of one request"),
    "memory_mb": _("Lambda memory"),
    "architecture": _("Architecture"),
    "ephemeral_storage_mb": _("Lambda /tmp storage"),
    "free_tier": _("Apply Lambda's always-free allowance"),
    "billing_granularity_ms": _("Billing granularity"),
    "hours_per_month": _("Hours in a month"),
    "cold_start_rate": _("Cold-start rate"),
    "init_duration_ms": _("INIT time of a cold start"),
    "front_door": _("Front door of Lambda"),
    "payload_kb": _("Payload per request"),
    "data_transfer_out_gb": _("Internet egress"),
    "provisioned_concurrency": _("Provisioned concurrency"),
    "provisioned_hours_per_month": _("Provisioned hours a month"),
    "provisioned_share_of_requests": _("Share served by provisioned environments"),
    "lambda_in_vpc_with_internet": _("Lambda in a VPC with internet access (NAT)"),
    "nat_processed_gb": _("Data through NAT gateways"),
    "traffic_peak_to_average": _("Peak to average"),
    "traffic_profile": _("Traffic profile"),
    "connections_requests_per_connection": _("Requests per connection"),
    "connections_connection_seconds": _("Connection lifetime"),
    "connections_rules_per_request": _("Listener rules per request"),
    "ec2_instance_type": _("Instance type"),
    "ec2_purchase": _("Purchase option"),
    "ec2_min_instances": _("Minimum instances"),
    "ec2_target_utilization": _("Target CPU utilisation"),
    "ec2_scaling": _("Scaling"),
    "ec2_cpu_share": _("CPU share of the duration"),
    "ec2_load_balancer": _("Load balancer"),
    "ec2_ebs_gb_per_instance": _("EBS volume per instance"),
    "ec2_private_subnets_with_nat": _("EC2 in private subnets (NAT)"),
    "ec2_availability_zones": _("Availability zones"),
    "needs_use_case": _("What the code does"),
    "needs_runs_over_15_minutes": _("One run can take longer than 15 minutes"),
    "needs_latency_budget_ms": _("Latency budget (p99)"),
    "needs_private_network": _("Must reach resources inside a VPC"),
    "needs_dedicated_tenancy": _("Compliance demands single-tenant hardware"),
    "needs_persistent_connections": _("Holds WebSockets or long-lived connections"),
    "needs_gpu": _("Needs a GPU"),
    "needs_task_memory_mb": _("Memory one task really needs"),
    "needs_task_vcpus": _("vCPUs one task needs"),
    "needs_no_server_team": _("No one can patch, scale and monitor servers"),
    "needs_ops_hours_per_month": _("Engineer time for EC2"),
    "needs_lambda_ops_hours_per_month": _("Engineer time for Lambda"),
    "needs_ops_hourly_usd": _("Cost of an engineer hour"),
    "avg_rps": _("or average requests a second"),
    "rate_basis": _("Traffic given as"),
}

HELP: dict[str, Text] = {
    "region": _("AWS region whose price book is used."),
    "requests_per_month": _("Invocations a month; for an API, HTTP requests a month."),
    "duration_ms": _("Average run time of one invocation as measured. Lambda bills it rounded "
                     "up to the billing granularity."),
    "memory_mb": _("Lambda's CPU grows with memory: 1,769 MB is one vCPU, up to 6 vCPUs."),
    "architecture": _("Sets the Lambda price and the EC2 family (Graviton for arm64)."),
    "ephemeral_storage_mb": _("The first 512 MB are free; more is billed per GB-second."),
    "free_tier": _("1M requests and 400,000 GB-seconds a month, always free. Other services' "
                   "12-month free tiers are not applied."),
    "billing_granularity_ms": _("1 ms since December 2020; 100 ms reproduces older bills."),
    "hours_per_month": _("AWS's calculator uses 730; some AWS examples use 720."),
    "cold_start_rate": _("Share of invocations that start a new environment (0 to 1; "
                         "typically under 0.01)."),
    "init_duration_ms": _("Billed like duration since August 2025."),
    "front_door": _("What receives the requests in front of Lambda; a function URL costs "
                    "nothing extra."),
    "payload_kb": _("Request plus response size of one call (HTTP APIs meter each 512 KB "
                    "started)."),
    "data_transfer_out_gb": _("Internet egress a month, priced the same on both sides."),
    "provisioned_concurrency": _("Lambda environments kept warm (0 for none)."),
    "provisioned_hours_per_month": _("Leave empty for the whole month when environments are "
                                     "kept warm."),
    "provisioned_share_of_requests": _("Leave empty for all requests when environments are "
                                       "kept warm (0 to 1)."),
    "lambda_in_vpc_with_internet": _("Lambda runs in private subnets and reaches the internet "
                                     "through one NAT gateway per availability zone."),
    "nat_processed_gb": _("Calls to outside APIs and downloads, on whichever side uses NAT."),
    "traffic_peak_to_average": _("Busiest hour's request rate divided by the monthly average; "
                                 "a fixed EC2 fleet is sized for it."),
    "traffic_profile": _("Shape of a week that an autoscaling EC2 fleet follows."),
    "connections_requests_per_connection": _("For load-balancer capacity units."),
    "connections_connection_seconds": _("How long one client connection stays open."),
    "connections_rules_per_request": _("Listener rules evaluated per request; the first 10 are "
                                       "free."),
    "ec2_instance_type": _("\"auto\" picks the cheapest type that meets the load, or name a "
                           "type from the price book."),
    "ec2_purchase": _("Savings Plan and Spot factors are estimates an editor should confirm."),
    "ec2_min_instances": _("Two instances in two availability zones is the usual floor for "
                           "high availability."),
    "ec2_target_utilization": _("Share of each instance's CPU that peak load may use "
                                "(0.05 to 1)."),
    "ec2_scaling": _("Fixed: sized for the busiest hour all month. Autoscale: hour by hour "
                     "along the traffic profile."),
    "ec2_cpu_share": _("Share of the duration that is CPU work: 1 for CPU-bound work, lower "
                       "when the code mostly waits on I/O."),
    "ec2_load_balancer": _("Load balancer in front of the instances."),
    "ec2_ebs_gb_per_instance": _("gp3 root volume of each instance."),
    "ec2_private_subnets_with_nat": _("Instances reach the internet through one NAT gateway "
                                      "per availability zone."),
    "ec2_availability_zones": _("Also the number of NAT gateways on either side."),
    "needs_use_case": _("Feeds the recommendation; it changes no price."),
    "needs_runs_over_15_minutes": _("Lambda stops any invocation after 15 minutes."),
    "needs_latency_budget_ms": _("Response time callers can tolerate; leave empty for no "
                                 "budget. Cold starts count against it."),
    "needs_private_network": _("A database or internal services in a VPC."),
    "needs_dedicated_tenancy": _("Lambda runs only on shared hardware."),
    "needs_persistent_connections": _("Lambda handles one request at a time per environment."),
    "needs_gpu": _("Lambda offers no GPUs."),
    "needs_task_memory_mb": _("Even beyond Lambda's 10,240 MB; leave empty for the Lambda "
                              "memory above."),
    "needs_task_vcpus": _("Even beyond Lambda's 6; leave empty for what the Lambda memory "
                          "gives."),
    "needs_no_server_team": _("Counts against running a fleet yourself."),
    "needs_ops_hours_per_month": _("Patching, scaling and monitoring a fleet; 8 is our "
                                   "assumption: set your own."),
    "needs_lambda_ops_hours_per_month": _("Beyond what both sides share."),
    "needs_ops_hourly_usd": _("Loaded cost of an hour of engineer time; 75 is our assumption."),
    "avg_rps": _("Average over the month; converted with the hours in a month."),
    "rate_basis": "",
}

UNITS: dict[str, Text] = {
    "requests a month": _("requests a month"),
    "ms": _("ms"),
    "MB": _("MB"),
    "KB": _("KB"),
    "GB": _("GB"),
    "GB a month": _("GB a month"),
    "hours": _("hours"),
    "share": _("share, 0 to 1"),
    "environments": _("environments"),
    "ratio": _("× the average"),
    "requests": _("requests"),
    "seconds": _("seconds"),
    "rules": _("rules"),
    "instances": _("instances"),
    "AZs": _("AZs"),
    "requests a second": _("requests a second"),
    "vCPUs": _("vCPUs"),
    "USD an hour": _("USD an hour"),
}

CHOICE_LABELS: dict[str, dict[Any, Text]] = {
    "architecture": {"x86_64": _("x86_64 (Intel/AMD)"), "arm64": _("arm64 (Graviton)")},
    "billing_granularity_ms": {1: _("1 ms (today)"), 100: _("100 ms (before Dec 2020)")},
    "front_door": {"none": _("None (events, schedules, SDK calls)"),
                   "http_api": _("API Gateway HTTP API"), "rest_api": _("API Gateway REST API"),
                   "alb": _("Application Load Balancer"), "function_url": _("Function URL")},
    "traffic_profile": {"flat": _("Flat"), "business_hours": _("Business hours"),
                        "spiky": _("Spiky")},
    "ec2_purchase": {"on_demand": _("On-demand"), "savings_plan_1y": _("Savings Plan, 1 year"),
                     "savings_plan_3y": _("Savings Plan, 3 years"), "spot": _("Spot")},
    "ec2_scaling": {"fixed": _("Fixed (sized for the peak)"), "autoscale": _("Autoscale")},
    "ec2_load_balancer": {"alb": _("Application Load Balancer"),
                          "nlb": _("Network Load Balancer"), "none": _("None")},
    "needs_use_case": {"http_api": _("HTTP API"), "scheduled_job": _("Scheduled job"),
                       "event_processing": _("Event processing (S3 uploads, queues)"),
                       "pilot": _("Pilot"), "unpredictable_traffic": _("Unpredictable traffic"),
                       "batch": _("Batch work")},
}

# Limits that are AWS's, not ours: say whose limit it is.
LIMIT_MESSAGES: dict[tuple[str, str], Text] = {
    ("memory_mb", "max"): _("Lambda allows at most 10,240 MB."),
    ("memory_mb", "min"): _("Lambda needs at least 128 MB."),
    ("duration_ms", "max"): _("Lambda runs at most 15 minutes (900,000 ms)."),
    ("duration_ms", "min"): _("The duration must be more than 0 ms."),
    ("ephemeral_storage_mb", "max"): _("Lambda allows at most 10,240 MB of /tmp storage."),
    ("ephemeral_storage_mb", "min"): _("Lambda always has at least 512 MB of /tmp storage."),
    ("init_duration_ms", "max"): _("Lambda's INIT phase lasts at most 10 seconds (10,000 ms)."),
    ("hours_per_month", "max"): _("A month has at most 744 hours (31 days)."),
    ("ec2_availability_zones", "max"): _("This tool models at most 6 availability zones."),
}

# Form sections: (key, title, field names, open by default). Every contract field appears once.
SECTIONS: tuple[tuple[str, Text, tuple[str, ...], bool], ...] = (
    ("workload", _("Workload"),
     ("requests_per_month", "avg_rps", "duration_ms", "memory_mb", "architecture", "payload_kb"),
     True),
    ("traffic", _("Traffic shape"), ("traffic_peak_to_average", "traffic_profile"), True),
    ("front_door", _("Front door"), ("front_door",), True),
    ("network", _("Network and security"),
     ("lambda_in_vpc_with_internet", "ec2_private_subnets_with_nat", "nat_processed_gb",
      "data_transfer_out_gb"), False),
    ("cold_starts", _("Cold starts"),
     ("cold_start_rate", "init_duration_ms", "provisioned_concurrency",
      "provisioned_hours_per_month", "provisioned_share_of_requests"), False),
    ("ec2", _("EC2 options"),
     ("ec2_instance_type", "ec2_purchase", "ec2_min_instances", "ec2_availability_zones",
      "ec2_target_utilization", "ec2_scaling", "ec2_cpu_share", "ec2_load_balancer",
      "ec2_ebs_gb_per_instance"), False),
    ("region", _("Region and free tier"), ("region", "free_tier", "ephemeral_storage_mb"), False),
    ("needs", _("Your situation (for the recommendation)"),
     ("needs_use_case", "needs_runs_over_15_minutes", "needs_latency_budget_ms",
      "needs_private_network", "needs_dedicated_tenancy", "needs_persistent_connections",
      "needs_gpu", "needs_task_memory_mb", "needs_task_vcpus", "needs_no_server_team",
      "needs_ops_hours_per_month", "needs_lambda_ops_hours_per_month", "needs_ops_hourly_usd"),
     False),
    ("advanced", _("Connections and billing (advanced)"),
     ("connections_requests_per_connection", "connections_connection_seconds",
      "connections_rules_per_request", "billing_granularity_ms", "hours_per_month"), False),
)

# Contract defaults, in the form's names (DERIVED fields start empty).
DEFAULTS: dict[str, Any] = {
    form_name(f.name): f.default for f in FIELDS if f.default is not REQUIRED and f.default is not DERIVED
}
# What `/` shows before anyone has typed: a small API, so the first screen has an answer.
STARTING_VALUES: dict[str, Any] = {
    "requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
    "front_door": "http_api", "traffic_peak_to_average": 3,
}


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
    if spec.choices:
        coerce = int if spec.kind == "integer" else str
        return forms.TypedChoiceField(choices=_choices(name, spec.choices), coerce=coerce,
                                      **common)
    if spec.kind == "string":
        return forms.CharField(max_length=64, required=False, strip=True, **common)
    return ContractNumberField(spec, name, required=spec.required, **common)


class QuestionnaireForm(forms.Form):
    """Every contract input plus the ``avg_rps`` helper; see :meth:`to_workload_data`."""

    rate_basis = forms.ChoiceField(
        label=LABELS["rate_basis"], required=False, initial="month",
        choices=[("month", _("requests a month")), ("second", _("average requests a second"))],
        widget=forms.RadioSelect)

    specs: dict[str, FieldSpec] = {form_name(s.name): s for s in FIELDS}

    def __init__(self, *args: Any, regions: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # deep-copies the fields built once, below
        regions = sorted(set(regions) | {"us-east-1"})
        self.fields["region"].choices = [(r, r) for r in regions]  # type: ignore[attr-defined]

    def clean_ec2_instance_type(self) -> str:
        return self.cleaned_data.get("ec2_instance_type") or "auto"

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
        elif data.get("requests_per_month") is None and "requests_per_month" not in self.errors:
            self.add_error("requests_per_month",
                           gettext("Enter the requests a month: %(range)s.")
                           % {"range": range_text(self.specs["requests_per_month"])})
        return data

    def to_workload_data(self) -> dict[str, Any]:
        """The contract's JSON-shaped, nested workload (valid form only); empty optional
        numbers are left out so that the engine applies its (derived) defaults."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for spec in FIELDS:
            value = data.get(form_name(spec.name))
            if value is None or value == "":
                continue
            if spec.group:
                out.setdefault(spec.group, {})[spec.key] = value
            else:
                out[spec.name] = value
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
        for key, title, names, open_ in sections:
            fields = [self[n] for n in names if n in self.fields]
            has_error = any(f.errors for f in fields)
            out.append({"key": key, "title": title, "fields": fields,
                        "open": open_ or has_error})
        return out


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


def form_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values (in form names) merged over the defaults, encoded as a browser submits them:
    checkboxes present only when ticked."""
    merged = {**DEFAULTS, "rate_basis": "month", **values}
    out: dict[str, Any] = {}
    for name, value in merged.items():
        if isinstance(value, bool):
            if value:
                out[name] = "on"
        elif value is not None:
            out[name] = value
    return out


def is_submitted(query: Mapping[str, Any]) -> bool:
    """Whether a query string carries questionnaire inputs (otherwise show the start values)."""
    names = {form_name(f.name) for f in FIELDS} | {"avg_rps", "rate_basis"}
    return any(k in names for k in query)


def bind_data(query: Mapping[str, Any]) -> dict[str, Any]:
    """The data to bind the form to, from a query string.

    No questionnaire inputs: the starting values. A query the form itself sent always holds
    ``rate_basis`` (a radio), so an absent checkbox means "off"; a hand-written link without
    it gets the contract's defaults for whatever it leaves out, checkboxes included.
    """
    if not is_submitted(query):
        return form_data(STARTING_VALUES)
    data: dict[str, Any] = {k: query.get(k) for k in query}
    from_form = "rate_basis" in query
    for name, default in DEFAULTS.items():
        if name in data:
            continue
        if isinstance(default, bool):
            if default and not from_form:
                data[name] = "on"
        else:
            data[name] = default
    data.setdefault("rate_basis", "month")
    return data
