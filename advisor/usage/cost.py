"""Cost files read row by row: the usage lines that matter to the comparison, by usage type,
and everything else (tax, credits, refunds, other products) listed apart, never mixed in.

Each format (CUR 2.0, legacy CUR, FOCUS 1.2) only names its columns (:class:`Columns`); the
rows are read here, from CSV (gzip undone by :class:`~advisor.usage.base.Source`) or Parquet,
a batch of rows at a time. Account IDs and resource ARNs are never read.

Usage types (AWS, "Understanding your usage types", and each service's pricing page):
Lambda ``Request``, ``Request-ARM``, ``Lambda-GB-Second``, ``Lambda-GB-Second-ARM``,
``Lambda-Provisioned-Concurrency[-ARM]``, ``Lambda-Provisioned-GB-Second[-ARM]``; API Gateway
``ApiGatewayHttpRequest`` and ``ApiGatewayRequest``; EC2 ``BoxUsage:<type>``; ELB
``LoadBalancerUsage`` and ``LCUUsage``; ``NatGateway-Hours``, ``NatGateway-Bytes``;
``PublicIPv4:InUseAddress`` / ``IdleAddress``; CloudWatch Logs ``DataProcessing-Bytes`` and
``VendedLog-Bytes``. A usage type starts with its region's code (``APN2-``, ``EUC1-``), none
for us-east-1 (AWS, https://docs.aws.amazon.com/cur/latest/userguide/ce-default-reports.html
and the region codes in https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/con-bill-blended-rates.html).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from advisor.usage import shape
from advisor.usage.base import PARQUET_MAGIC, Params, Source, Usage, UsageError, head_text

DEFAULT_MEMORY_MB = 1024

# Usage-type prefix -> region (no prefix: us-east-1).
PREFIX_REGIONS = {
    "USE1": "us-east-1", "USE2": "us-east-2", "USW1": "us-west-1", "USW2": "us-west-2",
    "CAN1": "ca-central-1", "CAN2": "ca-west-1", "SAE1": "sa-east-1", "MXC1": "mx-central-1",
    "EU": "eu-west-1", "EUW2": "eu-west-2", "EUW3": "eu-west-3", "EUC1": "eu-central-1",
    "EUC2": "eu-central-2", "EUN1": "eu-north-1", "EUS1": "eu-south-1", "EUS2": "eu-south-2",
    "APN1": "ap-northeast-1", "APN2": "ap-northeast-2", "APN3": "ap-northeast-3",
    "APS1": "ap-southeast-1", "APS2": "ap-southeast-2", "APS3": "ap-south-1",
    "APS4": "ap-southeast-3", "APS5": "ap-south-2", "APS6": "ap-southeast-4",
    "APS7": "ap-southeast-5", "APE1": "ap-east-1", "MES1": "me-south-1", "MEC1": "me-central-1",
    "ILC1": "il-central-1", "AFS1": "af-south-1", "UGW1": "us-gov-west-1",
    "UGE1": "us-gov-east-1",
}
_PREFIX = re.compile(r"^(EU|[A-Z]{3}\d)-(.+)$")

# Usage type (prefix removed) -> (price-book key, amount per priced unit, what it is).
_LAMBDA = {
    "Request": ("lambda.x86_64.requests", 1e6),
    "Request-ARM": ("lambda.arm64.requests", 1e6),
    "Lambda-GB-Second": ("lambda.x86_64.duration", 1.0),
    "Lambda-GB-Second-ARM": ("lambda.arm64.duration", 1.0),
    "Lambda-Provisioned-Concurrency": ("lambda.x86_64.provisioned", 1.0),
    "Lambda-Provisioned-Concurrency-ARM": ("lambda.arm64.provisioned", 1.0),
    "Lambda-Provisioned-GB-Second": ("lambda.x86_64.provisioned_duration", 1.0),
    "Lambda-Provisioned-GB-Second-ARM": ("lambda.arm64.provisioned_duration", 1.0),
}
_OTHER = {
    "ApiGatewayHttpRequest": ("apigw.http.requests", 1e6),
    "ApiGatewayRequest": ("apigw.rest.requests", 1e6),
    "LoadBalancerUsage": ("alb.hourly", 1.0),
    "LCUUsage": ("alb.lcu_hourly", 1.0),
    "NatGateway-Hours": ("nat.hourly", 1.0),
    "NatGateway-Bytes": ("nat.per_gb", 1.0),
    "PublicIPv4:InUseAddress": ("vpc.public_ipv4_hourly", 1.0),
    "PublicIPv4:IdleAddress": ("vpc.public_ipv4_hourly", 1.0),
    "DataProcessing-Bytes": ("logs.ingestion_per_gb", 1.0),
    "VendedLog-Bytes": ("logs.ingestion_per_gb", 1.0),
}


@dataclass(frozen=True)
class Columns:
    """One format's column names (a tuple: the first present is used)."""

    line_type: tuple[str, ...]
    product: tuple[str, ...]
    usage_type: tuple[str, ...]
    amount: tuple[str, ...]
    unit: tuple[str, ...]
    cost: tuple[str, ...]
    region: tuple[str, ...]
    start: tuple[str, ...]
    end: tuple[str, ...]
    # line_type values that are usage (everything else is listed apart by its own name).
    usage_values: frozenset[str]


