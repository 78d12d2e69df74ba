"""The use-case recommendation: one test (or more) per rule, the verdict, switch point, TCO."""

from __future__ import annotations

import inspect
import itertools
import json
import math
from dataclasses import replace
from typing import Any

import pytest

from advisor.pricing import recommend as rec
from advisor.pricing.compare import compare
from advisor.pricing.recommend import MESSAGES, Reason, Recommendation, render, verdict
from advisor.pricing.sheet import PriceSheet
from advisor.pricing.workload import WorkloadError, parse_workload

RPS_2000 = 2000 * 3600 * 730  # 2,000 requests a second all month


def advise(sheet: PriceSheet, **data: Any) -> Recommendation:
    data.setdefault("duration_ms", 120)
    data.setdefault("memory_mb", 512)
    data.setdefault("requests_per_month", 100_000)
    result = compare(parse_workload(data), sheet).recommendation
    assert result is not None
    return result


def reason(r: Recommendation, factor: str) -> Reason | None:
    found = [x for x in r.reasons if x.factor == factor]
    assert len(found) <= 1, found
    return found[0] if found else None


def codes(r: Recommendation) -> set[str]:
    return {x.code for x in r.reasons}


# ---------- The needs inputs ----------

def test_needs_defaults_are_filled_in() -> None:
    w = parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 3538})
    needs = w.to_dict()["needs"]
    assert needs == {
        "use_case": "http_api", "runs_over_15_minutes": False, "latency_budget_ms": None,
        "private_network": False, "dedicated_tenancy": False, "persistent_connections": False,
        "gpu": False, "task_memory_mb": 3538, "task_vcpus": pytest.approx(2.0),
        "no_server_team": False, "ops_hours_per_month": 8, "lambda_ops_hours_per_month": 0,
        "ops_hourly_usd": 75,
    }
    json.dumps(w.to_dict(), allow_nan=False)


