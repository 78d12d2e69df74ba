"""One-click starting points, taken from the use cases of the blog post the product grew from
(/work/shared/seed/aws-lambda-notes.ko.md): scheduled jobs, S3-upload triggers, pilots, an AI
chatbot with unknown traffic, and the two cases where EC2 usually wins (steady high traffic,
CPU-heavy work).

Values use the questionnaire's field names (the contract's, nested ones joined with "_"); the
rest of the form keeps the contract's defaults. A preset is a plain query string, so it works
as a link without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Preset:
    key: str
    title: str | Promise
    explanation: str | Promise
    values: dict[str, Any] = field(default_factory=dict)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "scheduled_job",
        _("Scheduled job"),
        _("A 2-minute, 1 GB job every hour (720 runs a month), started by a schedule."),
        {"requests_per_month": 720, "duration_ms": 120000, "memory_mb": 1024,
         "needs_use_case": "scheduled_job", "front_door": "none", "ec2_min_instances": 1, "ec2_availability_zones": 1,
         "ec2_load_balancer": "none"},
    ),
    Preset(
        "s3_trigger",
        _("S3-upload trigger"),
        _("200,000 uploads a month, each processed in 0.8 s with 1 GB; no HTTP front door."),
        {"requests_per_month": 200000, "duration_ms": 800, "memory_mb": 1024,
         "needs_use_case": "event_processing", "front_door": "none", "traffic_peak_to_average": 3, "ec2_load_balancer": "none"},
    ),
    Preset(
        "pilot",
        _("Pilot with unknown traffic"),
        _("A small API to test the market: 100,000 requests a month behind an HTTP API."),
        {"requests_per_month": 100000, "duration_ms": 150, "memory_mb": 512,
         "needs_use_case": "pilot", "front_door": "http_api", "traffic_peak_to_average": 4},
    ),
    Preset(
        "ai_chatbot",
        _("AI chatbot, unpredictable traffic"),
        _("2M messages a month, 2.5 s each but mostly waiting on a model API; spiky traffic."),
        {"requests_per_month": 2000000, "duration_ms": 2500, "memory_mb": 1024,
         "needs_use_case": "unpredictable_traffic", "front_door": "http_api", "traffic_profile": "spiky", "traffic_peak_to_average": 8,
         "ec2_cpu_share": 0.1, "ec2_scaling": "autoscale"},
    ),
    Preset(
        "steady_rest_api",
        _("Steady high-traffic REST API"),
        _("500 requests a second all month (about 1.3 billion), 50 ms each, office-hours peaks."),
        {"requests_per_month": 1314000000, "duration_ms": 50, "memory_mb": 512,
         "needs_use_case": "http_api", "front_door": "alb", "traffic_profile": "business_hours", "traffic_peak_to_average": 2,
         "ec2_scaling": "autoscale"},
    ),
    Preset(
        "cpu_batch",
        _("CPU-heavy batch work"),
        _("5M jobs a month, 20 s of full CPU each on two vCPUs (3,538 MB), on Graviton."),
        {"requests_per_month": 5000000, "duration_ms": 20000, "memory_mb": 3538,
         "needs_use_case": "batch", "architecture": "arm64", "front_door": "none", "ec2_cpu_share": 1,
         "ec2_load_balancer": "none"},
    ),
    # What `/` opens on. The contract's defaults stay the defaults everywhere; this richer start
    # is a named preset, and the page puts its inputs in the address.
    Preset(
        "small_api",
        _("Small API (the starting example)"),
        _("10M requests a month, 120 ms with 512 MB, behind an HTTP API, busiest hour 3× the "
          "average."),
        {"requests_per_month": 10_000_000, "duration_ms": 120, "memory_mb": 512,
         "front_door": "http_api", "traffic_peak_to_average": 3},
    ),
)

PRESET_BY_KEY: dict[str, Preset] = {p.key: p for p in PRESETS}
START_PRESET = "small_api"
