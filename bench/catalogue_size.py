"""Does carrying every Linux type of the feed (previous generation and accelerated types,
priced when named) slow the "auto" search? compare() on the seeded book against the same
book holding only the types "auto" searches (what the book held before), interleaved in one
run so the shared machine's load hits both alike.

Run from the repository root: ``.venv/bin/python bench/catalogue_size.py [REGION]``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import seeded_sheet  # noqa: E402

from advisor.pricing.catalogue import is_searched  # noqa: E402
from advisor.pricing.compare import compare  # noqa: E402
from advisor.pricing.workload import parse_workload  # noqa: E402

RUNS = 200
WORKLOADS = {
    "default (ALB, fixed fleet)": {"requests_per_month": 3e6, "duration_ms": 120,
                                   "memory_mb": 1536},
    "four options, autoscale": {"requests_per_month": 3e7, "duration_ms": 120, "memory_mb": 1536,
                                "ec2": {"scaling": "autoscale"},
                                "options": ["lambda", "ec2", "lambda_managed_instances",
                                            "fargate"]},
}


def main() -> None:
    region = sys.argv[1] if len(sys.argv) > 1 else "us-east-1"
    full = seeded_sheet(region)
    names = tuple(t.name for t in full.instance_types if is_searched(t.name))
    before = seeded_sheet(region, only=names)
    out = {"region": region, "types": len(full.instance_types), "searched": len(names)}
    for label, data in WORKLOADS.items():
        w = parse_workload({**data, "region": region})
        compare(w, full)
        compare(w, before)
        a, b = [], []
        for _ in range(RUNS):
            t = time.perf_counter()
            compare(w, full)
            a.append(time.perf_counter() - t)
            t = time.perf_counter()
            compare(w, before)
            b.append(time.perf_counter() - t)
        ma, mb = statistics.median(a) * 1e3, statistics.median(b) * 1e3
        out[label] = {"every_type_ms": round(ma, 2), "searched_only_ms": round(mb, 2),
                      "ratio": round(ma / mb, 3)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