@pytest.mark.parametrize(("needs", "path", "fragment"), [
    ({"use_case": "cron"}, "needs.use_case", 'one of "http_api", "scheduled_job"'),
    ({"colour": 1}, "needs.colour", "unknown field; allowed fields in needs:"),
    ({"latency_budget_ms": 0}, "needs.latency_budget_ms", "greater than 0 and at most 900000 or null"),
    ({"latency_budget_ms": "fast"}, "needs.latency_budget_ms", "or null"),
    ({"gpu": None}, "needs.gpu", "must be true or false (got null)"),
    ({"ops_hours_per_month": -1}, "needs.ops_hours_per_month", "between 0 and 744"),
    ({"task_memory_mb": 16384.5}, "needs.task_memory_mb", "an integer"),
    ({"task_vcpus": 0}, "needs.task_vcpus", "greater than 0"),
])
def test_needs_bad_input_names_field_and_range(needs: dict, path: str, fragment: str) -> None:
    with pytest.raises(WorkloadError) as exc:
        parse_workload({"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128, "needs": needs})
    assert fragment in " ".join(exc.value.errors[path])


def test_latency_budget_may_be_null_or_a_number() -> None:
    base = {"requests_per_month": 1, "duration_ms": 1, "memory_mb": 128}
    assert parse_workload({**base, "needs": {"latency_budget_ms": None}}).needs.latency_budget_ms is None
    assert parse_workload({**base, "needs": {"latency_budget_ms": 250}}).needs.latency_budget_ms == 250


def test_needs_change_no_price(sheet: PriceSheet) -> None:
    plain = compare(parse_workload({"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512}), sheet)
    needy = compare(parse_workload({"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512,
                                    "needs": {"use_case": "pilot", "gpu": True, "ops_hours_per_month": 40}}),
                    sheet)
    assert plain.lambda_.monthly_usd == needy.lambda_.monthly_usd
    assert plain.ec2.monthly_usd == needy.ec2.monthly_usd
    assert plain.break_even == needy.break_even


# ---------- Blockers: hard limits rule Lambda out whatever the price ----------

@pytest.mark.parametrize(("needs", "code"), [
    ({"runs_over_15_minutes": True}, "timeout"),
    ({"task_memory_mb": 16384}, "task_memory"),
    ({"task_vcpus": 8}, "task_vcpus"),
    ({"gpu": True}, "gpu"),
    ({"dedicated_tenancy": True}, "dedicated_tenancy"),
])
def test_blockers_make_it_ec2_whatever_the_price(sheet: PriceSheet, needs: dict, code: str) -> None:
    r = advise(sheet, requests_per_month=1000, needs=needs)  # Lambda is all but free here
    assert r.choice == "ec2" and r.confidence == "high"
    assert [b.code for b in r.blockers] == [code]
    assert r.blockers[0].rules_out == "lambda"
    assert r.switch_at is None  # no volume changes a hard limit
    assert reason(r, "cost").favours == "lambda"  # the price alone would say Lambda


def test_blocker_texts_use_the_numbers(sheet: PriceSheet) -> None:
    r = advise(sheet, needs={"task_memory_mb": 16384, "task_vcpus": 8})
    texts = [b.text for b in r.blockers]
    assert "16,384 MB" in texts[0] and "10,240 MB" in texts[0]
    assert "8 vCPUs" in texts[1]


def test_lambda_sized_task_is_not_blocked(sheet: PriceSheet) -> None:
    # At 10,240 MB Lambda gives 5.79 vCPUs: the derived task size stays within the limits.
    r = advise(sheet, memory_mb=10240, needs={"task_memory_mb": 10240})
    assert not r.blockers


# ---------- Use cases (the seed) ----------

@pytest.mark.parametrize("case", ["scheduled_job", "event_processing", "pilot", "unpredictable_traffic"])
def test_lambda_use_cases(sheet: PriceSheet, case: str) -> None:
    r = advise(sheet, needs={"use_case": case})
    x = reason(r, "use_case")
    assert (x.favours, x.weight, x.code) == ("lambda", 2, f"use_case_{case}")
    assert r.choice == "lambda"


def test_batch_is_either_and_http_api_says_nothing(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, duration_ms=90_000, needs={"use_case": "batch"}), "use_case")
    assert (x.favours, x.weight) == ("either", 0)
    assert "90.0 s" in x.text
    assert reason(advise(sheet), "use_case") is None


# ---------- Operations ----------

def test_no_server_team(sheet: PriceSheet) -> None:
    r = advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
               needs={"no_server_team": True})
    x = next(x for x in r.reasons if x.code == "no_server_team")
    assert (x.favours, x.weight) == ("lambda", 3)


def test_operations_share_of_ec2_ownership(sheet: PriceSheet) -> None:
    r = advise(sheet)
    x = next(x for x in r.reasons if x.code == "operations")
    assert x.favours == "lambda" and x.weight == 1
    assert "8 hours a month at $75.00 = $600.00" in x.text
    assert "operations" not in codes(advise(sheet, needs={"ops_hours_per_month": 0}))
    # Operations a small part of a large fleet's cost: not a reason.
    big = advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769)
    assert "operations" not in codes(big)


# ---------- Cost of ownership, TCO and the switch point ----------

def test_tco_adds_operations_time(sheet: PriceSheet) -> None:
    data = {"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512,
            "basis": "bill_and_operations",
            "needs": {"ops_hours_per_month": 10, "lambda_ops_hours_per_month": 2, "ops_hourly_usd": 50}}
    c = compare(parse_workload(data), sheet)
    tco = c.recommendation.tco
    assert tco["ec2"] == pytest.approx(c.ec2.monthly_usd + 500)
    assert tco["lambda"] == pytest.approx(c.lambda_.monthly_usd + 100)
    assert (tco["ec2_ops"], tco["lambda_ops"]) == (500, 100)
    # On the bill alone the totals are the bills; the operations cost is still stated.
    bill = compare(parse_workload({**data, "basis": "bill"}), sheet).recommendation.tco
    assert (bill["ec2"], bill["lambda"]) == (c.ec2.monthly_usd, c.lambda_.monthly_usd)
    assert (bill["ec2_ops"], bill["lambda_ops"]) == (500, 100)


def test_cost_reason_favours_the_cheaper_total_with_operations(sheet: PriceSheet) -> None:
    ops = "bill_and_operations"
    small = reason(advise(sheet, basis=ops), "cost")
    assert small.favours == "lambda" and small.weight == 3
    big = reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
                        basis=ops), "cost")
    assert big.favours == "ec2" and big.code == "cost_ec2" and big.params["ratio"] > 1
    assert "$600.00" in big.text
    # On the bill alone: the bills only, said so.
    bill = reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769),
                  "cost")
    assert bill.code == "cost_ec2_bill" and "$600.00" not in bill.text
    assert bill.text.startswith("On the AWS bill")


