"""Kept pages sent gzip-compressed without compressing them again for every visitor.

A kept page (a report, a results partial) differs between visitors only in the CSRF token.
It is deflated once, in pieces around the token's placeholder, each piece ending on a byte
boundary with its own empty history (``Z_FULL_FLUSH`` of its own compressor); a response
joins the pieces with the visitor's token, deflated the same way, into one gzip member
(RFC 1951 blocks may follow each other so; RFC 1952 for the member). Compressing 90 KB cost
1.5 to 4 ms a request; joining costs a CRC over the page.

BREACH: the token is compressed on its own, so its compressed size cannot depend on anything
else in the page (inputs the visitor's address holds are echoed into a partial); it is masked
afresh for every response as well, and the gzip header carries up to 100 random bytes of file
name, as Django's GZipMiddleware adds them ("Heal the BREACH").
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

LEVEL = 6  # GZipMiddleware's level
# A results partial is deflated once per keystroke's inputs, in the keystroke's time: level 1
# takes half of level 6's time for about 14 % more bytes (8.7 KB instead of 7.7 KB).
FAST = 1


def _deflate(data: bytes, level: int = LEVEL) -> bytes:
    """Raw deflate blocks of ``data`` on their own, not final, ending on a byte boundary."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


_LAST_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


@dataclass(frozen=True)
class KeptPage:
    """A page cut where the visitor's CSRF token goes, each piece also already deflated."""

    pieces: tuple[bytes, ...]  # the page's UTF-8 between placeholders
    deflated: tuple[bytes, ...]

    @classmethod
    def of(cls, html: str, placeholder: str, level: int = LEVEL) -> KeptPage:
        pieces = tuple(p.encode() for p in html.split(placeholder))
        return cls(pieces, tuple(_deflate(p, level) for p in pieces))

    def gzip(self, token: str) -> bytes:
        """One gzip member of the page with ``token`` in each placeholder."""
        secret = token.encode()
        hidden = _deflate(secret)
        name = os.urandom(1 + os.urandom(1)[0] % GZipMiddleware.max_random_bytes)
        header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name.replace(b"\x00", b"\x01") \
            + b"\x00"
        body, crc, size = [header], 0, 0
        for i, (piece, deflated) in enumerate(zip(self.pieces, self.deflated, strict=True)):
            if i:
                body.append(hidden)
                crc = zlib.crc32(secret, crc)
                size += len(secret)
            body.append(deflated)
            crc = zlib.crc32(piece, crc)
            size += len(piece)
        body.append(_LAST_BLOCK)
        body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(body)

    def response(self, request: HttpRequest, token: str) -> HttpResponse:
        """The page for this visitor, compressed when the browser takes gzip."""
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(token.encode().join(self.pieces))
        else:
            response = HttpResponse(self.gzip(token))
            response["Content-Encoding"] = "gzip"
        # GZipMiddleware leaves a response that has a Content-Encoding alone.
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
