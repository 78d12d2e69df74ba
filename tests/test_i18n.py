"""Korean and English: complete catalogs, the visitor's language, the same numbers in both.

The catalog test extracts every marked string afresh (makemessages into a copy of the
project) and fails on any msgid without a Korean msgstr, on fuzzy entries and on a django.mo
older than its .po. The page tests render Korean pages and fail on English sentences left in
them, which catches strings never marked for translation.
"""

from __future__ import annotations

import csv
import gettext as pygettext
import io
import json
import re
import shutil
import string
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from advisor.pricing.catalogue import SPECS
from advisor.pricing.compare import ASSUMPTIONS
from advisor.pricing.recommend import MESSAGES
from advisor.pricing.rules import RULES, SECTION_TITLES
from advisor.pricing.verdict import HEADLINES, OPERATIONS
from advisor.questionnaire import texts
from advisor.questionnaire.numbers import Volume

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
WORKLOAD = {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
            "front_door": "http_api", "traffic": {"peak_to_average": 3},
            "needs": {"use_case": "pilot", "latency_budget_ms": 300},
            "cold_start_rate": 0.02, "init_duration_ms": 400}
QUERY = {"requests_per_month": "10000000", "duration_ms": "120", "memory_mb": "512",
         "front_door": "http_api", "traffic_peak_to_average": "3", "rate_basis": "month",
         "needs_use_case": "pilot", "needs_latency_budget_ms": "300", "free_tier": "on",
         "cold_start_rate": "0.02", "init_duration_ms": "400"}
KO = {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def _english_afterwards() -> Any:
    """Requests in Korean leave the test thread's language active: reset it, so that later
    tests reading messages outside a request see English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- PO files ---------------------------------------------------------------------------------

def po_entries(path: Path) -> list[dict[str, Any]]:
    """(flags, msgctxt, msgid, msgid_plural, msgstrs) of every entry but the header; obsolete
    (#~) entries are skipped."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    field: tuple[str, int] = ("", 0)

    def unquote(text: str) -> str:
        return json.loads(text) if text.startswith('"') else text

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None and current["id"] is not None:
                entries.append(current)
            current = None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = {"flags": set(), "ctx": None, "id": None, "plural": None, "str": {}}
        if line.startswith("#,"):
            current["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            kind, n = field
            if kind == "str":
                current["str"][n] += unquote(line)
            else:
                current[kind] += unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = ("str", int(match.group(1)))
                current["str"][field[1]] = unquote(value)
            else:
                kind = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural",
                        "msgstr": "str"}[keyword]
                field = (kind, 0)
                if kind == "str":
                    current["str"][0] = unquote(value)
                else:
                    current[kind] = unquote(value)
    return [e for e in entries if e["id"] != ""]


def untranslated(entries: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in entries
            if "fuzzy" in e["flags"] or not e["str"] or not all(e["str"].values())]


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """makemessages run on a copy of the project: the committed translations merged into
    everything the code marks today."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("advisor", "reports", "config", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ko", "-l", "en", "--no-obsolete",
         "--verbosity", "0"],
        cwd=copy, check=True, capture_output=True, timeout=60,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
             "PYTHONPATH": str(copy)},
    )
    return {lang: po_entries(copy / "locale" / lang / "LC_MESSAGES" / "django.po")
            for lang in ("ko", "en")}


def test_every_marked_string_has_a_korean_translation(fresh_extraction: Any) -> None:
    entries = fresh_extraction["ko"]
    assert len(entries) > 600
    missing = untranslated(entries)
    assert not missing, (f"{len(missing)} strings lack a Korean translation (run `make "
                         f"messages`, then translate locale/ko/LC_MESSAGES/django.po): {missing}")


def test_english_catalog_is_complete(fresh_extraction: Any) -> None:
    missing = untranslated(fresh_extraction["en"])
    assert not missing, f"run `make messages`: {missing}"


def test_committed_catalogs_have_no_fuzzy_or_empty_entries() -> None:
    for lang in ("ko", "en"):
        entries = po_entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
        assert not untranslated(entries), lang


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_compiled_catalog_matches_the_po(lang: str, tmp_path: Path) -> None:
    """django.mo is checked in (make run needs no gettext tools): it must hold what the .po
    says, and msgfmt must accept the .po's format strings."""
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext (msgfmt) is not installed: apt-get install gettext")
    folder = LOCALE / lang / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(folder / "django.po")],
                   check=True, capture_output=True, timeout=30)
    with fresh.open("rb") as a, (folder / "django.mo").open("rb") as b:
        compiled, committed = pygettext.GNUTranslations(a), pygettext.GNUTranslations(b)
    assert compiled._catalog == committed._catalog, (  # type: ignore[attr-defined]
        f"locale/{lang}/LC_MESSAGES/django.mo is stale: run `make messages`")


