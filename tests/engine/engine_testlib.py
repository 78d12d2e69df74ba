"""Engine test helpers: the us-east-1 test sheet from the reference's values, variants, cents,
and any region's sheet from the seed fixture.

A uniquely named module (not conftest) so tests can import it without clashing with other
test directories' modules. Django-free, so bench/engine.py imports it too (it puts this
directory on sys.path): the benchmarks and the tests price the same seeded sheet.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from advisor.pricing.catalogue import architecture_of
from advisor.pricing.sheet import BookInfo, InstanceType, PriceSheet, sheet_from_rows

SEED_DIR = Path(__file__).resolve().parents[2] / "fixtures"

Row = tuple[str, float | None, float]

US_EAST_1_RATES: tuple[Row, ...] = (
    ("lambda.x86_64.requests", None, 0.20),
    ("lambda.x86_64.duration", 6e9, 0.0000166667),
    ("lambda.x86_64.duration", 1.5e10, 0.0000150000),
    ("lambda.x86_64.duration", None, 0.0000133334),
    ("lambda.x86_64.provisioned", None, 0.0000041667),
    ("lambda.x86_64.provisioned_duration", None, 0.0000097222),
    ("lambda.x86_64.ephemeral", None, 0.0000000309),
    ("lambda.arm64.requests", None, 0.20),
    ("lambda.arm64.duration", 7.5e9, 0.0000133334),
    ("lambda.arm64.duration", 1.875e10, 0.0000120001),
    ("lambda.arm64.duration", None, 0.0000106667),
    ("lambda.arm64.provisioned", None, 0.0000033334),
    ("lambda.arm64.provisioned_duration", None, 0.0000077778),
    ("lambda.arm64.ephemeral", None, 0.0000000309),
    ("lambda.free.requests", None, 1_000_000),
    ("lambda.free.gb_seconds", None, 400_000),
    ("apigw.rest.requests", 333e6, 3.50),
    ("apigw.rest.requests", 1e9, 2.80),
    ("apigw.rest.requests", 20e9, 2.38),
    ("apigw.rest.requests", None, 1.51),
    ("apigw.http.requests", 300e6, 1.00),
    ("apigw.http.requests", None, 0.90),
    ("apigw.http.metering_kb", None, 512),
    ("alb.hourly", None, 0.0225),
    ("alb.lcu_hourly", None, 0.008),
    ("alb.lcu.new_connections_per_s", None, 25),
    ("alb.lcu.active_connections_per_min", None, 3000),
    ("alb.lcu.gb_per_hour_ec2", None, 1),
    ("alb.lcu.gb_per_hour_lambda", None, 0.4),
    ("alb.lcu.rule_evaluations_per_s", None, 1000),
    ("alb.free_rules", None, 10),
    ("nlb.hourly", None, 0.0225),
    ("nlb.nlcu_hourly", None, 0.006),
    ("nlb.nlcu.new_connections_per_s", None, 800),
    ("nlb.nlcu.active_connections", None, 100_000),
    ("nlb.nlcu.gb_per_hour", None, 1),
    ("ec2.purchase.on_demand", None, 1),
    ("ec2.purchase.savings_plan_1y", None, 0.72),
    ("ec2.purchase.savings_plan_3y", None, 0.50),
    ("ec2.purchase.spot", None, 0.35),
    ("ebs.gp3.gb_month", None, 0.08),
    ("nat.hourly", None, 0.045),
    ("nat.per_gb", None, 0.045),
    ("vpc.public_ipv4_hourly", None, 0.005),
    ("logs.ingestion_per_gb", None, 0.50),
    ("transfer.free_gb", None, 100),
    ("transfer.out", 10240, 0.09),
    ("transfer.out", 51200, 0.085),
    ("transfer.out", 153600, 0.07),
    ("transfer.out", None, 0.05),
)


def _it(
    name: str, vcpu: int, gib: float, hourly: float, baseline: float | None = None
) -> InstanceType:
    arch = "arm64" if name.split(".")[0] in ("t4g", "m7g", "c7g") else "x86_64"
    return InstanceType(name, vcpu, gib, arch, hourly, baseline)  # type: ignore[arg-type]


US_EAST_1_INSTANCES: tuple[InstanceType, ...] = (
    _it("t3.micro", 2, 1, 0.0104, 0.10),
    _it("t3.small", 2, 2, 0.0208, 0.20),
    _it("t3.medium", 2, 4, 0.0416, 0.20),
    _it("t3.large", 2, 8, 0.0832, 0.30),
    _it("t4g.micro", 2, 1, 0.0084, 0.10),
    _it("t4g.small", 2, 2, 0.0168, 0.20),
    _it("t4g.medium", 2, 4, 0.0336, 0.20),
    _it("t4g.large", 2, 8, 0.0672, 0.30),
    _it("m5.large", 2, 8, 0.096),
    _it("m6i.large", 2, 8, 0.096),
    _it("m6i.xlarge", 4, 16, 0.192),
    _it("m7g.large", 2, 8, 0.0816),
    _it("m7g.xlarge", 4, 16, 0.1632),
    _it("c6i.large", 2, 4, 0.085),
    _it("c7g.large", 2, 4, 0.0725),
    _it("c7g.xlarge", 4, 8, 0.145),
    _it("r6i.large", 2, 16, 0.126),
)

BOOK = BookInfo(
    id=1, name="Test book (reference values)", region="us-east-1", effective_from="2026-11-01"
)


def make_sheet(
    overrides: Mapping[str, float | Sequence[tuple[float | None, float]]] | None = None,
    instances: Sequence[InstanceType] = US_EAST_1_INSTANCES,
) -> PriceSheet:
    """The us-east-1 sheet with some keys replaced: a float, or a list of (tier_upto, price)."""
    overrides = dict(overrides or {})
    rows: list[Row] = [r for r in US_EAST_1_RATES if r[0] not in overrides]
    for key, value in overrides.items():
        if isinstance(value, int | float):
            rows.append((key, None, float(value)))
        else:
            rows.extend((key, upto, price) for upto, price in value)
    return sheet_from_rows(BOOK, rows, instances)


@functools.cache
def _seed_file(name: str) -> dict[str, Any]:
    # Each file holds every region's rows: decoded once, as the database holds them once.
    return json.loads((SEED_DIR / name).read_text())


def _num(value: str | None) -> float | None:
    return None if value is None else float(value)


def seeded_sheet(region: str = "us-east-1", only: Collection[str] | None = None) -> PriceSheet:
    """The region's book of the seed fixture (fixtures/price_books.json) with the region's
    option rates (price_books.options.json) for keys the book lacks, as ``seed_prices`` loads
    them, but read as plain JSON (no database): every current-generation type (hundreds), or
    only the types named in ``only``.

    Each call builds a new sheet from the rows (the benchmark times that); callers that want
    one sheet per region keep it themselves.
    """
    book = next(b for b in _seed_file("price_books.json")["price_books"] if b["region"] == region)
    have = {r["key"] for r in book["rates"]}
    options = _seed_file("price_books.options.json")["rates_by_region"].get(region, [])
    extra = [r for r in options if r["key"] not in have]
    rates = [
        (r["key"], None if r["tier_upto"] is None else float(r["tier_upto"]), float(r["price"]))
        for r in book["rates"] + extra
    ]
    table = book["instance_types"]
    rows = [dict(zip(table["columns"], values, strict=True)) for values in table["rows"]]
    instances = [
        InstanceType(
            i["name"],
            int(i["vcpu"]),
            float(i["memory_gib"]),
            architecture_of(i["name"]),  # type: ignore[arg-type]
            float(i["hourly"]),
            _num(i["burstable_baseline"]),
            _num(i["reserved_1y_hourly"]),
            _num(i["reserved_3y_hourly"]),
        )
        for i in rows
        if only is None or i["name"] in only
    ]
    info = BookInfo(None, book["name"], region, book["effective_from"])
    return sheet_from_rows(info, rates, instances, allow_missing=True)


def cents(value: float) -> Decimal:
    """Round one bill line to cents the way AWS prints it (half up)."""
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
