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
    FieldSpec,
)
from reports.models import NOTES_MAX, TITLE_MAX

JSON = "application/json"
TYPES = {"number": "number", "integer": "integer", "boolean": "boolean", "string": "string"}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if spec.kind == "choice":
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
        schema["default"] = spec.default
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
        "verdict": {
            "type": "object",
            "description": "The headline: the cheaper side on the AWS bill and with operations "
                           "time, and whether operations time changes the answer.",
            "properties": {
                "bill": {"type": "object", "properties": {
                    "cheaper": SIDE, "difference_usd": {"type": "number"}}},
                "with_operations": {"type": "object", "properties": {
                    "cheaper": SIDE, "difference_usd": {"type": "number"},
                    "lambda_ops_usd": {"type": "number"}, "ec2_ops_usd": {"type": "number"}}},
                "operations_change_answer": {"type": "boolean"},
                "code": {"type": "string"}, "params": {"type": "object"},
                "operations": {"type": ["object", "null"]}, "text": {"type": "string"},
            },
        },
        "uncertainty": {
            "type": ["object", "null"],
            "description": "Low, expected and high totals over the ranges (or default spreads), "
                           "the share of the range in which each side is cheaper (with "
                           "operations time; `share_cheaper_bill` without) and the sensitivity "
                           "of the difference EC2 minus Lambda to each input, largest first.",
            "properties": {
                "basis": {"type": "string", "enum": ["ranges", "default_spreads"]},
                "ranges": {"type": "object"},
                "lambda": SPAN, "ec2": SPAN,
                "with_operations": {"type": "object", "properties": {"lambda": SPAN,
                                                                     "ec2": SPAN}},
                "share_cheaper": SHARES, "share_cheaper_bill": SHARES,
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


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _json_body(ref: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": {"$ref": ref}}}}


COMMON_ERRORS = {
    "400": _error("Invalid JSON, or invalid input: every problem by field path."),
    "405": _error("Method not allowed."),
    "413": _error("Request body over 64 KB."),
    "415": _error("Content-Type is not application/json."),
}
# advisor/middleware.py answers any /api/ request with this while the database is down.
UNAVAILABLE = {
    **_error("The database is unavailable for the moment; try again after Retry-After."),
    "headers": {"Retry-After": {"description": "Seconds to wait (30).",
                                "schema": {"type": "integer"}}},
}
CODE_PARAM = {"name": "code", "in": "path", "required": True,
              "description": "The report's code (a UUID).",
              "schema": {"type": "string", "format": "uuid"}}


def document() -> dict[str, Any]:
    from reports.export import EC2_ITEMS, LAMBDA_ITEMS

    meta = {
        "title": {"type": ["string", "null"], "maxLength": TITLE_MAX,
                  "description": "Optional title of the report, plain text."},
        "notes": {"type": ["string", "null"], "maxLength": NOTES_MAX,
                  "description": "Optional notes, plain text."},
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
            "/api/v1/reports": {
                "post": {
                    "operationId": "createReport",
                    "summary": "Save a comparison as a report that never changes.",
                    "requestBody": _json_body("#/components/schemas/ReportRequest"),
                    "responses": {
                        "201": {
                            "description": "The report was created.",
                            "headers": {"Location": {"description": "The report's page.",
                                                     "schema": {"type": "string"}}},
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Created"}}},
                        },
                        **COMMON_ERRORS,
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
                        "405": _error("Method not allowed."),
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
            "/r/{code}.json": {
                "get": {
                    "operationId": "reportJson",
                    "summary": "A saved report as JSON (the same body as /api/v1/reports/{code}).",
                    "parameters": [CODE_PARAM],
                    "responses": {
                        "200": {"description": "The report.",
                                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Report"}}}},
                        "404": {"description": "No report with this code."},
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
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Workload": workload_schema(),
                "ReportRequest": workload_schema(meta),
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
                    },
                },
            }
        },
    }
