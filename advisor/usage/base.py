"""What every usage reader shares: the parameters, the errors, the input stream and the protocol.

A reader gets a :class:`Source` (the file, already un-gzipped, read at most once from the
start) and :class:`Params`, and returns a :class:`Usage`: plain numbers, no Django. The file is
only ever streamed: nothing here keeps more than one line (or one Parquet row group) at a time,
and nothing is written anywhere.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

# How much of the (decompressed) file the recognisers look at.
HEAD_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Params:
    """What the caller may add to the file: the span in hours (for lines without timestamps),
    the Lambda memory (for cost files), the region, the free tier, and a format to force."""

    hours: float | None = None
    memory_mb: int | None = None
    region: str | None = None
    free_tier: bool | None = None
    format: str | None = None


class UsageError(ValueError):
    """The file cannot be used. ``kind`` is "unrecognised", "unusable" or "parameter";
    ``field`` names the input at fault ("file" or a parameter)."""

    def __init__(self, kind: str, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field
        self.message = message


class TooLarge(UsageError):
    def __init__(self, limit: int) -> None:
        super().__init__("too_large", f"the file is over {limit:,} bytes once decompressed",
                         "file")
        self.limit = limit


@dataclass
class Usage:
    """What a reader found. ``workload`` is a contract workload (or None when the file holds no
    request volume), ``measured`` the plain numbers read, ``bill`` the cost file's lines."""

    format: str
    workload: dict[str, Any] | None
    measured: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    bill: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "workload": self.workload,
                               "measured": self.measured}
        if self.bill is not None:
            out["bill"] = self.bill
        out["warnings"] = self.warnings
        out["suggestions"] = self.suggestions
        return out


class Reader(Protocol):
    """One file format. ``recognises`` looks at the first HEAD_BYTES of the decompressed file."""

    name: str
    title: str

    def recognises(self, head: bytes) -> bool: ...

    def read(self, source: Source, params: Params) -> Usage: ...


class _Limited(io.RawIOBase):
    """A stream that stops with TooLarge once more than ``limit`` bytes came out of it (so a
    gzip bomb is cut at the limit, not after it has filled the memory)."""

    def __init__(self, raw: IO[bytes], limit: int | None) -> None:
        self.raw = raw
        self.limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        self.count += n
        if self.limit is not None and self.count > self.limit:
            raise TooLarge(self.limit)
        buffer[:n] = data
        return n


class _Chain(io.RawIOBase):
    """The head already read, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class Source:
    """A file to read once: gzip undone (by its magic bytes, or when ``gzipped``), at most
    ``limit`` bytes after decompression, its head kept for the recognisers."""

    def __init__(self, raw: IO[bytes], *, limit: int | None = None, gzipped: bool = False) -> None:
        self._raw = raw
        first = raw.read(2)
        stream: IO[bytes] = _Chain(first, raw)  # type: ignore[assignment]
        self.compressed = gzipped or first == GZIP_MAGIC
        if self.compressed:
            stream = gzip.GzipFile(fileobj=io.BufferedReader(stream))  # type: ignore[arg-type]
        self._stream: IO[bytes] = io.BufferedReader(_Limited(stream, limit), 256 * 1024)  # type: ignore[arg-type]
        try:
            self.head = self._stream.read(HEAD_BYTES)
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise UsageError("unrecognised", f"the file is not valid gzip: {exc}") from None
        self.limit = limit
        self._used = False
        self._seekable: IO[bytes] | None = None

    def binary(self) -> IO[bytes]:
        """The whole decompressed file as one binary stream, from its first byte."""
        if self._used:
            raise RuntimeError("a Source is read once")
        self._used = True
        if not self.compressed and self._raw.seekable():
            # A plain file or an in-memory body: read it directly from its start (no layers to
            # copy through; the decompression limit has nothing to limit).
            self._raw.seek(0)
            return self._raw
        return io.BufferedReader(_Chain(self.head, self._stream), 256 * 1024)  # type: ignore[arg-type]

    def seekable_file(self) -> IO[bytes]:
        """A seekable copy for formats that read from the end (Parquet): the raw file itself
        when it is seekable and not compressed, else the bytes in memory (bounded by limit)."""
        if self._seekable is None:
            if not self.compressed and self._raw.seekable():
                self._used = True
                self._seekable = self._raw
            else:
                self._seekable = io.BytesIO(self.binary().read())
        self._seekable.seek(0)
        return self._seekable

    def lines(self) -> Iterator[str]:
        """The file's lines as text (UTF-8; undecodable bytes replaced, never fatal)."""
        text = io.TextIOWrapper(self.binary(), encoding="utf-8", errors="replace", newline="")
        try:
            yield from text
        except (OSError, EOFError) as exc:
            if isinstance(exc, UsageError):
                raise
            raise UsageError("unusable", f"the file ends early or its gzip is damaged: {exc}") from None


def head_text(head: bytes) -> str:
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")
