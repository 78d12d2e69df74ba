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
import gc
import operator
import re
from collections import Counter

import numpy as np

from advisor.usage import lambda_lines
from advisor.usage.base import Params, Source, Usage, head_text
from advisor.usage.invocations import Invocations

# REPORT lines as ``aws logs tail`` prints them are read a megabyte at a time by one regular
# expression on bytes (nothing decoded): the timestamp, the log stream (``--format short``
# has none) and the REPORT's numbers, fields separated by tabs as Lambda writes them. Only
# the numbers are then handled in Python. A chunk with any other line holding a REPORT (no
# timestamp, other separators, cut short, a JSON report) goes through the per-line reader,
# lambda_lines.feed, which reads the same fields.
_FAST_RX = re.compile(
    rb"\n(\d[^ \n]*+) (?:[^ \n]++ )?REPORT RequestId: [^\t\n]++\tDuration: ([0-9.]++) ms\t"
    rb"Billed Duration: ([0-9.]++) ms\tMemory Size: (\d++ MB\tMax Memory Used: \d++) MB"
    rb"(?:\tInit Duration: ([0-9.]++) ms)?")
_CHUNK = 1 << 20
_HOUR_PREFIX = operator.itemgetter(slice(0, 13))  # b"2026-11-30T12"
_REPORT_B = lambda_lines.REPORT.encode()
_JSON_B = lambda_lines.PLATFORM_REPORT.encode()
_TIMEOUT_B = b"Status: timeout"


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
        warnings: list[str] = []
        if _is_insights_csv(head_text(source.head)):
            _read_csv(inv, source.lines())
        else:
            _read_chunks(inv, source)
        return inv.usage(self.name, params, warnings)


def _read_chunks(inv: Invocations, source: Source) -> None:
    # The chunks' tuples hold only bytes: no reference cycles for the collector to find, and
    # in a process with Django loaded each of its passes would walk every object there is.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _read_chunks_on(inv, source)
    finally:
        if enabled:
            gc.enable()


def _read_chunks_on(inv: Invocations, source: Source) -> None:
    stream = source.binary()
    hours: dict[bytes, int | None] = {}
    # Each chunk runs from a line break to just before the last line break read so far, so
    # that every line in it is whole and starts after a b"\n" (the file's first line too).
    rest = b"\n"
    while True:
        data = stream.read(_CHUNK)
        if not data:
            if len(rest) > 1:
                _chunk(inv, rest, len(rest), hours)
            break
        data = rest + data
        cut = data.rfind(b"\n")
        if cut <= 0:
            rest = data
            continue
        rest = data[cut:]
        _chunk(inv, data, cut, hours)


def _chunk(inv: Invocations, data: bytes, end: int, hours: dict[bytes, int | None]) -> None:
    """The lines of data[:end], each after a b"\n": REPORT lines through the one expression
    at once, or one by one. (Bounds, not slices: a megabyte is not copied again.)"""
    rows = _FAST_RX.findall(data, 0, end)
    reports = data.count(_REPORT_B, 0, end)
    if reports != len(rows) or data.find(_JSON_B, 0, end) >= 0:
        _slow_lines(inv, data[:end])
        return
    lines = data.count(b"\n", 0, end)
    inv.lines += lines
    inv.skipped += lines - reports
    if not rows:
        return
    n = len(rows)
    stamps, durations, billed, sizes_used, inits = zip(*rows, strict=True)
    hourly: Counter[int] = Counter()
    untimed = 0
    zone = _zone(stamps[0])
    for prefix, count in Counter(map(_HOUR_PREFIX, stamps)).items():
        if prefix not in hours:
            hours[prefix] = _hour_of(prefix, zone)
        hour = hours[prefix]
        if hour is None:
            untimed += count
        else:
            hourly[hour] += count
    first = last = None
    timed = [s for s in stamps if hours[_HOUR_PREFIX(s)] is not None] if untimed else stamps
    if timed:
        first = lambda_lines.epoch(min(timed).decode("ascii", "replace"))
        last = lambda_lines.epoch(max(timed).decode("ascii", "replace"))
    # "512 MB\tMax Memory Used: 70": memory size and memory used, counted together.
    pairs = Counter(sizes_used)
    memory_of = {pair: int(pair.split(b" ", 1)[0]) for pair in pairs}
    memory: Counter[int] = Counter()
    used: Counter[int] = Counter()
    for pair, count in pairs.items():
        memory[memory_of[pair]] += count
        used[int(pair.rsplit(b" ", 1)[1])] += count
    billed_ms = np.fromiter(map(float, billed), np.float64, n)
    if len(memory) == 1:  # the usual case: one memory size, no per-line multiplication
        mb_ms = float(billed_ms.sum()) * next(iter(memory))
    else:
        mb_ms = float((billed_ms * np.fromiter(map(memory_of.__getitem__, sizes_used),
                                               np.float64, n)).sum())
    inv.add_batch(np.fromiter(map(float, durations), np.float64, n), billed_ms, mb_ms,
                  memory, used, np.fromiter(map(float, filter(None, inits)), np.float64),
                  _timeouts(data, end), hourly, first, last, untimed)


def _timeouts(data: bytes, end: int) -> int:
    """REPORT lines of data[:end] that say Status: timeout (the function's own output may
    say it too)."""
    count, at = 0, data.find(_TIMEOUT_B, 0, end)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        if data.find(_REPORT_B, start, at) >= 0:
            count += 1
        at = data.find(_TIMEOUT_B, at + 1, end)
    return count


def _slow_lines(inv: Invocations, chunk: bytes) -> None:
    """The per-line reader, for a chunk holding JSON reports, timeouts or a REPORT the one
    expression does not match."""
    feed = lambda_lines.feed
    for line in chunk[1:].decode("utf-8", "replace").splitlines():  # after the first b"\n"
        feed(inv, line)


def _zone(stamp: bytes) -> str:
    """The zone a timestamp is written in: "+00:00", "Z" or "" (UTC)."""
    return stamp[19:].decode("ascii", "replace").lstrip(".0123456789")


def _hour_of(prefix: bytes, zone: str) -> int | None:
    """The hour (since the epoch) of a timestamp's first 13 characters."""
    if len(prefix) < 13 or not prefix[:1].isdigit():
        return None
    ts = lambda_lines.epoch(prefix.decode("ascii", "replace") + ":00:00" + zone)
    return None if ts is None else int(ts // 3600)


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
