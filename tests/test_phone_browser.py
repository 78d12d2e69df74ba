"""The questionnaire on a phone: the answer on the first screen, nothing wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.questionnaire.presets import PRESETS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHART_SVG = "#results [data-chart] .main-svg"

# Elements that reach past the right edge of the viewport; those inside a box that scrolls
# or clips sideways (a wide table in its own scroller) do not widen the page.
TOO_WIDE = """() => {
  const vw = document.documentElement.clientWidth;
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.right > vw + 0.5 && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
               ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, vw, out: out.slice(0, 10)};
}"""

# The verdict a reader sees without scrolling: the pinned summary, or, when the verdict
# card's own totals are fully in view (the summary then steps aside), the card's headline
# and totals.
VISIBLE_VERDICT = """() => {
  const vh = window.innerHeight;
  const inView = el => { if (!el) return false; const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= vh && getComputedStyle(el).display !== 'none'; };
  const summary = document.getElementById('summary');
  if (inView(summary)) return summary.innerText;
  const head = document.querySelector('#results .verdict-headline');
  const totals = document.querySelector('#results .verdict .totals');
  const saving = document.querySelector('#results .verdict-saving');
  if (inView(head) && inView(totals)) return head.innerText + ' ' + (saving ? saving.innerText : '') + ' ' + totals.innerText;
  return '';
}"""


def phone_page(browser: Any, width: int = 390, height: int = 844, lang: str = "en") -> Any:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  extra_http_headers={"Accept-Language": lang},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def expected_verdict(page: Any) -> dict[str, str]:
    return page.evaluate("""() => ({
      lambda: document.querySelector('.verdict [data-total=lambda]').innerText,
      ec2: document.querySelector('.verdict [data-total=ec2]').innerText,
      cheaper: (document.querySelector('.verdict-headline strong') || {}).innerText || '',
      saving: (document.querySelector('.verdict-saving strong') || {}).innerText || '',
    })""")


@pytest.mark.parametrize("preset", [p.key for p in PRESETS])
def test_a_picked_preset_shows_its_verdict_on_the_first_screen(
        live_server: Any, browser: Any, price_book: Any, preset: str) -> None:
    page = phone_page(browser)
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector(CHART_SVG)
        page.click(f"a[data-preset={preset}]")
        page.wait_for_selector(f'a[data-preset={preset}][aria-current="true"]')
        page.wait_for_selector(CHART_SVG)
        # The swap, the scroll to the answer and the summary's refresh take a moment on a busy
        # machine: read both again until they settle (at most about 5 s).
        for _ in range(20):
            page.wait_for_timeout(250)
            want = expected_verdict(page)
            seen = page.evaluate(VISIBLE_VERDICT)
            parts = (want["lambda"], want["ec2"], want["cheaper"],
                     want["saving"].replace(" a month", ""))
            if seen and all(part in seen for part in parts):
                break
        assert seen, "no verdict within the first 844 px"
        for part in parts:
            assert part in seen, (part, seen)
        assert page.errors == []
    finally:
        page.context.close()


def test_typing_keeps_the_verdict_on_screen(live_server: Any, browser: Any,
                                            price_book: Any) -> None:
    page = phone_page(browser)
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector(CHART_SVG)
        before = page.locator("#summary").inner_text()
        page.fill("#id_requests_per_month", "90000000")
        page.wait_for_function("b => document.querySelector('#summary').innerText !== b",
                               arg=before)
        # The field being typed in stays where it was; the answer is pinned below it.
        assert page.evaluate("document.activeElement.id") == "id_requests_per_month"
        seen = page.evaluate(VISIBLE_VERDICT)
        assert expected_verdict(page)["ec2"] in seen
        # Tapping the summary goes to the answer (its headline, at the top of the results).
        page.click("#summary")
        page.wait_for_function(
            "() => Math.abs(document.getElementById('answer').getBoundingClientRect().top) < 20")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nothing_is_wider_than_a_360_px_screen(live_server: Any, browser: Any, price_book: Any,
                                               lang: str) -> None:
    page = phone_page(browser, width=360, height=780, lang=lang)
    try:
        # The steady REST API preset has the longest labels and the largest amounts.
        query = next(p for p in PRESETS if p.key == "steady_rest_api")
        page.goto(live_server.url + "/")
        page.wait_for_selector(CHART_SVG)
        page.click(f"a[data-preset={query.key}]")
        page.wait_for_selector(f'a[data-preset={query.key}][aria-current="true"]')
        page.wait_for_selector(CHART_SVG)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(200)
        found = page.evaluate(TOO_WIDE)
        assert found["scrollWidth"] <= 360, found
        assert found["out"] == [], found
        # The language button keeps its word on one line.
        button = page.locator('#lang-switch button[value="ko"]').bounding_box()
        assert button and button["height"] < 40
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_report_is_no_wider_than_a_360_px_screen(live_server: Any, browser: Any,
                                                   price_book: Any, lang: str) -> None:
    from advisor import services
    from reports import saving

    snapshot = services.snapshot({"requests_per_month": 1_314_000_000, "duration_ms": 50,
                                  "memory_mb": 512, "front_door": "alb"})
    report = saving.create(snapshot, "Steady REST API", "")
    page = phone_page(browser, width=360, height=780, lang=lang)
    try:
        page.goto(live_server.url + report.get_absolute_url())
        page.wait_for_selector("[data-chart] .main-svg")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = page.evaluate(TOO_WIDE)
        assert found["scrollWidth"] <= 360 and found["out"] == [], found
    finally:
        page.context.close()