def test_cost_about_the_same(sheet: PriceSheet) -> None:
    w = parse_workload({"requests_per_month": RPS_2000, "duration_ms": 200, "memory_mb": 1769,
                        "basis": "bill_and_operations", "needs": {"ops_hours_per_month": 0}})
    c = compare(w, sheet)
    gap = c.lambda_.monthly_usd - c.ec2.monthly_usd
    assert gap > 0
    # Operations time that closes the gap exactly: a draw.
    w2 = replace(w, needs=replace(w.needs, ops_hours_per_month=1, ops_hourly_usd=gap))
    x = reason(compare(w2, sheet).recommendation, "cost")
    assert (x.favours, x.weight, x.code) == ("either", 0, "cost_same")


def test_switch_at_is_the_nearest_crossing_with_operations(sheet: PriceSheet) -> None:
    data = {"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512,
            "basis": "bill_and_operations"}
    w = parse_workload(data)
    r = compare(w, sheet).recommendation
    assert r.switch_at is not None and r.switch_at in r.switch_points
    assert r.switch_at == min(r.switch_points, key=lambda p: abs(math.log(p / 5e7)))
    # At the crossing the totals with operations change order.

    def gap(x: float) -> float:
        c = compare(replace(w, requests_per_month=x), sheet, with_break_even=False)
        return (c.lambda_.monthly_usd + r.tco["lambda_ops"]) - (c.ec2.monthly_usd + r.tco["ec2_ops"])

    assert gap(r.switch_at * (1 - 1e-6)) * gap(r.switch_at * (1 + 1e-6)) <= 0
    # Lambda is cheaper here, so beyond the switch EC2 is.
    assert r.tco["lambda"] < r.tco["ec2"] and r.switch_to == "ec2"


def test_switch_without_operations_is_the_break_even(sheet: PriceSheet) -> None:
    c = compare(parse_workload({"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512,
                                "needs": {"ops_hours_per_month": 0}}), sheet)
    assert c.recommendation.switch_points == c.break_even


def test_no_switch_without_break_even(sheet: PriceSheet) -> None:
    c = compare(parse_workload({"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512}),
                sheet, with_break_even=False)
    assert c.recommendation.switch_at is None and c.recommendation.switch_points == ()


# ---------- Traffic, utilisation, CPU, limits ----------

def test_idle_smallest_fleet(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, requests_per_month=720, duration_ms=120_000, memory_mb=1024), "utilisation")
    assert (x.favours, x.weight) == ("lambda", 2)
    assert "2 × t3.small" in x.text and "2.4% busy" in x.text
    assert reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769),
                  "utilisation") is None


def test_spiky_traffic(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, traffic={"profile": "spiky", "peak_to_average": 6}), "traffic")
    assert (x.favours, x.weight, x.code) == ("lambda", 2, "spiky_fixed") and "6×" in x.text
    x = reason(advise(sheet, traffic={"peak_to_average": 4}, ec2={"scaling": "autoscale"}), "traffic")
    assert (x.favours, x.weight, x.code) == ("lambda", 1, "spiky_autoscale")
    assert reason(advise(sheet, traffic={"peak_to_average": 3}), "traffic") is None
    # Unknown traffic is the use case's reason, not counted twice.
    r = advise(sheet, traffic={"profile": "spiky"}, needs={"use_case": "unpredictable_traffic"})
    assert reason(r, "traffic") is None