def split_usage_type(usage_type: str) -> tuple[str | None, str]:
    """("ap-northeast-2", "Request") from "APN2-Request"; (None, "Request") when no prefix
    (us-east-1, or a prefix this table does not know)."""
    m = _PREFIX.match(usage_type)
    if m and m.group(1) in PREFIX_REGIONS:
        return PREFIX_REGIONS[m.group(1)], m.group(2)
    return None, usage_type


def classify(product: str, usage_type: str) -> tuple[str, float] | None:
    """The price-book key and the amount per priced unit of a usage line, or None."""
    _region, base = split_usage_type(usage_type)
    if product == "AWSLambda" and base in _LAMBDA:
        return _LAMBDA[base]
    if base.startswith("BoxUsage:"):
        return "instance:" + base.split(":", 1)[1], 1.0
    return _OTHER.get(base)


class CostReader:
    """The shared reader; a format module gives ``name``, ``title``, ``columns`` and
    ``marker`` (a column name only its header has)."""

    name = ""
    title = ""
    columns: Columns
    marker = ""

    def recognises(self, head: bytes) -> bool:
        if head.startswith(PARQUET_MAGIC):
            return False  # the Parquet schema is checked by cost.recognise_parquet
        first = head_text(head).split("\n", 1)[0]
        return self.marker in first

    def read(self, source: Source, params: Params) -> Usage:
        if source.head.startswith(PARQUET_MAGIC):
            rows = _parquet_rows(source.seekable_file())
        else:
            rows = _csv_rows(source.lines())
        return _usage(self, rows, params)


def parquet_columns(source: Source) -> list[str]:
    """The column names of a Parquet file (read from its footer)."""
    import pyarrow.parquet as pq

    try:
        return list(pq.ParquetFile(source.seekable_file()).schema_arrow.names)
    except Exception as exc:  # pyarrow raises its own error types for a damaged file
        raise UsageError("unrecognised", f"the Parquet file cannot be read: {exc}") from None