# --- Engine templates ---------------------------------------------------------------------------

def fields(template: str) -> dict[str, str]:
    return {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name}


def sample(spec: str) -> Any:
    return 1234.5 if spec else "x"


@pytest.mark.parametrize("templates", [MESSAGES, ASSUMPTIONS, HEADLINES, OPERATIONS],
                         ids=["reasons", "assumptions", "headlines", "operations"])
def test_engine_templates_translate_with_the_same_placeholders(templates: dict[str, str]) -> None:
    with translation.override("ko"):
        for code, english in templates.items():
            korean = translation.gettext(english)
            assert korean != english and HANGUL.search(korean), code
            assert fields(korean) == fields(english), code
            params = {name: sample(spec) for name, spec in fields(english).items()}
            # Volumes read to three significant figures (numbers.Volume).
            shown = {k: Volume(v) if k in texts.VOLUME_PARAMS and isinstance(v, int | float)
                     else v for k, v in params.items()}
            assert texts.render(templates, code, params) == texts.LocaleFormatter().format(
                korean, **shown)


def test_rules_and_rate_descriptions_are_translated() -> None:
    with translation.override("ko"):
        for rule in RULES:
            assert HANGUL.search(translation.gettext(rule.title) + translation.gettext(rule.text)) \
                or rule.title in ("API Gateway",), rule.key
        for title in SECTION_TITLES.values():
            assert translation.gettext(title) != title or title == "Lambda"
        for spec in SPECS:
            assert HANGUL.search(texts.rate_description(spec)) or spec.key.endswith("on_demand"), \
                spec.key
            for unit in (spec.unit, spec.tier_unit):
                assert unit == "" or unit in texts.RATE_UNITS, unit


def test_numbers_in_reasons_follow_the_locale() -> None:
    template = {"x": "{usd:,.2f} and {n:,.0f}"}
    with translation.override("en"):
        assert texts.render(template, "x", {"usd": 1234.5, "n": 2e6}) == "1,234.50 and 2,000,000"
    with translation.override("de"):  # a locale with other separators
        assert texts.render(template, "x", {"usd": 1234.5, "n": 2e6}) == "1.234,50 and 2.000.000"
    # An unknown code (a report saved by another version) keeps its stored text.
    assert texts.render(template, "gone", {}, "stored") == "stored"


# --- Pages ----------------------------------------------------------------------------------------

def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|datalist|code|option)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(html))


# English that stays English in Korean pages: AWS product and option names, identifiers,
# and data (price-book names, sources).
KEEP = re.compile(
    r"Lambda or EC2\?|API Gateway (?:HTTP|REST|WebSocket) APIs?|Application Load Balancer|"
    r"Network Load Balancer|Savings Plans?|Compute Savings Plans|AWS list prices, \w+ \d+|"
    r"AWS Price List|Dedicated Instances|Dedicated Hosts|Intel/AMD|the seed post.*?\)|"
    r"Lambda Managed Instances|ECS on Fargate|Fargate Spot|"
    r"docs: the comparison contract \(compare-json\.md\)|us-east-1 [a-z ]+|"
    r"(?:[a-z]+\.)+[a-z]+(?: [a-z]+)*|"
    r"\b(?:Lambda|EC2|HTTP API|REST API|ALB|NLB|VPC|true|false|null)\b")


def book_data(book: Any) -> list[str]:
    """What editors typed into the price books (notes and every row's source): the
    methodology page lists every region's book."""
    from advisor.pricebook.models import PriceBook

    books = list(PriceBook.objects.filter(status="published")) or [book]
    rows = [r for b in books for r in [*b.rates.all(), *b.instance_types.all()]]
    return sorted({b.notes for b in books} | {r.source for r in rows}, key=len, reverse=True)


