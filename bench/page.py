"""Benchmark the questionnaire: the results partial's server time and the first load's weight.

Run from the repository root: ``.venv/bin/python bench/page.py``. It builds a throwaway SQLite
database with the seeded price book, then

- times the htmx request a field change sends (whitenoise's DEBUG-only file checks left out) (GET / with ``HX-Request`` and
  ``HX-Target: results``, gzip accepted as a browser does) in-process through Django's test
  client, for each preset and the
  start values: *uncached* (snapshot cache cleared before every request, so the engine runs)
  and *cached* (the same inputs again). Goal: median <= 30 ms uncached, <= 10 ms for the
  start values (the default workload); CPU time is given beside the wall clock;
- times the two charts the partial leaves as frames (the cost curve and the map, asked for
  when they come into view), uncached and cached;
- sums the bytes of the first page load: the HTML of ``/`` plus every stylesheet, script and
  icon it references, uncompressed and gzip-compressed (level 6, as whitenoise precompresses
  static files; the HTML counted gzipped too, as a proxy would serve it). Goals: <= 1.5 MB
  uncompressed, <= 500 KB compressed.
"""

from __future__ import annotations

import gzip
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_fd, _db_path = tempfile.mkstemp(suffix=".sqlite3")
os.close(_fd)
os.environ["DATABASE_URL"] = f"sqlite:///{_db_path}"
os.environ.pop("REDIS_URL", None)  # in-process cache only: time the page, not the network
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from advisor.questionnaire.forms import STARTING_VALUES, form_data  # noqa: E402
from advisor.questionnaire.presets import PRESETS  # noqa: E402

RUNS = 40
# As a browser asks: htmx's headers, and gzip accepted (the kept HTML is sent deflated).
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


# CPU time of this thread per request, beside the wall-clock time: on a machine shared with
# other work the wall clock also counts the time the scheduler gave to others.
CPU: dict[str, float] = {}


def timed(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None,
          cpu_key: str | None = None) -> list[float]:
    fn()  # warm imports, template loading, profiles
    samples, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    if cpu_key:
        CPU[cpu_key] = statistics.median(cpu)
    return samples


def forget() -> None:
    """Empty the shared cache and the pages each process keeps in front of it (what a price
    sheet keeps, such as each fleet's frontier of types, stays: it is per price book)."""
    from advisor.plumbing.cache import reset

    cache.clear()
    reset()


def partial_times(client: Client) -> dict[str, tuple[float, float, float]]:
    cases = {"start values": STARTING_VALUES} | {p.key: p.values for p in PRESETS} | {
        # Three inputs given as ranges (the low/high boxes): the uncertainty grid runs.
        "start, 3 ranges": {**STARTING_VALUES, "requests_per_month_low": 2_000_000,
                            "requests_per_month_high": 50_000_000, "duration_ms_low": 60,
                            "duration_ms_high": 400, "memory_mb_low": 256,
                            "memory_mb_high": 1024}}
    for values in cases.values():  # warm every path (profiles, templates) before timing any
        for _ in range(3):
            client.get("/?" + urlencode(form_data(values)), **HTMX)
    out = {}
    for name, values in cases.items():
        url = "/?" + urlencode(form_data(values))

        def get(url: str = url) -> None:
            response = client.get(url, **HTMX)
            body = gzip.decompress(response.content)
            assert response.status_code == 200 and b"is cheaper" in body or \
                b"cost the same" in body, body[:300]

        cold = timed(get, RUNS, before=forget, cpu_key=name)
        warm = timed(get, RUNS, cpu_key=name + " cached")
        out[name] = (statistics.median(cold), max(cold), statistics.median(warm))
    return out


def chart_times(client: Client) -> dict[str, tuple[float, float]]:
    """The start values' two charts that follow the partial once they come into view (the
    cost curve with its bands, the cheaper-side map): uncached and cached medians, ms."""
    q = urlencode(form_data(STARTING_VALUES))
    out = {}
    for name in ("cost", "map"):
        url = f"/chart/{name}/?{q}"
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"{name}-chart",
                   "HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}

        def get(url: str = url, headers: dict[str, str] = headers) -> None:
            assert client.get(url, **headers).status_code == 200

        # Uncached: the answer is kept (the partial before it priced it), the series not.
        def forget_series() -> None:
            forget()
            client.get("/?" + q, **HTMX)

        cold = timed(get, RUNS, before=forget_series, cpu_key="chart " + name)
        warm = timed(get, RUNS)
        out[name] = (statistics.median(cold), statistics.median(warm))
    return out


