"""Measured usage read from the files AWS already gives: Lambda's REPORT log lines (text,
JSON, ``filter-log-events``), CloudWatch metrics, and cost files (CUR 2.0, legacy CUR,
FOCUS 1.2). One module per format, each a :class:`~advisor.usage.base.Reader`.

Pure: no Django, nothing written anywhere. ``read_usage(stream, params)`` returns the plain
result (``format``, ``workload``, ``measured``, ``bill`` for cost files, ``warnings``,
``suggestions``); pricing the bill with the price book is the Django side's
(``advisor.usage_pricing``).
"""

from __future__ import annotations

import zlib
from typing import IO, Any

from advisor.usage.base import (
    PARQUET_MAGIC,
    Params,
    Reader,
    Source,
    TooLarge,
    UsageError,
)
from advisor.usage.cost import parquet_columns
from advisor.usage.cur2 import Cur2Reader
from advisor.usage.cur_legacy import CurLegacyReader
from advisor.usage.focus import FocusReader
from advisor.usage.lambda_json import LambdaJsonReader
from advisor.usage.lambda_text import LambdaTextReader
from advisor.usage.log_events import LogEventsReader
from advisor.usage.metrics import MetricsReader

__all__ = ["FORMATS", "Params", "TooLarge", "UsageError", "read_usage", "formats_text"]

# In the order they are tried: the JSON documents first (their heads also hold REPORT text),
# then the cost files' headers, then log lines.
READERS: tuple[Reader, ...] = (
    MetricsReader(), LogEventsReader(), Cur2Reader(), CurLegacyReader(), FocusReader(),
    LambdaTextReader(), LambdaJsonReader(),
)
FORMATS: dict[str, Reader] = {r.name: r for r in READERS}


def formats_text() -> str:
    return "; ".join(f"{r.title} ({r.name})" for r in READERS)


def recognise(source: Source, forced: str | None = None) -> Reader:
    if forced:
        if forced not in FORMATS:
            raise UsageError("parameter", "format must be one of " + ", ".join(FORMATS)
                             + f" (got {forced[:40]!r})", "format")
        return FORMATS[forced]
    if not source.head.strip():
        raise UsageError("unrecognised", "the file is empty; formats read: " + formats_text())
    if source.head.startswith(PARQUET_MAGIC):
        names = set(parquet_columns(source))
        for reader in (Cur2Reader(), CurLegacyReader(), FocusReader()):
            if reader.marker in names:
                return FORMATS[reader.name]
        raise UsageError("unrecognised", "this Parquet file is not a CUR 2.0, legacy CUR or "
                         "FOCUS export; formats read: " + formats_text())
    for reader in READERS:
        if reader.recognises(source.head):
            return reader
    # The file's own text is never quoted back: it may hold request IDs, ARNs or account IDs.
    raise UsageError("unrecognised", "the file's format is not recognised; formats read: "
                     + formats_text())


def read_usage(stream: IO[bytes], params: Params | None = None, *, limit: int | None = None,
               gzipped: bool = False) -> dict[str, Any]:
    """Read one file (binary stream, gzip or not) and return the plain result."""
    params = params or Params()
    if params.hours is not None and not 0 < params.hours <= 24 * 366 * 5:
        raise UsageError("parameter", "hours must be a number greater than 0 and at most "
                         "43920 (five years)", "hours")
    if params.memory_mb is not None and not 128 <= params.memory_mb <= 10240:
        raise UsageError("parameter", "memory_mb must be an integer between 128 and 10240",
                         "memory_mb")
    source = Source(stream, limit=limit, gzipped=gzipped)
    reader = recognise(source, params.format)
    try:
        return reader.read(source, params).to_dict()
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise UsageError("unusable", f"the file ends early or its gzip is damaged: {exc}") from None