def english_sentences(html: str, data: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Runs of three or more English words left in a page's text, leaving out ``data``."""
    text = visible_text(html)
    for item in data:
        text = text.replace(re.sub(r"\s+", " ", item.replace("https://", "")), " ").replace(
            re.sub(r"\s+", " ", item), " ")
    text = KEEP.sub(" ", text)
    return re.findall(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}", text)


def total(html: str, side: str) -> str:
    match = re.search(rf'<dd data-total="{side}">(.*?)</dd>', html)
    assert match, side
    return match.group(1)


def dollars(text: str) -> list[str]:
    return sorted(re.findall(r"\$[\d,]+\.\d\d", text))


def reasons(html: str) -> str:
    match = re.search(r'<ul class="reasons">(.*?)</ul>', html, re.S)
    assert match
    return visible_text(match.group(1))


def test_accept_language_picks_korean_and_the_cookie_overrides_it(client: Client,
                                                                  price_book: Any) -> None:
    html = client.get("/", **KO).content.decode()
    assert '<html lang="ko">' in html
    assert "월 요청 수" in html and "비교" in html
    assert 'aria-pressed="true" class="is-current">한국어' in html
    assert '<html lang="en">' in client.get("/").content.decode()  # no header: English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/", **KO).content.decode()
    assert '<html lang="en">' in html and "Requests a month" in html


def test_switcher_keeps_the_choice_in_a_cookie(client: Client, price_book: Any) -> None:
    page = client.get("/?requests_per_month=5000")
    assert 'action="/i18n/setlang/"' in page.content.decode()
    response = client.post("/i18n/setlang/",
                           {"language": "ko", "next": "/?requests_per_month=5000"})
    assert response.status_code == 302 and response["Location"] == "/?requests_per_month=5000"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert '<html lang="ko">' in client.get("/").content.decode()


def test_korean_results_have_the_same_numbers(client: Client, price_book: Any) -> None:
    en = client.get("/", QUERY).content.decode()
    ko = client.get("/", QUERY, **KO).content.decode()
    for side in ("lambda", "ec2"):
        assert total(ko, side) == total(en, side)
    assert re.search(r"\$[\d,]+\.\d\d", total(ko, "lambda"))
    # Reasons re-rendered from their codes: Korean words, the same dollar figures.
    assert HANGUL.search(reasons(ko)) and not HANGUL.search(reasons(en))
    assert dollars(reasons(ko)) == dollars(reasons(en))
    assert "콜드 스타트" in reasons(ko)
    # Charts: axis titles and hover text come from the server in the page's language.
    cost = json.loads(re.search(r'<script id="chart-cost-data"[^>]*>(.*?)</script>', ko,
                                re.S).group(1))
    assert cost["layout"]["xaxis"]["title"]["text"] == "월 요청 수 (로그 스케일)"
    line = next(t for t in cost["data"] if "hovertemplate" in t)  # after the range bands
    assert "월 요청" in line["hovertemplate"]
    assert "트래픽에 따른 월 비용" in ko and "한 달은 730시간입니다." in ko


@pytest.mark.parametrize("path", ["/", "/methodology/", "/no-such-page/"])
def test_korean_pages_have_no_english_sentences(client: Client, price_book: Any,
                                                path: str) -> None:
    query = QUERY if path == "/" else {}
    html = client.get(path, query, **KO).content.decode()
    assert '<html lang="ko">' in html
    assert english_sentences(html, book_data(price_book)) == []


def test_engine_errors_beside_fields_are_korean(client: Client, price_book: Any) -> None:
    query = {**QUERY, "ec2_instance_type": "z9.huge"}
    html = client.get("/", query, **KO).content.decode()
    message = re.search(r'<p class="field-error" id="err-ec2_instance_type">(.*?)</p>',
                        html).group(1)
    assert "가격표에 있는 인스턴스 유형" in unescape(message) and "z9.huge" in message
    query = {**QUERY, "provisioned_share_of_requests": "0.5"}
    html = client.get("/", query, **KO).content.decode()
    assert "프로비저닝된 동시성이 없으면 0이어야 합니다." in html


def save(client: Client) -> str:
    response = client.post("/api/v1/reports", json.dumps(WORKLOAD),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["code"]


def test_saved_report_renders_in_the_viewers_language(client: Client, price_book: Any) -> None:
    code = save(client)
    en = client.get(f"/r/{code}/").content.decode()
    ko = client.get(f"/r/{code}/", **KO).content.decode()
    assert '<html lang="ko">' in ko and "저장된 비교" in ko
    for side in ("lambda", "ec2"):
        assert total(ko, side) == total(en, side)
    assert dollars(reasons(ko)) == dollars(reasons(en)) and HANGUL.search(reasons(ko))
    assert "한 달은 730시간입니다." in ko and "A month is 730 hours." in en
    assert english_sentences(ko) == []


def test_csv_headers_follow_the_request_language(client: Client, price_book: Any) -> None:
    code = save(client)
    en = list(csv.reader(io.StringIO(client.get(f"/r/{code}.csv").content.decode())))
    ko = list(csv.reader(io.StringIO(client.get(f"/r/{code}.csv", **KO).content.decode())))
    assert en[0] == ["section", "name", "value", "unit"]
    assert ko[0] == ["구분", "이름", "값", "단위"]
    # Sections, names and numbers stay the same; only the unit words change.
    assert [row[:3] for row in ko[1:]] == [row[:3] for row in en[1:]]
    lambda_total = next(row for row in ko if row[:2] == ["total", "lambda"])
    assert lambda_total[3] == "USD/월" and re.fullmatch(r"\d+\.\d\d", lambda_total[2])
