"""The reference's worked examples, reproduced to the cent (each line rounded as AWS does)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from engine_testlib import cents, make_sheet

from advisor.pricing.compare import compare
from advisor.pricing.lambda_ import LambdaFunction, billed_ms, lambda_function_cost, lambda_items
from advisor.pricing.network import alb_lcu_dimensions, load_balancer_monthly
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import Connections, Workload

OLD_PRICE = {"lambda.x86_64.duration": [(None, 0.00001667)]}


def lines(sheet: PriceSheet, w: Workload) -> dict[str, Decimal]:
    # AWS's examples are Lambda's own bill: CloudWatch Logs ingestion is another service's
    # bill line (the `logs` item), so the examples write no log bytes. test_l1_logs shows what
    # the platform lines add.
    w = replace(w, lambda_log_bytes_per_request=0)
    items, _ = lambda_items(sheet, w, w.requests_per_month)
    return {k: cents(v) for k, v in items.items()}


def test_l1_logs(sheet: PriceSheet) -> None:
    # The same function writing the default ~300 bytes of START/END/REPORT lines: 3M × 300 B
    # = 0.9 GB at $0.50 a GB adds a $0.45 CloudWatch Logs line to the $2.73 of example L-1.
    w = Workload(requests_per_month=3_000_000, duration_ms=120, memory_mb=1536)
    items, _ = lambda_items(sheet, w, w.requests_per_month)
    got = {k: cents(v) for k, v in items.items()}
    assert got["logs"] == Decimal("0.45")
    assert sum(got.values()) == Decimal("3.18")


def test_init_and_run_time_are_rounded_up_once(sheet: PriceSheet) -> None:
    # A REPORT line: Init Duration 1293.83 ms + Duration 1049.63 ms bills 2344 ms.
    fn = LambdaFunction(memory_mb=1024, duration_ms=1049.63, cold_start_rate=1,
                        init_duration_ms=1293.83, free_tier=False)
    cost = lambda_function_cost(sheet, fn, 1)
    assert float(cost.gb_seconds) == pytest.approx(2.344)
    # Rounded once, 100.2 + 50.3 ms bills 151 ms (not 101 + 51 = 152).
    fn = LambdaFunction(memory_mb=1024, duration_ms=100.2, cold_start_rate=1,
                        init_duration_ms=50.3, free_tier=False)
    assert float(lambda_function_cost(sheet, fn, 1).gb_seconds) == pytest.approx(0.151)
    # Half the invocations cold: the warm half bills 101 ms.
    fn = replace(fn, cold_start_rate=0.5)
    assert float(lambda_function_cost(sheet, fn, 2).gb_seconds) == pytest.approx(0.252)


def test_l1(sheet: PriceSheet) -> None:
    got = lines(sheet, Workload(requests_per_month=3_000_000, duration_ms=120, memory_mb=1536))
    assert got["compute"] == Decimal("2.33")
    assert got["requests"] == Decimal("0.40")
    assert sum(got.values()) == Decimal("2.73")
    items, _ = lambda_items(sheet, Workload(requests_per_month=3_000_000, duration_ms=120,
                                            memory_mb=1536), 3_000_000)
    assert float(items["compute"]) == pytest.approx(2.333338, abs=1e-9)


def test_l3_ephemeral_storage(sheet: PriceSheet) -> None:
    w = Workload(requests_per_month=6_000_000, duration_ms=280, memory_mb=4096,
                 ephemeral_storage_mb=2048)
    got = lines(sheet, w)
    assert (got["compute"], got["requests"], got["ephemeral_storage"]) == (
        Decimal("105.33"), Decimal("1.00"), Decimal("0.08"))
    assert sum(got.values()) == Decimal("106.41")


def test_pc1_provisioned_and_on_demand_mix(sheet: PriceSheet) -> None:
    # 100 environments for 8 h serve 500,000 requests at 100 ms; 2.5M more run on demand at 120 ms.
    fn = LambdaFunction(memory_mb=1536, duration_ms=120, provisioned_concurrency=100,
                        provisioned_hours=8, provisioned_share=500_000 / 3_000_000,
                        provisioned_duration_ms=100)
    cost = lambda_function_cost(sheet, fn, 3_000_000)
    assert float(cost.provisioned_gb_seconds) == pytest.approx(4_320_000 + 75_000)
    assert cents(cost.provisioned_environments) == Decimal("18.00")
    assert cents(cost.provisioned_duration) == Decimal("0.73")
    assert cents(cost.compute) == Decimal("0.83")
    assert cents(cost.requests) == Decimal("0.40")
    total = sum(cents(v) for v in (cost.provisioned_environments, cost.provisioned_duration,
                                    cost.compute, cost.requests))
    assert total == Decimal("19.96")


def test_pc2_all_provisioned_no_free_tier(sheet: PriceSheet) -> None:
    w = Workload(requests_per_month=2_000_000, duration_ms=280, memory_mb=4096, free_tier=False,
                 provisioned_concurrency=7, provisioned_hours_per_month=24)
    assert w.provisioned_share_of_requests == 1
    _, cost = lambda_items(sheet, w, w.requests_per_month)
    assert cents(cost.provisioned_environments) == Decimal("10.08")
    assert cents(cost.provisioned_duration) == Decimal("21.78")
    got = lines(sheet, w)
    assert got["requests"] == Decimal("0.40")
    assert got["compute"] == Decimal("0.00")
    assert sum(got.values()) == Decimal("32.26")


def test_old1_100ms_billing_old_price() -> None:
    w = Workload(requests_per_month=3_000_000, duration_ms=1000, memory_mb=512,
                 billing_granularity_ms=100)
    got = lines(make_sheet(OLD_PRICE), w)
    assert (got["compute"], got["requests"]) == (Decimal("18.34"), Decimal("0.40"))
    assert sum(got.values()) == Decimal("18.74")
    today = lines(make_sheet(), w)
    assert (today["compute"], sum(today.values())) == (Decimal("18.33"), Decimal("18.73"))


def test_billed_duration_rounds_up() -> None:
    assert float(billed_ms(120.2, 1)) == 121
    assert float(billed_ms(120.0, 1)) == 120
    assert float(billed_ms(101, 100)) == 200
    assert float(billed_ms(100, 100)) == 100
    assert float(billed_ms(0.3, 1)) == 1


def test_alb1_lcus_and_month(sheet: PriceSheet) -> None:
    # 1 new connection/s lasting 2 min; 5 requests/s; 300 KB/s (60 KB a request); 60 rules.
    conns = Connections(requests_per_connection=5, connection_seconds=120, rules_per_request=60)
    dims = alb_lcu_dimensions(sheet, 5.0, conns, payload_kb=60, target="ec2")
    assert {k: round(float(v), 2) for k, v in dims.items()} == {
        "new_connections": 0.04, "active_connections": 0.04, "processed_bytes": 1.08,
        "rule_evaluations": 0.25}
    per_hour = sheet.rate("alb.hourly") + max(float(v) for v in dims.values()) * sheet.rate("alb.lcu_hourly")
    assert per_hour == pytest.approx(0.03114)
    assert cents(sheet.rate("alb.hourly") * 720) == Decimal("16.20")
    assert cents(1.08 * sheet.rate("alb.lcu_hourly") * 720) == Decimal("6.22")
    month = float(load_balancer_monthly(sheet, "alb", 5.0, 720, conns, 60, "ec2"))
    assert cents(month) == Decimal("22.42")

    # The same through compare(): the EC2 side's load balancer line.
    w = Workload(requests_per_month=5 * 3600 * 720, duration_ms=50, memory_mb=512,
                 hours_per_month=720, payload_kb=60, connections=conns)
    assert cents(compare(w, sheet, with_break_even=False).ec2.items["load_balancer"]) == Decimal("22.42")


def test_pagertree_2018_case_1() -> None:
    sheet = make_sheet({
        **OLD_PRICE,
        "lambda.x86_64.requests": 0.0,
        "apigw.rest.requests": [(None, 3.50)],
        "transfer.free_gb": 0.0,
        "transfer.out": [(None, 0.09)],
    })
    # 3M responses of 1 KB (1,000 bytes) = 3 GB out.
    w = Workload(requests_per_month=3_000_000, duration_ms=300, memory_mb=256,
                 billing_granularity_ms=100, free_tier=False, front_door="rest_api",
                 payload_kb=1, data_transfer_out_gb=3_000_000 * 1000 / 1e9, hours_per_month=730)
    got = lines(sheet, w)
    assert got["front_door"] == Decimal("10.50")
    assert got["data_transfer"] == Decimal("0.27")
    assert got["compute"] + got["requests"] == Decimal("3.75")
    assert sum(got.values()) == Decimal("14.52")


def test_trek10_2016_hourly_batch_job() -> None:
    # One 2-minute 1 GB job an hour, 720 a month, at the old price and without the free tier.
    w = Workload(requests_per_month=720, duration_ms=120_000, memory_mb=1024, free_tier=False)
    items, cost = lambda_items(make_sheet(OLD_PRICE), w, 720)
    assert float(cost.gb_seconds) == pytest.approx(86_400)
    assert cents(items["compute"]) == Decimal("1.44")
    assert sum(cents(v) for v in items.values()) == Decimal("1.44")
