"""The OpenAPI description of ``POST /api/v1/usage`` (kept apart from reports/openapi.py)."""

from __future__ import annotations

from typing import Any

JSON = "application/json"


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def usage_path() -> dict[str, Any]:
    from advisor.usage import FORMATS, formats_text

    binary = {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}
    return {"post": {
        "operationId": "readUsage",
        "summary": "Read a usage file (Lambda logs, CloudWatch metrics, a cost file) into a "
                   "workload.",
        "description": (
            "The file is the request body (any Content-Type; gzip recognised by its magic bytes "
            "or `Content-Encoding: gzip`) or the `multipart/form-data` field `file`. At most "
            "20 MB as sent and 200 MB once decompressed. The file is read in memory and "
            "forgotten: never stored, never logged; request IDs, ARNs and account IDs appear "
            "nowhere in the answer. Formats read: " + formats_text() + ". The `workload` is a "
            "complete contract workload for /api/v1/compare. Counted against the same hourly "
            "allowance per client address as report creation."),
        "parameters": [
            _query("hours", {"type": "number", "exclusiveMinimum": 0, "maximum": 43920},
                   "Hours the file covers; required for REPORT lines without timestamps."),
            _query("memory_mb", {"type": "integer", "minimum": 128, "maximum": 10240},
                   "Lambda memory (metrics and cost files do not say it)."),
            _query("region", {"type": "string"}, "The workload's region."),
            _query("free_tier", {"type": "boolean"}, "Apply Lambda's free allowance."),
            _query("format", {"type": "string", "enum": list(FORMATS)},
                   "Read the file as this format instead of recognising it."),
        ],
        "requestBody": {"required": True, "content": {
            "application/octet-stream": binary, "text/plain": binary,
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                               "properties": {"file": {
                                                   "type": "string",
                                                   "contentMediaType": "application/octet-stream"}}}},
        }},
        "responses": {
            "200": {"description": "What the file measured.",
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/UsageResult"}}}},
            "400": _error("Empty or unrecognised file (the message lists the formats read), "
                          "nothing usable in it, or a bad parameter."),
            "405": _error("Method not allowed."),
            "411": _error("A chunked body under a server that cannot read one."),
            "413": _error("Over 20 MB sent or over 200 MB decompressed."),
            "429": _error("Too many files from this address; see Retry-After."),
        },
    }}


def usage_result_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["format", "workload", "measured", "warnings", "suggestions"],
        "properties": {
            "format": {"type": "string"},
            "workload": {"oneOf": [{"$ref": "#/components/schemas/Workload"}, {"type": "null"}],
                         "description": "A workload /api/v1/compare accepts as is (null when a "
                                        "cost file holds no request volume). A measured hourly "
                                        "shape is traffic.profile \"custom\" with "
                                        "traffic.hourly_weights."},
            "measured": {"type": "object", "description": (
                "What was read: invocations, span_hours, duration_ms {mean, p50, p90, p99, "
                "max}, billed_duration_ms_mean, billed_gb_seconds, max_memory_used_mb {p50, "
                "p99, max}, memory_mb, cold_starts, timeouts, busiest_hour_to_mean (the span's "
                "busiest hour / its mean hour), hourly_requests [[hour, count]], "
                "lines {read, used, skipped, malformed}.")},
            "bill": {"type": "object", "description": (
                "Cost files: lines [{product_code, usage_type, region, amount, unit, "
                "billed_usd, priced_usd (our price book x the same amount; null where the book "
                "has no price)}], billed_usd, priced_usd, period {start, end, hours}, and "
                "apart: tax, credits, refunds and other products, never mixed into usage.")},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "suggestions": {"type": "array", "items": {"type": "string"}},
        },
    }
