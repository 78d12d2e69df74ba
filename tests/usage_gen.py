"""Generators of the files the usage importer reads, with the noise real files carry.

Every writer takes the same :class:`Invocation` list, so one set of invocations can be
written in each log format and read back (tests/test_usage.py); metrics and cost files are
built from the same invocations or from explicit line lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass

UTC = dt.UTC
START = dt.datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday
STREAM = "2026/11/02/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@dataclass(frozen=True)
class Invocation:
    ts: float  # seconds since the epoch, whole milliseconds
    duration: float  # ms, two decimals (as REPORT prints it)
    memory: int
    used: int
    init: float | None = None
    timeout: bool = False

    @property
    def billed(self) -> int:
        # Billed Duration rounds run time plus INIT up to the next millisecond (since Aug 2025).
        return math.ceil(self.duration + (self.init or 0) - 1e-9)


def diurnal(hour_of_day: int) -> float:
    """A busy afternoon, a quiet night."""
    return 1.0 + 0.8 * math.sin((hour_of_day - 9) / 24 * 2 * math.pi)


def invocations(n: int, *, days: float = 7.0, memory_sizes: tuple[int, ...] = (512,),
                seed: int = 1, cold_rate: float = 0.012, timeout_rate: float = 0.001,
                mean_ms: float = 83.6, start: dt.datetime = START) -> list[Invocation]:
    rng = random.Random(seed)
    hours = max(1, int(days * 24))
    weights = [diurnal(h % 24) for h in range(hours)]
    chosen = rng.choices(range(hours), weights=weights, k=n)
    base = start.timestamp()
    out = []
    for h in chosen:
        ts = round(base + h * 3600 + rng.random() * 3600, 3)
        duration = round(max(0.5, rng.lognormvariate(math.log(mean_ms) - 0.125, 0.5)), 2)
        memory = rng.choice(memory_sizes) if len(memory_sizes) > 1 else memory_sizes[0]
        if len(memory_sizes) > 1 and rng.random() < 0.8:
            memory = memory_sizes[0]  # the usual size dominates
        used = min(memory, int(60 + rng.random() * 0.4 * memory))
        init = round(rng.uniform(150, 450), 2) if rng.random() < cold_rate else None
        timeout = rng.random() < timeout_rate
        out.append(Invocation(ts, duration, memory, used, init, timeout))
    out.sort(key=lambda i: i.ts)
    return out


def _iso(ts: float, sep: str = "T", zone: str = "+00:00", places: int = 6) -> str:
    when = dt.datetime.fromtimestamp(ts, UTC)
    text = when.strftime(f"%Y-%m-%d{sep}%H:%M:%S.%f")
    return text[: len(text) - (6 - places)] + zone


def _rid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def report_text(inv: Invocation, rid: str) -> str:
    parts = [f"REPORT RequestId: {rid}", f"Duration: {inv.duration:.2f} ms",
             f"Billed Duration: {inv.billed} ms", f"Memory Size: {inv.memory} MB",
             f"Max Memory Used: {inv.used} MB"]
    if inv.init is not None:
        parts.append(f"Init Duration: {inv.init:.2f} ms")
    if inv.timeout:
        parts.append("Status: timeout")
    return "\t".join(parts) + "\t"


def tail_text(invs: list[Invocation], *, noise: bool = True, seed: int = 7,
              truncated: int = 0, short: bool = False) -> str:
    """What ``aws logs tail`` prints: START, app output, END and REPORT for each invocation
    (INIT_START before a cold one), plus ``truncated`` REPORT lines cut short."""
    rng = random.Random(seed)
    out = []
    prefix_of = (lambda ts: _iso(ts)) if short else (lambda ts: f"{_iso(ts)} {STREAM}")
    for inv in invs:
        rid = _rid(rng)
        p = prefix_of(inv.ts)
        if noise:
            if inv.init is not None:
                out.append(f"{p} INIT_START Runtime Version: python:3.12.v40\tRuntime Version ARN: "
                           "arn:aws:lambda:us-east-1::runtime:abc")
            out.append(f"{p} START RequestId: {rid} Version: $LATEST")
            out.append(f"{p} [INFO]\t{_iso(inv.ts, zone='Z', places=3)}\t{rid}\thandled GET /items "
                       "Duration: nothing to see")
            out.append(f"{p} END RequestId: {rid}")
        out.append(f"{p} {report_text(inv, rid)}")
    for _ in range(truncated):
        at = rng.randrange(len(out) + 1)
        out.insert(at, f"{_iso(invs[0].ts)} {STREAM} REPORT RequestId: {_rid(rng)}\tDuration: 12.")
    return "\n".join(out) + "\n"


def bare_text(invs: list[Invocation], seed: int = 7) -> str:
    rng = random.Random(seed)
    return "".join(f"START RequestId: x\n{report_text(i, _rid(rng))}\nEND RequestId: x\n"
                   for i in invs)


def insights_csv(invs: list[Invocation], seed: int = 7) -> str:
    rng = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["@timestamp", "@message"])
    for inv in invs:
        w.writerow([_iso(inv.ts, sep=" ", zone="", places=3), report_text(inv, _rid(rng)) + "\n"])
    return buf.getvalue()


def _json_event(inv: Invocation, rid: str) -> dict:
    metrics = {"durationMs": inv.duration, "billedDurationMs": inv.billed,
               "memorySizeMB": inv.memory, "maxMemoryUsedMB": inv.used}
    if inv.init is not None:
        metrics["initDurationMs"] = inv.init
    return {"time": _iso(inv.ts, zone="Z", places=3), "type": "platform.report",
            "record": {"requestId": rid, "metrics": metrics,
                       "status": "timeout" if inv.timeout else "success"}}


def json_lines(invs: list[Invocation], *, noise: bool = True, tail: bool = False,
               seed: int = 7) -> str:
    """Lambda's JSON log format, one object a line (through ``aws logs tail`` when ``tail``)."""
    rng = random.Random(seed)
    out = []
    for inv in invs:
        rid = _rid(rng)
        t = _iso(inv.ts, zone="Z", places=3)
        rows = []
        if noise:
            rows.append({"time": t, "type": "platform.start", "record": {"requestId": rid}})
            rows.append({"timestamp": t, "level": "INFO", "message": "handled", "requestId": rid})
            rows.append({"time": t, "type": "platform.runtimeDone",
                         "record": {"requestId": rid, "status": "success"}})
        rows.append(_json_event(inv, rid))
        for row in rows:
            text = json.dumps(row)
            out.append(f"{_iso(inv.ts)} {STREAM} {text}" if tail else text)
    return "\n".join(out) + "\n"


