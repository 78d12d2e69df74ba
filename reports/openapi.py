"""The OpenAPI 3.1 document of the JSON API, built from the workload's FIELDS table.

The workload schema is generated from ``advisor.pricing.workload.FIELDS`` (the table the
parser itself follows), so the document cannot drift from what the API accepts.
"""

from __future__ import annotations

from typing import Any

from advisor.pricing.workload import (
    DERIVED,
    FIELD_BY_NAME,
    FIELDS,
    GROUPS,
    RANGED_FIELDS,
    REQUIRED,
    WEIGHT_COUNTS,
    FieldSpec,
)
from reports import openapi_scenarios
from reports.models import NOTES_MAX, TITLE_MAX

JSON = "application/json"
TYPES = {"number": "number", "integer": "integer", "boolean": "boolean", "string": "string"}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if spec.kind == "list":
        schema.update({"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"type": "string", "enum": list(spec.choices)}})
    elif spec.kind == "weights":
        # traffic.hourly_weights: one day or one week of hours (not all zero: said in words).
        schema.update({"type": "array", "items": {"type": "number", "minimum": 0},
                       "anyOf": [{"minItems": n, "maxItems": n} for n in WEIGHT_COUNTS]})
    elif spec.kind == "choice":
        kinds = {type(c) for c in spec.choices}
        schema["type"] = "string" if kinds == {str} else "number"
        schema["enum"] = list(spec.choices)
    else:
        schema["type"] = TYPES[spec.kind]
        if spec.choices:
            schema["enum"] = list(spec.choices)
    if spec.minimum is not None:
        schema["exclusiveMinimum" if spec.exclusive_minimum else "minimum"] = spec.minimum
    if spec.maximum is not None:
        schema["maximum"] = spec.maximum
    if spec.pattern:
        schema["pattern"] = spec.pattern
    if spec.nullable:
        schema["type"] = [schema["type"], "null"]
    description = spec.help + (f" Unit: {spec.unit}." if spec.unit else "")
    if spec.default is DERIVED:
        description += f" Default: {spec.default_note}."
    elif spec.default is not REQUIRED:
        schema["default"] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    schema["description"] = description.strip()
    return schema


def workload_properties() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.group is None:
            props[spec.name] = field_schema(spec)
    for group in GROUPS:
        inner = {spec.key: field_schema(spec) for spec in FIELDS if spec.group == group}
        props[group] = {"type": "object", "additionalProperties": False, "properties": inner}
    props["ranges"] = ranges_schema()
    return props


def _zero_or_default(name: str) -> dict[str, Any]:
    spec = next(spec for spec in FIELDS if spec.name == name)
    return {"enum": [0, None]} if spec.nullable else {"const": 0}


def cross_field_rules() -> dict[str, Any]:
    """The parser's cross-field rules (``advisor.pricing.workload.CHECKS``) in JSON Schema, so
    that a request the schema accepts is one the API accepts.

    JSON Schema cannot compare two values, so "at most hours_per_month" is stated in the
    description and enforced as "at most its default (730)" when hours_per_month is absent.
    """
    not_warm = {"not": {"required": ["provisioned_concurrency"],
                        "properties": {"provisioned_concurrency": {"exclusiveMinimum": 0}}}}
    return {
        "description": (
            "Rules between fields: provisioned_share_of_requests must be 0 (or left out) when "
            "provisioned_concurrency is 0 or left out; provisioned_hours_per_month must be at "
            "most hours_per_month; traffic.hourly_weights is required with traffic.profile "
            '"custom" and refused otherwise, and a traffic.peak_to_average sent with it must be '
            "within 0.5 % of its largest weight ÷ its mean."
        ),
        "allOf": [
            custom_profile_rule(),
            {"if": not_warm,
             "then": {"properties": {"provisioned_share_of_requests": _zero_or_default(
                 "provisioned_share_of_requests")}}},
            {"if": {"not": {"required": ["hours_per_month"]}},
             "then": {"properties": {"provisioned_hours_per_month": {
                 "maximum": next(spec.default for spec in FIELDS if spec.name == "hours_per_month")}}}},
        ],
    }


def custom_profile_rule() -> dict[str, Any]:
    """``traffic.hourly_weights`` with the profile "custom" and only with it."""
    custom = {"required": ["traffic"], "properties": {"traffic": {
        "required": ["profile"], "properties": {"profile": {"const": "custom"}}}}}
    return {"if": custom,
            "then": {"required": ["traffic"],
                     "properties": {"traffic": {"required": ["hourly_weights"]}}},
            "else": {"properties": {"traffic": {"not": {"required": ["hourly_weights"]}}}}}


def ranges_schema() -> dict[str, Any]:
    """``ranges``: input name -> [low, expected, high], each within the input's own limits."""
    props = {}
    for name in RANGED_FIELDS:
        one = field_schema(FIELD_BY_NAME[name])
        one = {k: v for k, v in one.items() if k not in ("default", "description")}
        props[name] = {"type": "array", "minItems": 3, "maxItems": 3, "items": one,
                       "description": f"[low, expected, high] of {name}; low <= expected <= "
                                      f"high, and expected equals {name} (or gives it)."}
    return {"type": "object", "additionalProperties": False, "properties": props,
            "description": "Inputs given as a range; the result's `uncertainty` prices the "
                           "combinations (without any range: default spreads)."}


SPAN = {"type": "object", "required": ["low", "expected", "high"],
        "properties": {k: {"type": "number"} for k in ("low", "expected", "high")}}
SHARES = {"type": "object", "required": ["lambda", "ec2", "tie"],
          "properties": {k: {"type": "number", "minimum": 0, "maximum": 1}
                         for k in ("lambda", "ec2", "tie")}}
SIDE = {"type": "string", "enum": ["lambda", "ec2", "tie"]}


def honest_result_properties() -> dict[str, Any]:
    """The result's headline, flips as bands and ranges (docs/compare-json.md)."""
    return {
        "break_even_bands": {
            "type": "array",
            "description": "Crossings less than × 1.5 apart grouped into bands; `above` is the "
                           "side cheaper just past the band.",
            "items": {"type": "object", "required": ["from", "to", "crossings", "above"],
                      "properties": {"from": {"type": "number"}, "to": {"type": "number"},
                                     "crossings": {"type": "integer", "minimum": 1},
                                     "above": {"type": "string", "enum": ["lambda", "ec2"]}}},
        },
        "basis": {"type": "string", "enum": ["bill", "bill_and_operations"],
                  "description": "What every comparative figure of the result counts (the "
                                 "input `basis`, echoed): `cheaper`, `verdict`, "
                                 "`uncertainty.share_cheaper` and `sensitivity`, `break_even`, "
                                 "the recommendation's cost reason, `cheapest` and "
                                 "`option_choice`."},
        "verdict": {
            "type": "object",
            "description": "The headline on the result's basis: the cheapest compared option, "
                           "the runner-up and the difference; `other_basis` is the one "
                           "labelled sentence of what the other basis would say (null when "
                           "every option has the same operations time). A result saved before "
                           "`basis` existed has `bill`/`with_operations` instead.",
            "properties": {
                "basis": {"type": "string", "enum": ["bill", "bill_and_operations"]},
                "cheaper": {"type": "string"}, "runner_up": {"type": "string"},
                "difference_usd": {"type": "number"},
                "totals": {"type": "object", "additionalProperties": {"type": "number"}},
                "code": {"type": "string"}, "params": {"type": "object"},
                "operations": {"type": ["object", "null"]},
                "other_basis": {"type": ["object", "null"], "properties": {
                    "basis": {"type": "string"}, "cheaper": {"type": "string"},
                    "runner_up": {"type": "string"}, "difference_usd": {"type": "number"},
                    "code": {"type": "string"}, "params": {"type": "object"}}},
                "text": {"type": "string"},
            },
        },
        "uncertainty": {
            "type": ["object", "null"],
            "description": "Low, expected and high totals over the ranges (or default spreads), "
                           "the share of the range in which each side is cheaper on the "
                           "result's basis (`cost_basis`; one share, exact along requests, "
                           "never 1 while any point of the range has the other side cheaper), "
                           "the break-even volumes inside the requests range (`flips`), how "
                           "the share was weighed (`method`) and the sensitivity of the "
                           "difference EC2 minus Lambda to each input, largest first.",
            "properties": {
                "basis": {"type": "string", "enum": ["ranges", "default_spreads"]},
                "cost_basis": {"type": "string", "enum": ["bill", "bill_and_operations"]},
                "ranges": {"type": "object"},
                "lambda": SPAN, "ec2": SPAN,
                "with_operations": {"type": "object", "properties": {"lambda": SPAN,
                                                                     "ec2": SPAN}},
                "share_cheaper": SHARES,
                "flips": {"type": "array", "items": {
                    "type": "object", "required": ["requests_per_month", "above"],
                    "properties": {"requests_per_month": {"type": "number"},
                                   "above": {"type": "string", "enum": ["lambda", "ec2"]}}}},
                "method": {"type": "object", "properties": {
                    "grid_points": {"type": "integer"}, "weights": {"type": "string"},
                    "flips_as_points": {"type": "integer"}}},
                "sensitivity": {"type": "array", "items": {
                    "type": "object", "required": ["field", "low", "high"],
                    "properties": {"field": {"type": "string"}, "low": {"type": "number"},
                                   "high": {"type": "number"},
                                   "values": {"type": "array", "items": {"type": "number"}}}}},
            },
        },
    }


def workload_schema(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [spec.name for spec in FIELDS if spec.required],
        "properties": {**workload_properties(), **(extra or {})},
        **cross_field_rules(),
    }


MONEY = {"type": "number", "description": "US dollars a month, unrounded."}


def _side(items: tuple[str, ...], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["monthly_usd", "items"],
        "properties": {
            "monthly_usd": MONEY,
            "items": {
                "type": "object",
                "required": list(items),
                "properties": {name: MONEY for name in items},
                "additionalProperties": MONEY,
            },
            **extra,
        },
    }


def option_properties() -> dict[str, Any]:
    """Result keys present only when ``options`` is not the default pair."""
    from advisor.pricing.options import registry
    from advisor.pricing.workload import DEFAULT_OPTIONS

    names = list(registry())
    extra = {name: _side(spec.items, {
        "sizing": {"type": "object", "description": "How the option was sized at the "
                   "workload's volume."},
        "blockers": {"type": "array", "description": "Hard limits that rule the option out "
                     "whatever the price.", "items": {"type": "object"}},
    }) for name, spec in registry().items() if name not in DEFAULT_OPTIONS}
    for schema in extra.values():
        schema["description"] = "Present when the option is among the workload's options."
    return {
        **extra,
        "cheapest": {"type": "string", "enum": [*names, "tie"],
                     "description": "The compared option with the lowest total (tie: the two "
                                    "lowest within a cent). Only with non-default options."},
        "pairwise_break_even": {
            "type": "array",
            "description": "For each pair of compared options, every request volume in "
                           "1 .. 1e12 a month at which their totals are equal. Only with "
                           "non-default options.",
            "items": {"type": "object", "required": ["options", "points"], "properties": {
                "options": {"type": "array", "items": {"type": "string", "enum": names},
                            "minItems": 2, "maxItems": 2},
                "points": {"type": "array", "items": {
                    "type": "object", "required": ["requests_per_month"],
                    "properties": {"requests_per_month": {"type": "number"}}}},
            }},
        },
        "option_choice": {
            "type": "object",
            "description": "Which compared option fits the case, with reasons and each "
                           "option's cost of ownership. Only with non-default options.",
            "properties": {"choice": {"type": ["string", "null"]},
                           "reasons": {"type": "array", "items": {"type": "object"}},
                           "tco_usd": {"type": "object", "additionalProperties": MONEY}},
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _json_body(ref: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": {"$ref": ref}}}}


COMMON_ERRORS = {
    "400": _error("Invalid JSON, or invalid input: every problem by field path."),
    "405": _error("Method not allowed."),
    "411": _error("A chunked body under a server that cannot read one: send Content-Length."),
    "413": _error("Request body over 64 KB (with Content-Length, or chunked)."),
    "415": _error("Content-Type is not application/json."),
}
# advisor/middleware.py answers any /api/ request with this while the database is down.
UNAVAILABLE = {
    **_error("The database is unavailable for the moment; try again after Retry-After."),
    "headers": {"Retry-After": {"description": "Seconds to wait (30).",
                                "schema": {"type": "integer"}}},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": (
        "Makes a retry safe: a request with a key already used by this client address in the "
        "last 24 hours creates nothing and gets the first request's answer again (201, the same "
        "code and URL, `Idempotent-Replayed: true`); the same key with a different body is a "
        "422, and while the first request is still running a 409. A request that fails keeps "
        "nothing, so it can be corrected and sent again with the same key. While the service's "
        "cache is unreachable the key is not honoured."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
ALLOW_HEADER = {"description": "The methods this path answers.", "schema": {"type": "string"}}
METHOD_NOT_ALLOWED = {**_error("Method not allowed."), "headers": {"Allow": ALLOW_HEADER}}
CODE_PARAM = {"name": "code", "in": "path", "required": True,
              "description": "The report's code: a UUID as the API returns it, lowercase with "
                             "dashes (any other spelling is a 404).",
              "schema": {"type": "string", "format": "uuid",
                         "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}}


def document() -> dict[str, Any]:
    from reports.export import EC2_ITEMS, LAMBDA_ITEMS
    from reports.openapi_usage import usage_path, usage_result_schema

    meta = {
        "title": {"type": ["string", "null"], "maxLength": TITLE_MAX,
                  "description": "Optional title of the report, plain text."},
        "notes": {"type": ["string", "null"], "maxLength": NOTES_MAX,
                  "description": "Optional notes, plain text."},
        "vary": {**openapi_scenarios.vary_schema(), "description": (
            "Optional: a scenario table (as POST /api/v1/scenarios) priced now and kept "
            "with the report.")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lambda or EC2? API",
            "version": "1.0.0",
            "description": (
                "Compare the monthly cost of AWS Lambda against an EC2 fleet for a workload, "
                "and save comparisons as reports that never change. JSON only; no cookies or "
                "authentication needed. Request bodies are limited to 64 KB."
            ),
        },
        "paths": {
            "/api/v1/compare": {
                "post": {
                    "operationId": "compare",
                    "summary": "Compare Lambda and EC2 for a workload, priced with today's book.",
                    "requestBody": _json_body("#/components/schemas/Workload"),
                    "responses": {
                        "200": {"description": "The comparison.",
                                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Result"}}}},
                        **COMMON_ERRORS,
                        "503": UNAVAILABLE,
                    },
                }
            },
            "/api/v1/usage": usage_path(),
            "/api/v1/reports": {
                "post": {
                    "operationId": "createReport",
                    "summary": "Save a comparison as a report that never changes.",
                    "parameters": [IDEMPOTENCY_KEY],
                    "requestBody": _json_body("#/components/schemas/ReportRequest"),
                    "responses": {
                        "201": {
                            "description": "The report was created (or, for a repeated "
                                           "Idempotency-Key, the first request's report).",
                            "headers": {
                                "Location": {"description": "The report's page.",
                                             "schema": {"type": "string"}},
                                "Idempotent-Replayed": {
                                    "description": "`true` when this is the kept answer to an "
                                                   "earlier request with the same key.",
                                    "schema": {"type": "string", "enum": ["true"]}},
                            },
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Created"}}},
                        },
                        **COMMON_ERRORS,
                        "409": {**_error("A request with this Idempotency-Key is still being "
                                         "processed; try again in a moment."),
                                "headers": {"Retry-After": {"description": "Seconds to wait.",
                                                            "schema": {"type": "integer"}}}},
                        "422": _error("This Idempotency-Key was already used with a different "
                                      "request body."),
                        "429": {
                            **_error("Too many reports from this address; try again later."),
                            "headers": {"Retry-After": {"description": "Seconds to wait.",
                                                        "schema": {"type": "integer"}}},
                        },
                        "503": UNAVAILABLE,
                    },
                }
            },
            "/api/v1/reports/{code}": {
                "get": {
                    "operationId": "getReport",
                    "summary": "A saved report as JSON.",
                    "parameters": [CODE_PARAM],
                    "responses": {
                        "200": {"description": "The report.",
                                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Report"}}}},
                        "404": _error("No report with this code."),
                        "405": METHOD_NOT_ALLOWED,
                        "503": UNAVAILABLE,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {"200": {"description": "The OpenAPI document.",
                                          "content": {JSON: {"schema": {"type": "object"}}}}},
                }
            },
            **openapi_scenarios.paths(COMMON_ERRORS, UNAVAILABLE),
            "/r/{code}.json": {
                "get": {
                    "operationId": "reportJson",
                    "summary": "A saved report as JSON (the same body as /api/v1/reports/{code}).",
                    "parameters": [CODE_PARAM],
                    "responses": {
                        "200": {"description": "The report.",
                                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Report"}}}},
                        "404": _error("No report with this code."),
                        "405": METHOD_NOT_ALLOWED,
                        "503": UNAVAILABLE,
                    },
                }
            },
            "/r/{code}.csv": {
                "get": {
                    "operationId": "reportCsv",
                    "summary": "A saved report as CSV: section,name,value,unit rows (inputs, "
                               "line items, totals, break-even points, price book); money in "
                               "cents.",
                    "parameters": [CODE_PARAM],
                    "responses": {
                        "200": {"description": "The report.",
                                "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "404": {"description": "No report with this code."},
                        "405": {"description": "Method not allowed (GET and HEAD only).",
                                "headers": {"Allow": ALLOW_HEADER}},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Workload": workload_schema(),
                "ReportRequest": workload_schema(meta),
                **openapi_scenarios.schemas(workload_schema()),
                "UsageResult": usage_result_schema(),
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "object",
                            "description": 'Messages by field path ("traffic.peak_to_average"); '
                                           '"__all__" for problems with the whole request.',
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        }
                    },
                },
                "PriceBook": {
                    "type": "object",
                    "required": ["id", "region", "effective_from", "name"],
                    "properties": {
                        "id": {"type": "integer"},
                        "region": {"type": "string"},
                        "effective_from": {"type": "string", "format": "date"},
                        "name": {"type": "string"},
                    },
                },
                "Result": {
                    "type": "object",
                    "required": ["inputs", "price_book", "lambda", "ec2", "break_even", "cheaper"],
                    "properties": {
                        "inputs": {"type": "object", "description": "The workload with every "
                                   "default filled in.", "properties": workload_properties()},
                        "price_book": {"$ref": "#/components/schemas/PriceBook"},
                        "lambda": _side(LAMBDA_ITEMS, {}),
                        "ec2": _side(EC2_ITEMS, {
                            "instance_type": {"type": "string"},
                            "peak_instances": {"type": "integer"},
                            "instance_hours": {"type": "number"},
                            "families_considered": {
                                "type": "array", "items": {"type": "string"},
                                "description": "The instance families \"auto\" chose among."},
                            "types_considered": {"type": "integer"},
                        }),
                        "break_even": {
                            "type": "array",
                            "description": "Every request volume in 1 .. 1e12 a month at which "
                                           "the totals are equal, ascending.",
                            "items": {"type": "object", "required": ["requests_per_month"],
                                      "properties": {"requests_per_month": {"type": "number"}}},
                        },
                        "cheaper": {"type": "string", "enum": ["lambda", "ec2", "tie"]},
                        "assumptions": {"type": "array", "items": {"type": "string"}},
                        "recommendation": {"type": "object"},
                        **option_properties(),
                        **honest_result_properties(),
                    },
                },
                "Created": {
                    "type": "object",
                    "required": ["code", "url"],
                    "properties": {
                        "code": {"type": "string", "format": "uuid"},
                        "url": {"type": "string", "format": "uri",
                                "description": "The report's page."},
                    },
                },
                "Report": {
                    "type": "object",
                    "required": ["code", "url", "title", "notes", "created_at", "result"],
                    "properties": {
                        "code": {"type": "string", "format": "uuid"},
                        "url": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                        "notes": {"type": "string"},
                        "created_at": {"type": "string", "format": "date-time"},
                        "recomputed_from": {"type": ["string", "null"], "format": "uuid"},
                        "result": {"$ref": "#/components/schemas/Result"},
                        "prices": {"type": ["object", "null"],
                                   "description": "Every price the comparison used: the book, "
                                                  "its rates and instance types."},
                        "scenarios": {"$ref": "#/components/schemas/Scenarios"},
                    },
                },
            }
        },
    }
