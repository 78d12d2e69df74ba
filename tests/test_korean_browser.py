"""The Korean pages as a Korean reader sees them: a CJK font, and no word split across lines."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHART_SVG = "#results [data-chart] .main-svg"

# Every line break inside a run of letters or digits ("저 / 렴합니다", "EC2 / 냐?"). Korean
# breaks lines between words (at spaces) with `word-break: keep-all`; only a single token
# longer than a line (a URL, an identifier) may break inside, so those are left out.
SPLIT_WORDS = r"""() => {
  const word = /[\p{L}\p{N}]/u;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode(node) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.matches('svg, script, style, template, .visually-hidden')) return NodeFilter.FILTER_REJECT;
        return node.tagName === 'BR' ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
      const el = node.parentElement;
      if (!el || !node.textContent.trim() || el.getClientRects().length === 0) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    }});
  const range = document.createRange();
  let prev = null;  // {ch, top, bottom, block, node, index}
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.ELEMENT_NODE) { prev = null; continue; }  // <br>: a forced break
    const text = node.textContent;
    // The box whose lines hold this text: the nearest ancestor that is not inline.
    let block = node.parentElement;
    while (block.parentElement && getComputedStyle(block).display === 'inline') block = block.parentElement;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (!rects.length) { prev = null; continue; }
      const r = rects[0];
      if (r.width === 0 && /\s/.test(ch)) { prev = {ch, top: r.top, bottom: r.bottom, block}; continue; }
      if (prev && prev.block === block && word.test(ch) && word.test(prev.ch) &&
          r.top >= prev.bottom - 1) {
        // The token holding the break, within this text node.
        let a = i, b = i;
        while (a > 0 && !/\s/.test(text[a - 1])) a--;
        while (b < text.length && !/\s/.test(text[b])) b++;
        const token = text.slice(a, b);
        if (token.length <= 24) out.push(prev.ch + '|' + ch + ' in "' + token + '" (' + text.trim().slice(0, 60) + ')');
      }
      prev = {ch, top: r.top, bottom: r.bottom, block};
    }
  }
  return out;
}"""


def korean_font() -> bool:
    try:
        found = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return False
    return bool(found.stdout.strip())


@pytest.fixture
def ko_page(browser: Any) -> Any:
    if not korean_font():
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail("a Korean font is required here (.ci/run installs fonts-noto-cjk)")
        pytest.skip("no Korean font (install fonts-noto-cjk): the Korean pages cannot be seen")
    contexts = []

    def make(width: int, height: int) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      extra_http_headers={"Accept-Language": "ko-KR,ko"})
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (360, 780), (1366, 900)])
def test_korean_page_breaks_lines_between_words(live_server: Any, ko_page: Any, price_book: Any,
                                                tmp_path: Path, width: int, height: int) -> None:
    page = ko_page(width, height)
    page.goto(live_server.url + "/?requests_per_month=10000000&duration_ms=120&memory_mb=512"
              "&front_door=http_api&traffic_peak_to_average=3&needs_use_case=pilot")
    page.wait_for_selector(CHART_SVG)
    assert page.locator("html").get_attribute("lang") == "ko"
    # Every section and chart table open: their words count too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(100)
    shot = tmp_path / f"ko-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    # The Korean text is drawn with a Korean font, not as empty boxes: 한 is as wide as a
    # Hangul glyph and clearly wider than a missing-glyph box would be at this size.
    assert page.evaluate("""() => { const s = document.createElement('span');
        s.textContent = '한국어'; s.style.fontSize = '20px'; document.body.append(s);
        const w = s.getBoundingClientRect().width; s.remove(); return w; }""") > 40
    assert page.evaluate(SPLIT_WORDS) == []
    assert page.errors == []


def test_korean_report_and_methodology_break_lines_between_words(
        live_server: Any, ko_page: Any, price_book: Any) -> None:
    from advisor import services
    from reports import saving

    snapshot = services.snapshot({"requests_per_month": 3_000_000, "duration_ms": 120,
                                  "memory_mb": 1536, "front_door": "http_api"})
    report = saving.create(snapshot, "서울 리전 파일럿 API", "")
    page = ko_page(390, 844)
    for path in (report.get_absolute_url(), "/methodology/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(SPLIT_WORDS) == [], path