def test_sustained_volume_above_break_even(sheet: PriceSheet) -> None:
    r = advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
               basis="bill_and_operations")
    x = reason(r, "traffic")
    assert (x.favours, x.weight, x.code) == ("ec2", 2, "sustained_volume_above")
    assert x.params["switch_at"] < RPS_2000 and "2,000.0 requests a second" in x.text
    assert reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
                         needs={"use_case": "pilot"}), "traffic") is None


def test_cpu_heavy_sustained_work(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769), "cpu")
    assert (x.favours, x.weight) == ("ec2", 2)
    assert x.params["lambda_vcpu_hour"] == pytest.approx(1769 / 1024 * 3600 * 0.0000166667)
    assert x.params["busy_vcpus"] == pytest.approx(400)
    assert reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
                         ec2={"cpu_share": 0.3}), "cpu") is None
    assert reason(advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769,
                         traffic={"profile": "spiky"}), "cpu") is None


def test_concurrency_quota(sheet: PriceSheet) -> None:
    r = advise(sheet, requests_per_month=RPS_2000, duration_ms=1000, memory_mb=512)
    x = next(x for x in r.reasons if x.code == "concurrency_quota")
    assert x.favours == "ec2" and "2,000 calls" in x.text
    assert "concurrency_quota" not in codes(advise(sheet))


def test_near_the_timeout(sheet: PriceSheet) -> None:
    x = next(x for x in advise(sheet, requests_per_month=100, duration_ms=720_000).reasons
             if x.code == "near_timeout")
    assert x.favours == "ec2" and "12.0 minutes" in x.text
    r = advise(sheet, requests_per_month=100, duration_ms=720_000, needs={"runs_over_15_minutes": True})
    assert "near_timeout" not in codes(r)


# ---------- Latency budget and cold starts ----------

def cold(sheet: PriceSheet, **extra: Any) -> Reason | None:
    data: dict[str, Any] = {"requests_per_month": 1_000_000, "duration_ms": 100, "memory_mb": 1024,
                            "cold_start_rate": 0.02, "init_duration_ms": 800,
                            "needs": {"latency_budget_ms": 300}}
    for k, v in extra.items():
        if k == "needs":
            data["needs"] = {**data["needs"], **v}
        else:
            data[k] = v
    return reason(advise(sheet, **data), "latency")


def test_cold_starts_break_the_p99_budget(sheet: PriceSheet) -> None:
    x = cold(sheet)
    assert (x.favours, x.weight, x.code) == ("ec2", 3, "latency_cold_p99")
    assert "800 ms INIT + 100 ms = 900 ms" in x.text and "300 ms" in x.text
    # The provisioned-concurrency price is the engine's own for that many warm environments.
    envs = x.params["environments"]
    w = parse_workload({"requests_per_month": 1_000_000, "duration_ms": 100, "memory_mb": 1024,
                        "cold_start_rate": 0.02, "init_duration_ms": 800})
    base = compare(w, sheet, with_break_even=False).lambda_.monthly_usd
    warm = compare(replace(w, provisioned_concurrency=envs, provisioned_hours_per_month=730,
                           provisioned_share_of_requests=1), sheet, with_break_even=False)
    assert x.params["pc_usd"] == pytest.approx(warm.lambda_.monthly_usd - base)
    assert x.params["pc_usd"] > 0


def test_rare_and_unknown_cold_starts(sheet: PriceSheet) -> None:
    assert (cold(sheet, cold_start_rate=0.001).weight, cold(sheet, cold_start_rate=0.001).code) == \
        (1, "latency_cold_rare")
    x = cold(sheet, cold_start_rate=0)
    assert (x.favours, x.weight, x.code) == ("ec2", 2, "latency_cold_unknown_rate")


def test_provisioned_concurrency_priced_in_meets_the_budget(sheet: PriceSheet) -> None:
    x = cold(sheet, provisioned_concurrency=2)
    assert (x.favours, x.weight, x.code) == ("either", 0, "latency_covered")
    assert x.params["pc_usd"] > 0


def test_provisioned_concurrency_that_saves_money(sheet: PriceSheet) -> None:
    x = cold(sheet, requests_per_month=5e8)
    assert (x.favours, x.code) == ("either", "latency_cold_pc_saves")
    assert x.params["pc_saving_usd"] > 0


