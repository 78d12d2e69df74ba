"""Translatable engine texts: the marker every pricing module uses (no Django here)."""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it here (xgettext keyword)."""
    return message
