"""Lambda's JSON log format: one JSON object a line; the invocation's figures are in the
``platform.report`` event (AWS, "Configuring JSON and plain text log formats",
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html; the
event's schema: https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html).
The lines may come straight from a log export or through ``aws logs tail`` (a timestamp and
the log stream before each object). Parsing: :mod:`advisor.usage.lambda_lines`.
"""

from __future__ import annotations

from advisor.usage import lambda_lines
from advisor.usage.base import Params, Source, Usage, head_text
from advisor.usage.invocations import Invocations


class LambdaJsonReader:
    name = "lambda_report_json"
    title = "Lambda JSON log format (platform.report events)"

    def recognises(self, head: bytes) -> bool:
        text = head_text(head)
        if lambda_lines.PLATFORM_REPORT in text:
            return True
        return any(isinstance(o, dict) and str(o.get("type", "")).startswith("platform.")
                   for o in lambda_lines.json_head_lines(text))

    def read(self, source: Source, params: Params) -> Usage:
        inv = Invocations()
        for line in source.lines():
            lambda_lines.feed(inv, line)
        return inv.usage(self.name, params, [])