def test_latency_fits_too_slow_or_unmodelled(sheet: PriceSheet) -> None:
    assert cold(sheet, needs={"latency_budget_ms": 2000}).code == "latency_fits"
    assert cold(sheet, needs={"latency_budget_ms": 50}).code == "latency_too_slow"
    assert cold(sheet, cold_start_rate=0, init_duration_ms=0).code == "latency_no_cold_data"
    assert cold(sheet, needs={"latency_budget_ms": None}) is None


# ---------- Network ----------

def test_heavy_nat_egress(sheet: PriceSheet) -> None:
    r = advise(sheet, lambda_in_vpc_with_internet=True, nat_processed_gb=2000)
    x = reason(r, "network")
    assert (x.favours, x.weight, x.code) == ("ec2", 2, "nat_egress") and "2,000 GB" in x.text
    # Both sides behind NAT pay alike: not a reason.
    both = advise(sheet, lambda_in_vpc_with_internet=True, nat_processed_gb=2000,
                  ec2={"private_subnets_with_nat": True})
    assert reason(both, "network") is None


def test_private_network_states_todays_behaviour(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, needs={"private_network": True}), "network")
    assert (x.favours, x.weight, x.code) == ("either", 0, "private_network")
    assert "NAT" in x.text and "cold start" not in x.text.lower()
    x = reason(advise(sheet, requests_per_month=5e8, lambda_in_vpc_with_internet=True,
                      needs={"private_network": True}), "network")
    assert x.code == "private_network_nat" and x.params["nat_usd"] > 0


def test_persistent_connections(sheet: PriceSheet) -> None:
    x = reason(advise(sheet, needs={"persistent_connections": True}), "connections")
    assert (x.favours, x.weight) == ("ec2", 2)


# ---------- The verdict ----------

def R(favours: str, weight: int, factor: str = "x") -> Reason:  # noqa: N802
    return Reason(factor, favours, weight, "cost_same", {"lambda_usd": 1, "ec2_usd": 1})


def test_verdict_thresholds() -> None:
    assert verdict((R("lambda", 1),), ()) == ("either", "low")
    assert verdict((R("lambda", 2),), ()) == ("lambda", "low")
    assert verdict((R("ec2", 2), R("ec2", 1)), ()) == ("ec2", "medium")
    assert verdict((R("lambda", 3), R("lambda", 2)), ()) == ("lambda", "high")
    assert verdict((R("lambda", 3), R("ec2", 2), R("either", 0)), ()) == ("either", "low")
    # The cost favouring the other side lowers the confidence one step.
    assert verdict((R("lambda", 3), R("lambda", 3), R("ec2", 1, "cost")), ()) == ("lambda", "medium")


def test_issue_cases(sheet: PriceSheet) -> None:
    job = advise(sheet, requests_per_month=730, duration_ms=120_000, memory_mb=1024,
                 needs={"use_case": "scheduled_job"})
    assert job.choice == "lambda"
    busy = advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769)
    assert busy.choice == "ec2"
    assert advise(sheet, requests_per_month=100_000, needs={"use_case": "pilot"}).choice == "lambda"


def test_contract_json_and_texts(sheet: PriceSheet) -> None:
    c = compare(parse_workload({"requests_per_month": 5e7, "duration_ms": 120, "memory_mb": 512,
                                "cold_start_rate": 0.02, "init_duration_ms": 800,
                                "needs": {"latency_budget_ms": 300, "gpu": True}}), sheet)
    out = json.loads(json.dumps(c.to_contract(), allow_nan=False))["recommendation"]
    assert set(out) >= {"choice", "confidence", "reasons", "blockers", "switch_at", "tco"}
    assert set(out["tco"]) >= {"lambda", "ec2"}
    for x in out["reasons"]:
        assert set(x) >= {"factor", "favours", "weight", "text", "code", "params"}
        assert x["favours"] in ("lambda", "ec2", "either") and 0 <= x["weight"] <= 3
        assert x["text"] == render(x["code"], x["params"])  # re-renderable from code + params
    for b in out["blockers"]:
        assert b["text"] == MESSAGES[b["code"]].format(**b["params"])


