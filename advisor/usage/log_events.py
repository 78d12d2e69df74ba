"""``aws logs filter-log-events`` (or ``get-log-events``) output: a JSON document whose
``events`` array holds ``{"logStreamName", "timestamp" (ms since the epoch), "message",
"ingestionTime", "eventId"}`` (AWS CLI reference,
https://docs.aws.amazon.com/cli/latest/reference/logs/filter-log-events.html).

The document is read as a stream: the ``events`` array is found and decoded one event at a
time, so a file of any size takes the memory of one event. Several documents one after another
(pages saved in one file) are all read. Each message is a REPORT in text or JSON
(:mod:`advisor.usage.lambda_lines`).
"""

from __future__ import annotations

import io
import json
import re

from advisor.usage import lambda_lines
from advisor.usage.base import Params, Source, Usage, head_text
from advisor.usage.invocations import Invocations

_EVENTS = re.compile(r'"events"\s*:\s*\[')
_CHUNK = 256 * 1024


class LogEventsReader:
    name = "filter_log_events"
    title = "aws logs filter-log-events JSON"

    def recognises(self, head: bytes) -> bool:
        text = head_text(head).lstrip()
        return text.startswith("{") and _EVENTS.search(text) is not None

    def read(self, source: Source, params: Params) -> Usage:
        inv = Invocations()
        text = io.TextIOWrapper(source.binary(), encoding="utf-8", errors="replace")
        decoder = json.JSONDecoder()
        buf, pos, eof, in_events = "", 0, False, False
        while True:
            if not in_events:
                m = _EVENTS.search(buf, pos)
                if m is None:
                    if eof:
                        break
                    buf, pos = buf[max(pos, len(buf) - 32):], 0  # keep a split key's start
                    chunk = text.read(_CHUNK)
                    eof = not chunk
                    buf += chunk
                    continue
                pos, in_events = m.end(), True
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(buf):
                if eof:
                    break
                chunk = text.read(_CHUNK)
                eof = not chunk
                buf, pos = buf[pos:] + chunk, 0
                continue
            if buf[pos] == "]":
                pos, in_events = pos + 1, False
                continue
            try:
                event, end = decoder.raw_decode(buf, pos)
            except ValueError:
                if eof:
                    inv.lines += 1
                    inv.malformed += 1  # the file ends inside an event
                    break
                chunk = text.read(_CHUNK)
                eof = not chunk
                buf, pos = buf[pos:] + chunk, 0
                continue
            pos = end
            if pos > _CHUNK:
                buf, pos = buf[pos:], 0
            message = event.get("message") if isinstance(event, dict) else None
            if not isinstance(message, str):
                inv.lines += 1
                inv.skipped += 1
                continue
            stamp = event.get("timestamp")
            ts = stamp / 1000 if isinstance(stamp, int | float) else None
            lambda_lines.feed(inv, message, ts)
        return inv.usage(self.name, params, [])