def filter_log_events(invs: list[Invocation], *, json_messages: bool = False,
                      noise: bool = True, seed: int = 7) -> str:
    rng = random.Random(seed)
    events = []
    for n, inv in enumerate(invs):
        rid = _rid(rng)
        ms = round(inv.ts * 1000)
        if noise:
            events.append({"logStreamName": STREAM, "timestamp": ms,
                           "message": f"START RequestId: {rid} Version: $LATEST\n",
                           "ingestionTime": ms + 40, "eventId": str(n)})
        message = (json.dumps(_json_event(inv, rid)) if json_messages
                   else report_text(inv, rid) + "\n")
        events.append({"logStreamName": STREAM, "timestamp": ms, "message": message,
                       "ingestionTime": ms + 50, "eventId": f"{n}r"})
    doc = {"events": events, "searchedLogStreams": [{"logStreamName": STREAM,
                                                     "searchedCompletely": True}]}
    return json.dumps(doc, indent=4)


# --- metrics ---------------------------------------------------------------------------------

def _buckets(invs: list[Invocation], period: int) -> dict[int, list[Invocation]]:
    out: dict[int, list[Invocation]] = {}
    for inv in invs:
        out.setdefault(int(inv.ts // period) * period, []).append(inv)
    return out


def get_metric_data(invs: list[Invocation], *, period: int = 300, alb: bool = False,
                    newest_first: bool = True, by: str = "Label") -> str:
    """``aws cloudwatch get-metric-data`` output: Invocations (Sum) and Duration (Average, ms),
    or an ALB's RequestCount (Sum) and TargetResponseTime (Average, seconds)."""
    buckets = _buckets(invs, period)
    stamps = sorted(buckets, reverse=newest_first)
    iso = [dt.datetime.fromtimestamp(t, UTC).isoformat() for t in stamps]
    counts = [float(len(buckets[t])) for t in stamps]
    means = [sum(i.duration for i in buckets[t]) / len(buckets[t]) for t in stamps]
    if alb:
        names, means = ("RequestCount", "TargetResponseTime"), [m / 1000 for m in means]
    else:
        names = ("Invocations", "Duration")
    results = []
    for (name, values), ident in zip(((names[0], counts), (names[1], means)), ("m1", "m2"),
                                     strict=True):
        result = {"Id": name.lower() if by == "Id" else ident,
                  "Label": name if by == "Label" else "", "Timestamps": iso,
                  "Values": values, "StatusCode": "Complete"}
        results.append(result)
    return json.dumps({"MetricDataResults": results, "Messages": []}, indent=4)


def get_metric_statistics(invs: list[Invocation], *, period: int = 3600, alb: bool = False) -> str:
    """Two ``get-metric-statistics`` outputs saved one after the other (counts, durations)."""
    buckets = _buckets(invs, period)
    count_name, time_name = ("RequestCount", "TargetResponseTime") if alb else ("Invocations", "Duration")
    unit, scale = ("Seconds", 1000.0) if alb else ("Milliseconds", 1.0)
    docs = []
    for name, stat in ((count_name, "Sum"), (time_name, "Average")):
        points = []
        for t, items in buckets.items():
            value = (float(len(items)) if stat == "Sum"
                     else sum(i.duration for i in items) / len(items) / scale)
            points.append({"Timestamp": dt.datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z"),
                           stat: value, "Unit": "Count" if stat == "Sum" else unit})
        random.Random(3).shuffle(points)
        docs.append(json.dumps({"Label": name, "Datapoints": points}, indent=4))
    return "\n".join(docs)


# --- cost files ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CostLine:
    product: str
    usage_type: str
    amount: float
    unit: str
    cost: float
    line_type: str = "Usage"
    region: str = "us-east-1"


def lambda_cost_lines(invs: list[Invocation], *, request_price: float = 0.20,
                      gb_s_price: float = 0.0000166667, prefix: str = "",
                      region: str = "us-east-1") -> list[CostLine]:
    gb_s = sum(i.billed * i.memory for i in invs) / 1024 / 1000
    return [
        CostLine("AWSLambda", f"{prefix}Request", len(invs), "Requests",
                 len(invs) / 1e6 * request_price, region=region),
        CostLine("AWSLambda", f"{prefix}Lambda-GB-Second", gb_s, "Lambda-GB-Second",
                 gb_s * gb_s_price, region=region),
    ]


NOISE_LINES = [
    CostLine("AmazonEC2", "BoxUsage:t3.micro", 48, "Hrs", 48 * 0.0104),
    CostLine("AmazonApiGateway", "ApiGatewayHttpRequest", 25_664, "Requests", 25_664 / 1e6 * 1.0),
    CostLine("AWSELB", "LoadBalancerUsage", 48, "Hrs", 48 * 0.0225),
    CostLine("AmazonEC2", "NatGateway-Hours", 48, "Hrs", 48 * 0.045),
    CostLine("AmazonVPC", "PublicIPv4:InUseAddress", 96, "Hrs", 96 * 0.005),
    CostLine("AmazonCloudWatch", "DataProcessing-Bytes", 0.5, "GB", 0.25),
    CostLine("AmazonS3", "TimedStorage-ByteHrs", 12.0, "GB-Mo", 0.276),
    CostLine("AWSLambda", "", 0, "", 0.31, line_type="Tax"),
    CostLine("AWSLambda", "", 0, "", -1.5, line_type="Credit"),
]


def _period(days: float) -> tuple[str, str]:
    end = START + dt.timedelta(days=days)
    return START.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")


CUR2_COLUMNS = ["identity_line_item_id", "bill_payer_account_id", "line_item_usage_account_id",
                "line_item_line_item_type", "line_item_usage_start_date",
                "line_item_usage_end_date", "line_item_product_code", "line_item_usage_type",
                "line_item_operation", "line_item_resource_id", "line_item_usage_amount",
                "pricing_unit", "line_item_unblended_cost", "product_region_code"]


def cur2_rows(lines: list[CostLine], days: float = 7.0) -> list[dict]:
    start, end = _period(days)
    return [{"identity_line_item_id": f"id{n}", "bill_payer_account_id": "123456789012",
             "line_item_usage_account_id": "123456789012", "line_item_line_item_type": c.line_type,
             "line_item_usage_start_date": start, "line_item_usage_end_date": end,
             "line_item_product_code": c.product, "line_item_usage_type": c.usage_type,
             "line_item_operation": "Invoke",
             "line_item_resource_id": "arn:aws:lambda:us-east-1:123456789012:function:secret-fn",
             "line_item_usage_amount": c.amount, "pricing_unit": c.unit,
             "line_item_unblended_cost": c.cost,
             "product_region_code": c.region if c.line_type == "Usage" else ""}
            for n, c in enumerate(lines)]


def _csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def cur2_csv(lines: list[CostLine], days: float = 7.0) -> str:
    return _csv(CUR2_COLUMNS, cur2_rows(lines, days))


def cur2_parquet(lines: list[CostLine], days: float = 7.0) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = cur2_rows(lines, days)
    for r in rows:
        for k in ("line_item_usage_start_date", "line_item_usage_end_date"):
            r[k] = dt.datetime.fromisoformat(r[k].replace("Z", "+00:00"))
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buf)
    return buf.getvalue()


def cur_legacy_csv(lines: list[CostLine], days: float = 7.0) -> str:
    start, end = _period(days)
    cols = ["identity/LineItemId", "lineItem/UsageAccountId", "lineItem/LineItemType",
            "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
            "lineItem/UsageType", "lineItem/ResourceId", "lineItem/UsageAmount", "pricing/unit",
            "lineItem/UnblendedCost", "product/regionCode"]
    rows = [{"identity/LineItemId": f"id{n}", "lineItem/UsageAccountId": "123456789012",
             "lineItem/LineItemType": c.line_type, "lineItem/UsageStartDate": start,
             "lineItem/UsageEndDate": end, "lineItem/ProductCode": c.product,
             "lineItem/UsageType": c.usage_type,
             "lineItem/ResourceId": "arn:aws:lambda:us-east-1:123456789012:function:secret-fn",
             "lineItem/UsageAmount": c.amount, "pricing/unit": c.unit,
             "lineItem/UnblendedCost": c.cost, "product/regionCode": c.region}
            for n, c in enumerate(lines)]
    return _csv(cols, rows)


def focus_csv(lines: list[CostLine], days: float = 7.0) -> str:
    start, end = _period(days)
    cols = ["BillingAccountId", "ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd",
            "ServiceName", "x_ServiceCode", "x_UsageType", "ResourceId", "ConsumedQuantity",
            "ConsumedUnit", "BilledCost", "RegionId"]
    kind = {"Usage": "Usage", "Tax": "Tax", "Credit": "Credit", "Refund": "Adjustment"}
    rows = [{"BillingAccountId": "123456789012", "ChargeCategory": kind.get(c.line_type, "Usage"),
             "ChargePeriodStart": start, "ChargePeriodEnd": end, "ServiceName": c.product,
             "x_ServiceCode": c.product, "x_UsageType": c.usage_type,
             "ResourceId": "arn:aws:lambda:us-east-1:123456789012:function:secret-fn",
             "ConsumedQuantity": c.amount, "ConsumedUnit": c.unit, "BilledCost": c.cost,
             "RegionId": c.region}
            for c in lines]
    return _csv(cols, rows)


def gz(text: str | bytes) -> bytes:
    return gzip.compress(text.encode() if isinstance(text, str) else text)


def hourly_counts(invs: list[Invocation]) -> Counter[int]:
    return Counter(int(i.ts // 3600) for i in invs)
