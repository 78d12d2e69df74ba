"""The measured workload as the contract in force accepts it.

A measured hourly shape is written as ``traffic.profile: "custom"`` with
``traffic.hourly_weights``; a contract without that profile gets the same workload with the
shape left out (flat, the measured peak-to-average kept).
"""

from __future__ import annotations

from typing import Any

from advisor.pricing.workload import FIELD_BY_NAME


def accepts_custom_profile() -> bool:
    return "custom" in FIELD_BY_NAME["traffic.profile"].choices


def accepted_workload(workload: dict[str, Any]) -> dict[str, Any]:
    traffic = workload.get("traffic")
    if not isinstance(traffic, dict) or accepts_custom_profile():
        return workload
    kept = {k: v for k, v in traffic.items() if k not in ("hourly_weights", "profile")}
    return {**workload, "traffic": kept}