def _csv_rows(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    reader = csv.reader(lines)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        return
    width = len(header)
    for row in reader:
        if len(row) != width:
            yield {"__malformed__": True}
            continue
        yield dict(zip(header, row, strict=True))


def _parquet_rows(file: IO[bytes]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(file)
        for batch in parquet.iter_batches(batch_size=10_000):
            yield from batch.to_pylist()
    except UsageError:
        raise
    except Exception as exc:  # pyarrow's own error types
        raise UsageError("unusable", f"the Parquet file cannot be read: {exc}") from None


def _pick(row: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in row:
            return row[name]
    return None


def _number(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    return float(value)


def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _usage(reader: CostReader, rows: Iterable[dict[str, Any]], params: Params) -> Usage:
    c = reader.columns
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    apart: dict[tuple[str, str, str], float] = {}
    regions: dict[str, float] = {}
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    read = malformed = 0
    for row in rows:
        read += 1
        if "__malformed__" in row:
            malformed += 1
            continue
        try:
            line_type = str(_pick(row, c.line_type) or "")
            product = str(_pick(row, c.product) or "")
            usage_type = str(_pick(row, c.usage_type) or "")
            amount = _number(_pick(row, c.amount))
            cost = _number(_pick(row, c.cost))
        except (TypeError, ValueError):
            malformed += 1
            continue
        if line_type not in c.usage_values:
            key = (line_type.lower() or "other", product, usage_type)
            apart[key] = apart.get(key, 0) + cost
            continue
        found = classify(product, usage_type)
        if found is None:
            key = ("other", product, usage_type)
            apart[key] = apart.get(key, 0) + cost
            continue
        prefix_region, base = split_usage_type(usage_type)
        region = str(_pick(row, c.region) or "") or prefix_region or "us-east-1"
        regions[region] = regions.get(region, 0) + cost + 1e-9
        s, e = _when(_pick(row, c.start)), _when(_pick(row, c.end))
        if s is not None and (start is None or s < start):
            start = s
        if e is not None and (end is None or e > end):
            end = e
        key = (product, base, region)
        line = lines.get(key)
        if line is None:
            line = lines[key] = {"product_code": product, "usage_type": base, "region": region,
                                 "amount": 0.0, "unit": str(_pick(row, c.unit) or ""),
                                 "billed_usd": 0.0, "priced_usd": None,
                                 "rate_key": found[0], "per": found[1]}
        line["amount"] += amount
        line["billed_usd"] += cost
    if not lines and not apart:
        raise UsageError("unusable", "no cost line was found: the file has a header but no rows")
    warnings: list[str] = []
    if malformed:
        warnings.append(f"{malformed:,} row(s) could not be read and were left out")
    if not lines:
        raise UsageError("unusable", "no usage line of Lambda, API Gateway, EC2, ELB, NAT, "
                         "public IPv4 or CloudWatch Logs was found")
    hours = params.hours
    if hours is None:
        if start is None or end is None or end <= start:
            raise UsageError("parameter", "the rows carry no usage dates, so the hours they "
                             "cover must be given: set hours", "hours")
        hours = (end - start).total_seconds() / 3600
    region = params.region or max(regions, key=lambda r: regions[r])
    if len(regions) > 1:
        warnings.append("usage in several regions (" + ", ".join(sorted(regions))
                        + f"); the workload is read from {region}")
    memory = params.memory_mb
    ordered = sorted(lines.values(), key=lambda x: (x["product_code"], x["usage_type"], x["region"]))
    workload, measured, more = _workload(ordered, region, hours, memory, params)
    warnings.extend(more)
    bill = {
        "lines": [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in line.items()}
                  for line in ordered],
        "billed_usd": round(sum(x["billed_usd"] for x in ordered), 6),
        "priced_usd": None,
        "period": {"start": start.isoformat() if start else None,
                   "end": end.isoformat() if end else None, "hours": round(hours, 4)},
        "apart": [{"kind": k[0], "product_code": k[1], "usage_type": k[2],
                   "billed_usd": round(v, 6)} for k, v in sorted(apart.items())],
    }
    measured["lines"] = {"read": read, "used": sum(1 for _ in ordered), "malformed": malformed}
    return Usage(reader.name, workload, measured, warnings, [], bill)


def _workload(lines: list[dict[str, Any]], region: str, hours: float, memory: int | None,
              params: Params) -> tuple[dict[str, Any] | None, dict[str, Any], list[str]]:
    def total(*keys: str) -> float:
        return sum(x["amount"] for x in lines if x["rate_key"] in keys and x["region"] == region)

    requests = total("lambda.x86_64.requests", "lambda.arm64.requests")
    gb_s_x86 = total("lambda.x86_64.duration")
    gb_s_arm = total("lambda.arm64.duration")
    http = total("apigw.http.requests")
    rest = total("apigw.rest.requests")
    box = {x["usage_type"].split(":", 1)[1]: x["amount"] for x in lines
           if x["rate_key"].startswith("instance:") and x["region"] == region}
    measured: dict[str, Any] = {
        "region": region, "span_hours": round(hours, 4), "lambda_requests": requests,
        "lambda_gb_seconds": round(gb_s_x86 + gb_s_arm, 6), "api_gateway_requests": http + rest,
        "ec2_instance_hours": {k: round(v, 4) for k, v in sorted(box.items())},
    }
    warnings: list[str] = []
    volume = requests or http or rest
    if volume <= 0:
        warnings.append("no Lambda or API Gateway requests: the bill is read, but no workload "
                        "can be built from it")
        return None, measured, warnings
    scale = shape.HOURS_PER_MONTH / hours
    if memory is None:
        memory = DEFAULT_MEMORY_MB
        warnings.append(f"a cost file does not say the function's memory; {memory} MB is "
                        "assumed (set memory_mb): duration_ms follows from it")
    workload: dict[str, Any] = {"region": region, "requests_per_month": round(volume * scale, 3),
                                "memory_mb": memory}
    gb_s = gb_s_x86 + gb_s_arm
    if requests > 0 and gb_s > 0:
        workload["duration_ms"] = round(gb_s / (requests * memory / 1024) * 1000, 4)
    else:
        workload["duration_ms"] = 100
        warnings.append("no Lambda GB-seconds: duration_ms is set to 100 ms; set your own")
    measured["duration_ms"] = {"mean": workload["duration_ms"]}
    measured["memory_mb"] = memory
    if gb_s_arm > gb_s_x86:
        workload["architecture"] = "arm64"
    if http or rest:
        workload["front_door"] = "http_api" if http >= rest else "rest_api"
    warm = total("lambda.x86_64.provisioned", "lambda.arm64.provisioned")
    if warm > 0:
        envs = round(warm / (memory / 1024) / (hours * 3600))
        if envs >= 1:
            workload["provisioned_concurrency"] = envs
    if params.free_tier is not None:
        workload["free_tier"] = params.free_tier
    return workload, measured, warnings
