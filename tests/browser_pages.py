"""Opening the site in Chromium as a person would: on a laptop or a phone, in a language, with
the page's console errors recorded in ``page.errors``. Shared by the browser tests that look
at the page at both sizes (a module of its own: ``tests/engine`` has a conftest of the same
name, so this cannot live in ``conftest``)."""

from __future__ import annotations

from typing import Any

# The two screens every page is looked at on: a laptop and a phone.
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


def open_at(browser: Any, size: str, lang: str, init_script: str = "") -> Any:
    """A new page of its own context at ``size`` ("laptop" or "phone") asking for ``lang``;
    ``init_script`` runs before each document's own scripts."""
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height},
                                  extra_http_headers={"Accept-Language": lang},
                                  has_touch=phone, is_mobile=phone)
    if init_script:
        context.add_init_script(init_script)
    return record_errors(context.new_page())


def record_errors(page: Any) -> Any:
    """``page`` with ``page.errors``: the console errors and uncaught exceptions it has had."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page
