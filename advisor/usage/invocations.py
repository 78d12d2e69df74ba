"""Lambda invocations read one by one (from REPORT lines in any of the log formats), kept as
running sums and small histograms so that any number of lines takes the same memory.

Field meanings are AWS's ("REPORT line data fields", Lambda developer guide:
https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html#python-logging-output and
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html): Duration is the
handler's run time, Billed Duration what was billed (INIT included since August 2025), Memory
Size the configured memory, Max Memory Used the most the environment used, Init Duration the
INIT phase of the invocation that started a new environment (a cold start).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from advisor.usage import shape
from advisor.usage.base import Params, Usage, UsageError

# Duration percentiles come from bins 0.1 % wide (log scale): 22,000 bins from 0.001 ms to
# Lambda's 900,000 ms whatever the number of lines, each percentile within 0.1 % of the exact
# order statistic.
_BINS_PER_E = 1000.0
_BIN_OFFSET = 6908  # floor(ln(0.001 ms) * 1000) = -6908 is bin 0
_NBINS = _BIN_OFFSET + 13711  # ln(900,000) * 1000 < 13,711


def _bin(duration: float) -> int:
    d = min(max(duration, 0.001), 900_000.0)
    return math.floor(math.log(d) * _BINS_PER_E) + _BIN_OFFSET


class Invocations:
    """Running totals of invocations; ``add`` is called once per REPORT."""

    def __init__(self) -> None:
        self.count = 0
        self.duration_sum = 0.0
        self.duration_max = 0.0
        self.billed_sum = 0.0
        self.billed_gb_s = 0.0
        self.init_count = 0
        self.init_sum = 0.0
        self.timeouts = 0
        self.memory: Counter[int] = Counter()
        self.used: Counter[int] = Counter()
        self.bins = np.zeros(_NBINS, dtype=np.int64)
        self.hourly: Counter[int] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.lines = 0
        self.skipped = 0
        self.malformed = 0
        self.untimed = 0

    def add(self, ts: float | None, duration: float, billed: float, memory: int, used: int,
            init: float | None, timeout: bool) -> None:
        self.count += 1
        self.duration_sum += duration
        if duration > self.duration_max:
            self.duration_max = duration
        self.billed_sum += billed
        self.billed_gb_s += billed * memory
        self.bins[_bin(duration)] += 1
        self.memory[memory] += 1
        self.used[used] += 1
        if init is not None:
            self.init_count += 1
            self.init_sum += init
        if timeout:
            self.timeouts += 1
        if ts is None:
            self.untimed += 1
            return
        if self.first is None or ts < self.first:
            self.first = ts
        if self.last is None or ts > self.last:
            self.last = ts
        self.hourly[int(ts // 3600)] += 1

    def add_batch(self, durations: np.ndarray, billed: np.ndarray, billed_mb_ms: float,
                  memory: dict[int, int], used: dict[int, int], inits: np.ndarray,
                  timeouts: int, hourly: Counter[int], first: float | None,
                  last: float | None, untimed: int) -> None:
        """Many invocations at once (the text reader's fast path); the same sums as ``add``.
        ``billed_mb_ms`` is the sum of Billed Duration x Memory Size."""
        n = len(durations)
        if n == 0:
            return
        self.count += n
        self.duration_sum += float(durations.sum())
        self.duration_max = max(self.duration_max, float(durations.max()))
        self.billed_sum += float(billed.sum())
        self.billed_gb_s += billed_mb_ms
        clipped = np.clip(durations, 0.001, 900_000.0)
        keys = np.floor(np.log(clipped) * _BINS_PER_E).astype(np.int64) + _BIN_OFFSET
        self.bins += np.bincount(keys, minlength=_NBINS)
        self.memory.update(memory)
        self.used.update(used)
        self.init_count += len(inits)
        self.init_sum += float(inits.sum())
        self.timeouts += timeouts
        self.hourly.update(hourly)
        self.untimed += untimed
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last

    # --- results -------------------------------------------------------------------------

    def percentile(self, q: float) -> float:
        """The q-th percentile (nearest rank) of Duration, from the bins."""
        rank = max(1, math.ceil(q / 100 * self.count))
        key = int(np.searchsorted(np.cumsum(self.bins), rank))
        if key >= _NBINS:
            return self.duration_max
        return min(math.exp((key - _BIN_OFFSET + 0.5) / _BINS_PER_E), self.duration_max)

    def used_percentile(self, q: float) -> int:
        rank = max(1, math.ceil(q / 100 * self.count))
        seen = 0
        for mb in sorted(self.used):
            seen += self.used[mb]
            if seen >= rank:
                return mb
        return max(self.used, default=0)

    def span_hours(self, params: Params) -> float:
        if params.hours is not None:
            return params.hours
        if self.first is None or self.last is None or self.last <= self.first:
            raise UsageError("parameter", "the lines carry no timestamps (or only one instant), "
                             "so the hours they cover must be given: set hours", "hours")
        return (self.last - self.first) / 3600

    def usage(self, fmt: str, params: Params, warnings: list[str]) -> Usage:
        if self.count == 0:
            raise UsageError("unusable", "no REPORT line was found: the file holds no Lambda "
                             "invocation (START, END and the function's own output are "
                             "skipped)")
        span = self.span_hours(params)
        if span <= 0:
            raise UsageError("parameter", "hours must be greater than 0", "hours")
        # The most frequent size (the larger on a tie, whatever order the lines came in).
        memory = max(self.memory.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if len(self.memory) > 1:
            sizes = ", ".join(f"{mb} MB ({n:,})" for mb, n in sorted(self.memory.items()))
            warnings.append(f"several memory sizes were seen ({sizes}); the most frequent, "
                            f"{memory} MB, is used")
        if params.memory_mb is not None:
            memory = params.memory_mb
        if self.malformed:
            warnings.append(f"{self.malformed:,} REPORT line(s) could not be read (cut short or "
                            "changed) and were left out")
        if self.untimed and self.first is not None:
            warnings.append(f"{self.untimed:,} REPORT line(s) had no timestamp; they count in "
                            "the totals but not in the hourly shape")
        mean = self.duration_sum / self.count
        requests = self.count * shape.HOURS_PER_MONTH / span
        workload: dict[str, Any] = {
            "requests_per_month": round(requests, 3),
            "duration_ms": round(max(mean, 0.001), 4),
            "memory_mb": int(min(max(memory, 128), 10240)),
            "cold_start_rate": round(self.init_count / self.count, 6),
            "init_duration_ms": round(min(self.init_sum / self.init_count, 10000), 3)
            if self.init_count else 0,
        }
        if params.region:
            workload["region"] = params.region
        if params.free_tier is not None:
            workload["free_tier"] = params.free_tier
        if self.hourly:
            workload["traffic"] = shape.traffic(self.hourly, span, sum(self.hourly.values()))
            days = shape.daily_range(self.hourly, workload["requests_per_month"])
            if days is not None and params.hours is None:
                workload["ranges"] = {"requests_per_month": days}
        used_p50, used_p99 = self.used_percentile(50), self.used_percentile(99)
        used_max = max(self.used)
        measured = {
            "invocations": self.count,
            "span_hours": round(span, 4),
            "duration_ms": {"mean": round(mean, 4), "p50": round(self.percentile(50), 3),
                            "p90": round(self.percentile(90), 3),
                            "p99": round(self.percentile(99), 3),
                            "max": round(self.duration_max, 3)},
            "billed_duration_ms_mean": round(self.billed_sum / self.count, 4),
            "billed_gb_seconds": round(self.billed_gb_s / 1024 / 1000, 6),
            "memory_mb": memory,
            "memory_sizes": {str(mb): n for mb, n in sorted(self.memory.items())},
            "max_memory_used_mb": {"p50": used_p50, "p99": used_p99, "max": used_max},
            "cold_starts": self.init_count,
            "cold_start_rate": workload["cold_start_rate"],
            "init_duration_ms_mean": workload["init_duration_ms"],
            "timeouts": self.timeouts,
            "busiest_hour_to_mean": shape.busiest_hour_ratio(
                self.hourly, span, sum(self.hourly.values())) if self.hourly else None,
            "hourly_requests": shape.hourly_series(self.hourly),
            "lines": {"read": self.lines, "used": self.count, "skipped": self.skipped,
                      "malformed": self.malformed},
        }
        suggestions = [f"p99 uses {used_p99} MB of {memory} MB"]
        if used_p99 * 2 < memory and memory > 128:
            suggestions.append(f"memory could be lowered toward {max(128, used_p99 * 3 // 2)} MB "
                               "(run time may grow: the CPU share follows memory)")
        if self.timeouts:
            suggestions.append(f"{self.timeouts:,} invocation(s) timed out")
        return Usage(fmt, workload, measured, warnings, suggestions)