def first_load(client: Client) -> list[tuple[str, int, int]]:
    html = client.get("/").content
    rows = [("/ (HTML)", len(html), len(gzip.compress(html, 6)))]
    # data-plotly: the chart library app.js fetches once the answer is painted (counted too).
    for ref in re.findall(rb'(?:href|src|data-plotly)="(/static/[^"]+)"', html):
        path = finders.find(ref.decode().removeprefix("/static/"))
        data = Path(path).read_bytes()
        rows.append((ref.decode(), len(data), len(gzip.compress(data, 6))))
    return rows


def over_the_wire(client: Client) -> dict[str, tuple[int, int, int]]:
    """(uncompressed, sent, goal) bytes of the start page, a partial and a report page."""
    import json

    gz = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    saved = client.post("/api/v1/reports", json.dumps(
        {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
         "front_door": "http_api", "traffic": {"peak_to_average": 3}}),
        content_type="application/json")
    pages = {"start page /": ("/", {}, 60_000),
             "results partial (start values)": (
                 "/?" + urlencode(form_data(STARTING_VALUES)), HTMX, 30_000),
             "report page /r/<code>/": (f"/r/{saved.json()['code']}/", {}, 40_000)}
    out = {}
    for name, (url, headers, goal) in pages.items():
        sent = client.get(url, **(headers | gz))
        assert sent["Content-Encoding"] == "gzip"
        out[name] = (len(gzip.decompress(sent.content)), len(sent.content), goal)
    return out


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_prices", stdout=io.StringIO())
    # In DEBUG (the default here) whitenoise looks for a changed static file on every
    # request (autorefresh), tens of ms that production, with debug off, never spends: leave
    # it out of the partial's timing.
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if "whitenoise" not in m]):
        report()


def report() -> None:
    client = Client()
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")
    print(f"\nresults partial (htmx GET /, HX-Target: results), {RUNS} runs each, ms")
    print(f"{'inputs':<20} {'uncached median':>16} {'uncached max':>13} {'cached median':>14} "
          f"{'uncached CPU':>13} {'cached CPU':>11}")
    times = partial_times(client)
    for name, (med, worst, warm) in times.items():
        print(f"{name:<20} {med:>16.1f} {worst:>13.1f} {warm:>14.1f} {CPU[name]:>13.1f} "
              f"{CPU[name + ' cached']:>11.1f}")
    overall = statistics.median(t[0] for t in times.values())
    print(f"median of the uncached medians: {overall:.1f} ms (goal <= 30 ms); the start values "
          f"(the default workload) {times['start values'][0]:.1f} ms, CPU "
          f"{CPU['start values']:.1f} ms (goal <= 10 ms)")
    # The machine is shared: a baseline from the same run (the health check, one query)
    # lets figures from different runs be compared as ratios.
    from advisor import services
    from advisor.pricing.compare import compare
    from advisor.pricing.workload import parse_workload

    sheet = services._book("us-east-1", None)[1]
    start = parse_workload({"requests_per_month": 10_000_000, "duration_ms": 120,
                            "memory_mb": 512, "front_door": "http_api",
                            "traffic": {"peak_to_average": 3}})
    base = statistics.median(timed(lambda: compare(start, sheet, with_uncertainty=False), RUNS,
                                   cpu_key="baseline"))
    print(f"baseline: the start values' compare() without uncertainty, median {base:.2f} ms; "
          "uncached medians as a ratio to it: "
          + ", ".join(f"{name} {t[0] / base:.1f}x" for name, t in times.items()))

    print(f"  in CPU time: baseline {CPU['baseline']:.2f} ms, start values' partial "
          f"{CPU['start values']:.1f} ms ({CPU['start values'] / CPU['baseline']:.1f}x)")

    print("\nthe start values' charts, asked for when they come into view (GET /chart/<name>/), ms")
    for name, (cold, warm) in chart_times(client).items():
        print(f"  {name:<5} uncached {cold:6.1f} (CPU {CPU['chart ' + name]:.1f}, "
              f"{cold / base:.1f}x the baseline), cached {warm:5.1f}")

    wire = over_the_wire(client)
    print("\nover the wire (gzip through the middleware, Accept-Encoding: gzip), bytes")
    for name, (raw, sent, goal) in wire.items():
        print(f"{name:<45} {raw:>10,} {sent:>10,}  goal <= {goal:,}")

    rows = first_load(client)
    print("\nfirst page load, bytes")
    for name, raw, gz in rows:
        print(f"{name:<45} {raw:>10,} {gz:>10,}")
    raw, gz = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'total':<45} {raw:>10,} {gz:>10,}")
    print(f"uncompressed {raw / 1e6:.2f} MB (goal <= 1.5 MB), gzip {gz / 1e3:.0f} KB (goal <= 500 KB)")


if __name__ == "__main__":
    try:
        main()
    finally:
        os.unlink(_db_path)
