"""The OpenAPI parts of ``POST /api/v1/scenarios`` (merged into reports/openapi.py)."""

from __future__ import annotations

from typing import Any

from advisor.pricing.scenarios import MAX_SCENARIOS, NOT_VARIED
from advisor.pricing.workload import FIELD_BY_NAME, OPTION_NAMES

JSON = "application/json"
REF = "#/components/schemas/"


def _total(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": ["monthly_usd"],
            "properties": {"monthly_usd": {"type": "number"}, **(extra or {})}}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


REFUSED = {
    "type": ["object", "null"],
    "description": "null when the combination was priced; else why not, by field path (the "
                   "row is kept and has no option totals).",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def vary_schema() -> dict[str, Any]:
    return {
        "type": "object", "minProperties": 1,
        "description": (
            "Field path -> the values to try, each checked as the workload's own field. At "
            f"most {MAX_SCENARIOS} combinations (the product of the list lengths)."),
        "propertyNames": {"enum": [name for name in FIELD_BY_NAME if name not in NOT_VARIED]},
        "additionalProperties": {"type": "array", "minItems": 1},
    }


def schemas(workload_schema: dict[str, Any]) -> dict[str, Any]:
    options = {name: _total({"instance_type": {"type": "string"}} if name == "ec2" else None)
               for name in OPTION_NAMES}
    return {
        "ScenarioRequest": {
            **workload_schema,
            "required": [*workload_schema.get("required", []), "vary"],
            "properties": {
                **workload_schema["properties"],
                "vary": vary_schema(),
            },
        },
        "Scenarios": {
            "type": "object",
            "required": ["scenarios", "cheapest", "best_by_field"],
            "properties": {
                "inputs": {"type": "object", "description": "The workload, defaults filled in."},
                "vary": {"type": "object", "description": "vary as checked."},
                "count": {"type": "integer"},
                "scenarios": {"type": "array", "items": {
                    "type": "object",
                    "required": ["vary", "cheapest", "refused"],
                    "properties": {
                        "vary": {"type": "object",
                                 "description": "This combination's value of each varied field."},
                        **options,
                        "cheapest": {"type": ["string", "null"],
                                     "description": 'The cheapest compared option, "tie" '
                                                    "within a cent, null when refused."},
                        "refused": REFUSED,
                        "is_workload": {"type": "boolean",
                                        "description": "The workload's own combination."},
                    },
                }},
                "cheapest": _nullable({
                    "type": "object",
                    "required": ["index", "vary", "option", "monthly_usd"],
                    "properties": {"index": {"type": "integer"}, "vary": {"type": "object"},
                                   "option": {"type": "string", "enum": list(OPTION_NAMES)},
                                   "monthly_usd": {"type": "number"}},
                }),
                "best_by_field": {
                    "type": "object",
                    "description": "Per varied field: its best value (lowest total of any "
                                   "option) with the other varied fields at the workload's own "
                                   "values, and every value's figures.",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["value", "cheapest", "monthly_usd", "values"],
                        "properties": {
                            "value": {}, "cheapest": {"type": ["string", "null"]},
                            "monthly_usd": {"type": ["number", "null"]},
                            "values": {"type": "array", "items": {
                                "type": "object",
                                "properties": {"value": {},
                                               "cheapest": {"type": ["string", "null"]},
                                               "monthly_usd": {"type": ["number", "null"]},
                                               "refused": REFUSED}}},
                        },
                    },
                },
            },
        },
    }


def paths(common_errors: dict[str, Any], unavailable: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/scenarios": {
            "post": {
                "operationId": "scenarios",
                "summary": "Price one workload in every combination of the varied fields "
                           "(regions, architectures, purchase options...), no break-even.",
                "parameters": [{
                    "name": "format", "in": "query", "required": False,
                    "description": "csv: the rows as CSV (as does `Accept: text/csv`).",
                    "schema": {"type": "string", "enum": ["json", "csv"]}}],
                "requestBody": {"required": True, "content": {
                    JSON: {"schema": {"$ref": REF + "ScenarioRequest"}}}},
                "responses": {
                    "200": {"description": "One row per combination; a combination that "
                                           "cannot be priced is a row with `refused`.",
                            "content": {JSON: {"schema": {"$ref": REF + "Scenarios"}},
                                        "text/csv": {"schema": {"type": "string"}}}},
                    **common_errors,
                    "503": unavailable,
                },
            }
        },
    }
