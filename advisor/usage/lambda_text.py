"""Lambda REPORT lines as text: what ``aws logs tail`` prints, a Logs Insights CSV export, or
bare lines.

- ``aws logs tail <group>`` prints each event as ``<ISO timestamp> <log stream> <message>``
  (AWS CLI reference, https://awscli.amazonaws.com/v2/documentation/api/latest/reference/logs/tail.html);
  ``--format short`` leaves the stream out.
- A CloudWatch Logs Insights result downloaded as CSV has a header row naming the fields
  (``@timestamp,@message``; AWS, "Export query results",
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_ExportQueryResults.html), the
  timestamp written ``2026-11-30 12:00:00.123`` in UTC.
- Bare REPORT lines carry no time, so the hours they cover must be given (``hours``).

The REPORT line itself: :mod:`advisor.usage.lambda_lines`.
"""

from __future__ import annotations

import csv

from advisor.usage import lambda_lines
from advisor.usage.base import Params, Source, Usage, head_text
from advisor.usage.invocations import Invocations


class LambdaTextReader:
    name = "lambda_report_text"
    title = "Lambda REPORT lines (aws logs tail, Logs Insights CSV or bare lines)"

    def recognises(self, head: bytes) -> bool:
        text = head_text(head)
        # START/END lines too: a Lambda log without its REPORT lines is then "nothing usable"
        # (a clearer answer than "not recognised").
        return (lambda_lines.REPORT in text or "START RequestId:" in text
                or "END RequestId:" in text or _is_insights_csv(text))

    def read(self, source: Source, params: Params) -> Usage:
        inv = Invocations()
        lines = source.lines()
        warnings: list[str] = []
        if _is_insights_csv(head_text(source.head)):
            _read_csv(inv, lines)
        else:
            feed = lambda_lines.feed
            for line in lines:
                feed(inv, line)
        return inv.usage(self.name, params, warnings)


def _is_insights_csv(text: str) -> bool:
    first = text.split("\n", 1)[0].strip().lower()
    return first.startswith(("@timestamp", '"@timestamp"')) and "@message" in first


def _read_csv(inv: Invocations, lines: object) -> None:
    rows = csv.reader(lines)  # type: ignore[arg-type]
    header = [h.strip().strip('"').lstrip("\ufeff") for h in next(rows)]
    at_ts, at_msg = header.index("@timestamp"), header.index("@message")
    for row in rows:
        if len(row) <= max(at_ts, at_msg):
            inv.lines += 1
            if any(cell.find(lambda_lines.REPORT) >= 0 for cell in row):
                inv.malformed += 1
            else:
                inv.skipped += 1
            continue
        lambda_lines.feed(inv, row[at_msg], lambda_lines.epoch(row[at_ts].strip()))
