"""CloudWatch metrics as the CLI prints them.

- ``aws cloudwatch get-metric-data``: ``{"MetricDataResults": [{"Id", "Label", "Timestamps",
  "Values", "StatusCode"}], "Messages"}``, timestamps newest first by default (AWS CLI
  reference, https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/get-metric-data.html).
- ``aws cloudwatch get-metric-statistics``: ``{"Label", "Datapoints": [{"Timestamp", "Sum" |
  "Average", "Unit"}]}`` in no set order, one metric a call (AWS CLI reference,
  https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/get-metric-statistics.html); two
  calls' outputs may be saved one after the other in one file.

Metrics, recognised by Label or Id: Lambda's ``Invocations`` (Sum, a count) and ``Duration``
(Average, milliseconds) (AWS, "Types of metrics for Lambda functions",
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html); an Application
Load Balancer's ``RequestCount`` (Sum) and ``TargetResponseTime`` (Average, in **seconds**)
(AWS, "CloudWatch metrics for your Application Load Balancer",
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from advisor.usage import shape
from advisor.usage.base import Params, Source, Usage, UsageError, head_text
from advisor.usage.lambda_lines import epoch

# Metric files are small (1,440 five-minute points a day); this many bytes is weeks of data.
MAX_METRICS_TEXT = 50 * 1024 * 1024
DEFAULT_MEMORY_MB = 1024

_KINDS = {  # words in a Label or Id -> (kind, statistic key of get-metric-statistics)
    "targetresponsetime": ("alb_time", "Average"),
    "requestcount": ("alb_count", "Sum"),
    "invocations": ("lambda_count", "Sum"),
    "duration": ("lambda_time", "Average"),
}


class MetricsReader:
    name = "cloudwatch_metrics"
    title = "aws cloudwatch get-metric-data / get-metric-statistics JSON"

    def recognises(self, head: bytes) -> bool:
        text = head_text(head).lstrip()
        return text.startswith("{") and ('"MetricDataResults"' in text or '"Datapoints"' in text)

    def read(self, source: Source, params: Params) -> Usage:
        raw = source.binary().read(MAX_METRICS_TEXT + 1)
        if len(raw) > MAX_METRICS_TEXT:
            raise UsageError("unusable", "a metrics file of over 50 MB is not a CLI output")
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        series: dict[str, dict[float, float]] = {}
        units: dict[str, str] = {}
        warnings: list[str] = []
        decoder, pos = json.JSONDecoder(), 0
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                break
            try:
                doc, pos = decoder.raw_decode(text, pos)
            except ValueError as exc:
                raise UsageError("unusable", f"the metrics JSON cannot be read: {exc}") from None
            for label, points, unit in _documents(doc):
                kind = _kind(label)
                if kind is None:
                    warnings.append(f"the metric {label[:80]!r} is not one this reads "
                                    "(Invocations, Duration, RequestCount, TargetResponseTime)")
                    continue
                series.setdefault(kind, {}).update(points)
                if unit:
                    units[kind] = unit
        return _usage(series, units, params, warnings)


def _documents(doc: Any) -> list[tuple[str, dict[float, float], str]]:
    out = []
    if isinstance(doc, dict) and isinstance(doc.get("MetricDataResults"), list):
        for result in doc["MetricDataResults"]:
            if not isinstance(result, dict):
                continue
            label = f"{result.get('Label', '')} {result.get('Id', '')}"
            stamps, values = result.get("Timestamps") or [], result.get("Values") or []
            points = {}
            for stamp, value in zip(stamps, values, strict=False):
                ts = epoch(stamp) if isinstance(stamp, str) else None
                if ts is not None and isinstance(value, int | float):
                    points[ts] = float(value)
            out.append((label, points, ""))
    elif isinstance(doc, dict) and isinstance(doc.get("Datapoints"), list):
        label = str(doc.get("Label", ""))
        stat = _statistic(label)
        points, unit = {}, ""
        for point in doc["Datapoints"]:
            if not isinstance(point, dict):
                continue
            ts = epoch(point["Timestamp"]) if isinstance(point.get("Timestamp"), str) else None
            value = point.get(stat)
            if ts is not None and isinstance(value, int | float):
                points[ts] = float(value)
                unit = str(point.get("Unit", unit))
        out.append((label, points, unit))
    return out


def _kind(label: str) -> str | None:
    low = label.lower().replace("_", "").replace(" ", "")
    for word, (kind, _stat) in _KINDS.items():
        if word in low:
            return kind
    return None


def _statistic(label: str) -> str:
    low = label.lower().replace("_", "").replace(" ", "")
    for word, (_kind_name, stat) in _KINDS.items():
        if word in low:
            return stat
    return "Sum"


def _period(stamps: list[float]) -> float:
    gaps = Counter(round(b - a) for a, b in zip(stamps, stamps[1:], strict=False) if b > a)
    return float(gaps.most_common(1)[0][0]) if gaps else 3600.0


def _usage(series: dict[str, dict[float, float]], units: dict[str, str], params: Params,
           warnings: list[str]) -> Usage:
    side = "lambda" if "lambda_count" in series else "alb" if "alb_count" in series else None
    if side is None:
        raise UsageError("unusable", "no request count was found: the file needs Lambda's "
                         "Invocations (Sum) or an ALB's RequestCount (Sum)")
    counts = series[f"{side}_count"]
    times = series.get(f"{side}_time", {})
    stamps = sorted(counts)  # the CLI lists newest first; time runs forward here
    period = _period(stamps)
    total = sum(counts.values())
    span = params.hours if params.hours is not None else (stamps[-1] - stamps[0] + period) / 3600
    if total <= 0 or span <= 0:
        raise UsageError("unusable", "the request counts are all zero")
    # Seconds for the ALB's TargetResponseTime, milliseconds for Lambda's Duration, unless
    # get-metric-statistics names the unit.
    unit = units.get(f"{side}_time", "Seconds" if side == "alb" else "Milliseconds")
    scale = 1000.0 if unit.lower().startswith("second") else 1.0
    weighted = sum(times[t] * scale * counts[t] for t in counts if t in times and counts[t] > 0)
    matched = sum(counts[t] for t in counts if t in times)
    if matched > 0:
        duration = weighted / matched
    elif times:
        duration = sum(times.values()) / len(times) * scale
        warnings.append("the duration and count timestamps do not match; the plain mean of "
                        "the duration averages is used")
    else:
        raise UsageError("unusable", "no duration was found: the file needs Lambda's Duration "
                         "(Average) or an ALB's TargetResponseTime (Average) beside the counts")
    hourly: Counter[int] = Counter()
    for t, v in counts.items():
        hourly[int(t // 3600)] += v
    memory = params.memory_mb
    if memory is None:
        memory = DEFAULT_MEMORY_MB
        warnings.append(f"metrics do not say the function's memory; {memory} MB is assumed "
                        "(set memory_mb)")
    if side == "alb":
        warnings.append("TargetResponseTime is the time a target took to answer, waiting "
                        "included; set ec2.cpu_share to the part that is CPU work")
    requests = total * shape.HOURS_PER_MONTH / span
    workload: dict[str, Any] = {"requests_per_month": round(requests, 3),
                                "duration_ms": round(max(duration, 0.001), 4),
                                "memory_mb": memory}
    if params.region:
        workload["region"] = params.region
    if params.free_tier is not None:
        workload["free_tier"] = params.free_tier
    if period <= 3600:
        workload["traffic"] = shape.traffic(hourly, span, total)
        days = shape.daily_range(hourly, workload["requests_per_month"])
        if days is not None:
            workload["ranges"] = {"requests_per_month": days}
    else:
        warnings.append("the periods are longer than an hour, so the busiest hour cannot be "
                        "measured; peak_to_average is left at 1")
    measured = {
        "source": side,
        "invocations": round(total, 3),
        "span_hours": round(span, 4),
        "period_seconds": period,
        "datapoints": len(counts),
        "duration_ms": {"mean": round(duration, 4)},
        "memory_mb": memory,
        "busiest_hour_to_mean": shape.busiest_hour_ratio(hourly, span, total)
        if period <= 3600 else None,
        "hourly_requests": shape.hourly_series(hourly),
    }
    return Usage(MetricsReader.name, workload, measured, warnings, [])
