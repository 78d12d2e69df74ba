"""One Lambda log line (or one log event's message) into :class:`Invocations`.

Two shapes of the REPORT record exist, and a log group may hold either:

- plain text (AWS, "REPORT line data fields",
  https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
  ``REPORT RequestId: <id>\\tDuration: 12.34 ms\\tBilled Duration: 13 ms\\tMemory Size: 512 MB
  \\tMax Memory Used: 70 MB[\\tInit Duration: 250.00 ms][\\tStatus: timeout]``;
- JSON, when the function's log format is JSON (AWS, "Configuring JSON and plain text log
  formats", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html,
  and the ``platform.report`` event of the Telemetry API schema,
  https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#platform-report):
  ``{"time": ..., "type": "platform.report", "record": {"metrics": {"durationMs",
  "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB", "initDurationMs"}, "status"}}``.

START, END, INIT_START, platform.start / platform.runtimeDone and the function's own output
are counted as skipped. Request IDs are matched but never kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from advisor.usage.invocations import Invocations

REPORT = "REPORT RequestId:"
PLATFORM_REPORT = '"platform.report"'
_REPORT_RX = re.compile(
    r"REPORT RequestId: \S+\s+Duration: ([0-9.]+) ms\s+Billed Duration: ([0-9.]+) ms\s+"
    r"Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([0-9.]+) ms)?"
)
_UTC = dt.UTC


def epoch(text: str) -> float | None:
    """Seconds since the epoch of an ISO 8601 timestamp (UTC when it names no zone)."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_UTC)
    return when.timestamp()


def _leading_timestamp(prefix: str) -> float | None:
    """The timestamp that ``aws logs tail`` (or ``--format short``) puts before the message."""
    token = prefix.split(None, 1)[0] if prefix.strip() else ""
    if len(token) < 10 or not token[0].isdigit():
        return None
    return epoch(token)


def feed(inv: Invocations, line: str, ts: float | None = None) -> None:
    """Count one line: a REPORT (text or JSON) becomes an invocation, anything else is
    skipped; a REPORT that cannot be read is counted as malformed."""
    inv.lines += 1
    i = line.find(REPORT)
    if i >= 0:
        m = _REPORT_RX.match(line, i)
        if m is None:
            inv.malformed += 1
            return
        if ts is None and i > 0:
            ts = _leading_timestamp(line[:i])
        duration, billed, memory, used, init = m.groups()
        inv.add(ts, float(duration), float(billed), int(memory), int(used),
                float(init) if init is not None else None, "Status: timeout" in line)
        return
    if PLATFORM_REPORT in line:
        _feed_json(inv, line, ts)
        return
    inv.skipped += 1


def _feed_json(inv: Invocations, line: str, ts: float | None) -> None:
    start = line.find("{")
    try:
        event = json.loads(line[start:]) if start >= 0 else None
    except ValueError:
        event = None
    if not isinstance(event, dict) or event.get("type") != "platform.report":
        inv.malformed += 1
        return
    record = event.get("record")
    metrics = record.get("metrics") if isinstance(record, dict) else None
    if not (isinstance(record, dict) and isinstance(metrics, dict)):
        inv.malformed += 1
        return
    try:
        duration = float(metrics["durationMs"])
        billed = float(metrics["billedDurationMs"])
        memory = int(metrics["memorySizeMB"])
        used = int(metrics["maxMemoryUsedMB"])
        init = metrics.get("initDurationMs")
        init_ms = float(init) if init is not None else None
    except (KeyError, TypeError, ValueError):
        inv.malformed += 1
        return
    when = event.get("time")
    if isinstance(when, str):
        ts = epoch(when) or ts
    elif ts is None and start > 0:
        ts = _leading_timestamp(line[:start])
    inv.add(ts, duration, billed, memory, used, init_ms, record.get("status") == "timeout")


def json_head_lines(head: str) -> list[Any]:
    """The complete JSON objects among the head's lines (for the recognisers)."""
    found = []
    for raw in head.splitlines()[:50]:
        start = raw.find("{")
        if start < 0:
            continue
        try:
            found.append(json.loads(raw[start:]))
        except ValueError:
            continue
    return found
