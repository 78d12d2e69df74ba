"""Strict JSON reading, shared by the API, the save form and the `compare` command."""

from __future__ import annotations

import json


class NonFiniteNumber(ValueError):
    """NaN, Infinity or -Infinity in the text: Python's decoder takes them, JSON has no such
    numbers (RFC 8259 §6). ``name`` is the word as written, for callers' own messages."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not a JSON number")
        self.name = name


def _reject_constant(name: str) -> None:
    raise NonFiniteNumber(name)


def strict_json_loads(text: str | bytes) -> object:
    """json.loads, but NaN and ±Infinity raise ValueError (NonFiniteNumber) like any other
    invalid JSON. Callers keep their own size limits and messages; deep nesting raises
    RecursionError."""
    return json.loads(text, parse_constant=_reject_constant)
