"""Text that a database can store: refused with a field error before any save, not by the
database driver in the middle of one.

JSON can carry a lone UTF-16 surrogate (``"\\ud800"``): Python keeps it in a ``str``, but it
has no UTF-8 encoding, so PostgreSQL's driver (and SQLite's) raise ``UnicodeEncodeError`` on
the save. PostgreSQL also refuses the NUL character in text. Django's form fields already
refuse NUL (``ProhibitNullCharactersValidator``); this validator covers the surrogates.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_surrogates(value: object) -> None:
    if isinstance(value, str) and (found := SURROGATE.search(value)):
        raise ValidationError(
            _("Contains a character that is not valid text (a lone surrogate, U+%(code)04X, "
              "at position %(position)d)."),
            code="surrogate",
            params={"code": ord(found.group()), "position": found.start() + 1},
        )


def storable(value: str) -> bool:
    """False for text a database refuses: a lone surrogate or NUL."""
    return "\x00" not in value and not SURROGATE.search(value)