def test_reasons_sorted_by_weight(sheet: PriceSheet) -> None:
    r = advise(sheet, requests_per_month=RPS_2000, duration_ms=200, memory_mb=1769)
    weights = [x.weight for x in r.reasons]
    assert weights == sorted(weights, reverse=True)


def test_every_rule_documents_its_source() -> None:
    for rule in (*rec.BLOCKERS, *rec.REASONS):
        doc = inspect.getdoc(rule) or ""
        assert any(s in doc for s in ("seed", "AWS", "cost figures", "price book")), rule.__name__


SCENARIOS: list[tuple[dict[str, Any], bool]] = [
    ({"needs": {"runs_over_15_minutes": True, "task_memory_mb": 20000, "task_vcpus": 8,
                "gpu": True, "dedicated_tenancy": True}}, True),
    *[({"needs": {"use_case": u}}, True) for u in ("scheduled_job", "event_processing", "pilot",
                                                   "unpredictable_traffic", "batch")],
    ({"needs": {"no_server_team": True}}, True),
    ({"requests_per_month": 5e7}, True),
    ({"requests_per_month": 1000}, True),
    ({"requests_per_month": RPS_2000, "duration_ms": 200, "memory_mb": 1769}, True),
    ({"requests_per_month": RPS_2000, "duration_ms": 200, "memory_mb": 1769}, False),
    ({"requests_per_month": 720, "duration_ms": 120_000, "memory_mb": 1024}, True),
    ({"requests_per_month": RPS_2000, "duration_ms": 1000}, True),
    ({"requests_per_month": 100, "duration_ms": 720_000}, True),
    ({"traffic": {"profile": "spiky"}}, True),
    ({"traffic": {"profile": "spiky"}, "ec2": {"scaling": "autoscale"}}, True),
    *[({"cold_start_rate": rate, "init_duration_ms": init, "provisioned_concurrency": pc,
        "requests_per_month": volume, "needs": {"latency_budget_ms": budget}}, True)
      for rate, init, pc, volume, budget in [
          (0.02, 800, 0, 1e6, 300), (0.001, 800, 0, 1e6, 300), (0, 800, 0, 1e6, 300),
          (0.02, 800, 0, 5e8, 300), (0.02, 800, 2, 1e6, 300), (0.02, 800, 0, 1e6, 2000),
          (0.02, 800, 0, 1e6, 50), (0, 0, 0, 1e6, 300)]],
    ({"lambda_in_vpc_with_internet": True, "nat_processed_gb": 2000,
      "needs": {"private_network": True}}, True),
    ({"requests_per_month": 5e8, "lambda_in_vpc_with_internet": True,
      "needs": {"private_network": True}}, True),
    ({"needs": {"private_network": True, "persistent_connections": True}}, True),
    # The use case and the team outweigh a cost line that favours EC2.
    ({"requests_per_month": 2e8, "duration_ms": 1000, "traffic": {"peak_to_average": 1.5},
      "ec2": {"cpu_share": 0.2},
      "needs": {"no_server_team": True, "use_case": "pilot", "ops_hours_per_month": 0}}, True),
]


def test_every_message_is_reached_and_renders(sheet: PriceSheet) -> None:
    seen: set[str] = set()
    for (extra, with_break_even), basis in itertools.product(
            SCENARIOS, ("bill", "bill_and_operations")):
        data = {"requests_per_month": 100_000, "duration_ms": 120, "memory_mb": 512,
                "basis": basis, **extra}
        r = compare(parse_workload(data), sheet, with_break_even=with_break_even).recommendation
        for x in (*r.reasons, *r.blockers):
            assert x.text  # every template formats with its own params
            seen.add(x.code)
    # EC2 under a cent a month cannot happen with real prices (its free variant is a guard);
    # a draw needs operations cost fitted to the gap (test_cost_about_the_same).
    assert seen >= set(MESSAGES) - {"cost_ec2_free", "cost_same", "cost_ec2_free_bill",
                                    "cost_same_bill", "either_despite_cost_bill",
                                    "chosen_despite_cost_bill"}
