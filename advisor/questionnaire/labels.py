"""The questionnaire's words: labels, help, units, choice names, limit messages and sections.

Kept apart from the form so that the texts of results (texts.py) and the form (forms.py) can
both use them without importing each other.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

Text = str | Promise


def form_name(path: str) -> str:
    """Contract path -> form field name (``ec2.instance_type`` -> ``ec2_instance_type``)."""
    return path.replace(".", "_")


LABELS: dict[str, Text] = {
    "region": _("Region"),
    "requests_per_month": _("Requests a month"),
    "duration_ms": _("Duration of one request"),
    "memory_mb": _("Lambda memory"),
    "architecture": _("Architecture"),
    "ephemeral_storage_mb": _("Lambda /tmp storage"),
    "free_tier": _("Apply Lambda's always-free allowance"),
    "billing_granularity_ms": _("Billing granularity"),
    "hours_per_month": _("Hours in a month"),
    "cold_start_rate": _("Cold-start rate"),
    "init_duration_ms": _("INIT time of a cold start"),
    "front_door": _("Front door of Lambda"),
    "payload_kb": _("Payload per request"),
    "data_transfer_out_gb": _("Internet egress"),
    "provisioned_concurrency": _("Provisioned concurrency"),
    "provisioned_hours_per_month": _("Provisioned hours a month"),
    "provisioned_share_of_requests": _("Share served by provisioned environments"),
    "lambda_in_vpc_with_internet": _("Lambda in a VPC with internet access (NAT)"),
    "nat_processed_gb": _("Data through NAT gateways"),
    "traffic_peak_to_average": _("Peak to average"),
    "traffic_profile": _("Traffic profile"),
    "traffic_hourly_weights": _("Measured hourly traffic"),
    "connections_requests_per_connection": _("Requests per connection"),
    "connections_connection_seconds": _("Connection lifetime"),
    "connections_rules_per_request": _("Listener rules per request"),
    "ec2_instance_type": _("Instance type"),
    "ec2_purchase": _("Purchase option"),
    "ec2_min_instances": _("Minimum instances"),
    "ec2_target_utilization": _("Target CPU utilisation"),
    "ec2_scaling": _("Scaling"),
    "ec2_cpu_share": _("CPU share of the duration"),
    "ec2_load_balancer": _("Load balancer"),
    "ec2_ebs_gb_per_instance": _("EBS volume per instance"),
    "ec2_private_subnets_with_nat": _("EC2 in private subnets (NAT)"),
    "ec2_private_subnets": _("EC2 without public IPv4 addresses"),
    "ec2_families": _("Instance families for \"auto\""),
    "lambda_log_bytes_per_request": _("Lambda log bytes per request"),
    "ec2_log_bytes_per_request": _("EC2 log bytes shipped per request"),
    "ec2_availability_zones": _("Availability zones"),
    "needs_use_case": _("What the code does"),
    "needs_runs_over_15_minutes": _("One run can take longer than 15 minutes"),
    "needs_latency_budget_ms": _("Latency budget (p99)"),
    "needs_private_network": _("Must reach resources inside a VPC"),
    "needs_dedicated_tenancy": _("Compliance demands single-tenant hardware"),
    "needs_persistent_connections": _("Holds WebSockets or long-lived connections"),
    "needs_gpu": _("Needs a GPU"),
    "needs_task_memory_mb": _("Memory one task really needs"),
    "needs_task_vcpus": _("vCPUs one task needs"),
    "needs_no_server_team": _("No one can patch, scale and monitor servers"),
    "needs_ops_hours_per_month": _("Engineer time for EC2"),
    "needs_lambda_ops_hours_per_month": _("Engineer time for Lambda"),
    "needs_ops_hourly_usd": _("Cost of an engineer hour"),
    "avg_rps": _("or average requests a second"),
    "rate_basis": _("Traffic given as"),
}

HELP: dict[str, Text] = {
    "region": _("AWS region whose price book is used."),
    "requests_per_month": _("Invocations a month; for an API, HTTP requests a month."),
    "duration_ms": _("Average run time of one invocation as measured. Lambda bills it rounded "
                     "up to the billing granularity."),
    "memory_mb": _("Lambda's CPU grows with memory: 1,769 MB is one vCPU, up to 6 vCPUs."),
    "architecture": _("Sets the Lambda price and the EC2 family (Graviton for arm64)."),
    "ephemeral_storage_mb": _("The first 512 MB are free; more is billed per GB-second."),
    "free_tier": _("1M requests and 400,000 GB-seconds a month, always free. Other services' "
                   "12-month free tiers are not applied."),
    "billing_granularity_ms": _("1 ms since December 2020; 100 ms reproduces older bills."),
    "hours_per_month": _("AWS's calculator uses 730; some AWS examples use 720."),
    "cold_start_rate": _("Share of invocations that start a new environment (0 to 1; "
                         "typically under 0.01)."),
    "init_duration_ms": _("Billed like duration since August 2025."),
    "front_door": _("What receives the requests in front of Lambda; a function URL costs "
                    "nothing extra."),
    "payload_kb": _("Request plus response size of one call (HTTP APIs meter each 512 KB "
                    "started)."),
    "data_transfer_out_gb": _("Internet egress a month, priced the same on both sides."),
    "provisioned_concurrency": _("Lambda environments kept warm (0 for none)."),
    "provisioned_hours_per_month": _("Leave empty for the whole month when environments are "
                                     "kept warm."),
    "provisioned_share_of_requests": _("Leave empty for all requests when environments are "
                                       "kept warm (0 to 1)."),
    "lambda_in_vpc_with_internet": _("Lambda runs in private subnets and reaches the internet "
                                     "through one NAT gateway per availability zone."),
    "nat_processed_gb": _("Calls to outside APIs and downloads, on whichever side uses NAT."),
    "traffic_peak_to_average": _("Busiest hour's request rate divided by the monthly average; "
                                 "a fixed EC2 fleet is sized for it."),
    "traffic_profile": _("Shape of a week that an autoscaling EC2 fleet follows."),
    "traffic_hourly_weights": _("For the profile “Custom”: 24 numbers (one day from 00:00 UTC, "
                                "every day alike) or 168 (a week from Monday 00:00 UTC), each "
                                "hour's requests, separated by commas. The busiest hour sets "
                                "the peak to average: leave that empty or give the same."),
    "connections_requests_per_connection": _("For load-balancer capacity units."),
    "connections_connection_seconds": _("How long one client connection stays open."),
    "connections_rules_per_request": _("Listener rules evaluated per request; the first 10 are "
                                       "free."),
    "ec2_instance_type": _("\"auto\" picks the cheapest type that meets the load, or name a "
                           "type from the price book."),
    "ec2_purchase": _("Reserved instances (standard, no upfront) use each type's own rate "
                      "from AWS's feed; Savings Plan and Spot factors are estimates."),
    "ec2_families": _("Comma-separated, e.g. t4g,m7g,c7g; empty: the general purpose, "
                      "compute, memory and burstable families (m, c, r, x, z, t) of the "
                      "region's price book. Name an HPC or storage family to include it."),
    "ec2_private_subnets": _("Instances in private subnets hold no public IPv4 address "
                             "($0.005 an hour each otherwise)."),
    "lambda_log_bytes_per_request": _("Written to CloudWatch Logs per invocation: about 300 "
                                      "for Lambda's START, END and REPORT lines, plus what "
                                      "your code prints."),
    "ec2_log_bytes_per_request": _("Shipped to CloudWatch Logs per request (0: the logs stay "
                                   "on the instances)."),
    "ec2_min_instances": _("Two instances in two availability zones is the usual floor for "
                           "high availability."),
    "ec2_target_utilization": _("Share of each instance's CPU that peak load may use "
                                "(0.05 to 1)."),
    "ec2_scaling": _("Fixed: sized for the busiest hour all month. Autoscale: hour by hour "
                     "along the traffic profile."),
    "ec2_cpu_share": _("Share of the duration that is CPU work: 1 for CPU-bound work, lower "
                       "when the code mostly waits on I/O."),
    "ec2_load_balancer": _("Load balancer in front of the instances."),
    "ec2_ebs_gb_per_instance": _("gp3 root volume of each instance."),
    "ec2_private_subnets_with_nat": _("Instances reach the internet through one NAT gateway "
                                      "per availability zone."),
    "ec2_availability_zones": _("Also the number of NAT gateways on either side."),
    "needs_use_case": _("Feeds the recommendation; it changes no price."),
    "needs_runs_over_15_minutes": _("Lambda stops any invocation after 15 minutes."),
    "needs_latency_budget_ms": _("Response time callers can tolerate; leave empty for no "
                                 "budget. Cold starts count against it."),
    "needs_private_network": _("A database or internal services in a VPC."),
    "needs_dedicated_tenancy": _("Lambda runs only on shared hardware."),
    "needs_persistent_connections": _("Lambda handles one request at a time per environment."),
    "needs_gpu": _("Lambda offers no GPUs."),
    "needs_task_memory_mb": _("Even beyond Lambda's 10,240 MB; leave empty for the Lambda "
                              "memory above."),
    "needs_task_vcpus": _("Even beyond Lambda's 6; leave empty for what the Lambda memory "
                          "gives."),
    "needs_no_server_team": _("Counts against running a fleet yourself."),
    "needs_ops_hours_per_month": _("Patching, scaling and monitoring a fleet; 8 is our "
                                   "assumption: set your own."),
    "needs_lambda_ops_hours_per_month": _("Beyond what both sides share."),
    "needs_ops_hourly_usd": _("Loaded cost of an hour of engineer time; 75 is our assumption."),
    "avg_rps": _("Average over the month; converted with the hours in a month."),
    "rate_basis": "",
}

UNITS: dict[str, Text] = {
    "requests a month": _("requests a month"),
    "ms": _("ms"),
    "MB": _("MB"),
    "KB": _("KB"),
    "GB": _("GB"),
    "GB a month": _("GB a month"),
    "hours": _("hours"),
    "share": _("share, 0 to 1"),
    "environments": _("environments"),
    "ratio": _("× the average"),
    "requests": _("requests"),
    "seconds": _("seconds"),
    "rules": _("rules"),
    "instances": _("instances"),
    "AZs": _("AZs"),
    "requests a second": _("requests a second"),
    "vCPUs": _("vCPUs"),
    "USD an hour": _("USD an hour"),
    "bytes": _("bytes"),
    "GiB per vCPU": _("GiB per vCPU"),
}

CHOICE_LABELS: dict[str, dict[Any, Text]] = {
    "architecture": {"x86_64": _("x86_64 (Intel/AMD)"), "arm64": _("arm64 (Graviton)")},
    "billing_granularity_ms": {1: _("1 ms (today)"), 100: _("100 ms (before Dec 2020)")},
    "front_door": {"none": _("None (events, schedules, SDK calls)"),
                   "http_api": _("API Gateway HTTP API"), "rest_api": _("API Gateway REST API"),
                   "alb": _("Application Load Balancer"), "function_url": _("Function URL")},
    "traffic_profile": {"flat": _("Flat"), "business_hours": _("Business hours"),
                        "spiky": _("Spiky"), "custom": _("Custom (measured hours)")},
    "ec2_purchase": {"on_demand": _("On-demand"),
                     "reserved_1y": _("Reserved instance, 1 year, no upfront"),
                     "reserved_3y": _("Reserved instance, 3 years, no upfront"),
                     "savings_plan_1y": _("Savings Plan, 1 year (estimate)"),
                     "savings_plan_3y": _("Savings Plan, 3 years (estimate)"),
                     "spot": _("Spot (estimate)")},
    "ec2_scaling": {"fixed": _("Fixed (sized for the peak)"), "autoscale": _("Autoscale")},
    "ec2_load_balancer": {"alb": _("Application Load Balancer"),
                          "nlb": _("Network Load Balancer"), "none": _("None")},
    "needs_use_case": {"http_api": _("HTTP API"), "scheduled_job": _("Scheduled job"),
                       "event_processing": _("Event processing (S3 uploads, queues)"),
                       "pilot": _("Pilot"), "unpredictable_traffic": _("Unpredictable traffic"),
                       "batch": _("Batch work")},
}

# Limits that are AWS's, not ours: say whose limit it is.
LIMIT_MESSAGES: dict[tuple[str, str], Text] = {
    ("memory_mb", "max"): _("Lambda allows at most 10,240 MB."),
    ("memory_mb", "min"): _("Lambda needs at least 128 MB."),
    ("duration_ms", "max"): _("Lambda runs at most 15 minutes (900,000 ms)."),
    ("duration_ms", "min"): _("The duration must be more than 0 ms."),
    ("ephemeral_storage_mb", "max"): _("Lambda allows at most 10,240 MB of /tmp storage."),
    ("ephemeral_storage_mb", "min"): _("Lambda always has at least 512 MB of /tmp storage."),
    ("init_duration_ms", "max"): _("Lambda's INIT phase lasts at most 10 seconds (10,000 ms)."),
    ("hours_per_month", "max"): _("A month has at most 744 hours (31 days)."),
    ("ec2_availability_zones", "max"): _("This tool models at most 6 availability zones."),
}

# Form sections: (key, title, field names, open by default). Every contract field appears once.
SECTIONS: tuple[tuple[str, Text, tuple[str, ...], bool], ...] = (
    ("workload", _("Workload"),
     ("requests_per_month", "avg_rps", "duration_ms", "memory_mb", "architecture", "payload_kb"),
     True),
    ("traffic", _("Traffic shape"),
     ("traffic_peak_to_average", "traffic_profile", "traffic_hourly_weights"), True),
    ("front_door", _("Front door"), ("front_door",), True),
    ("network", _("Network and security"),
     ("lambda_in_vpc_with_internet", "ec2_private_subnets_with_nat", "ec2_private_subnets",
      "nat_processed_gb", "data_transfer_out_gb", "lambda_log_bytes_per_request",
      "ec2_log_bytes_per_request"), False),
    ("cold_starts", _("Cold starts"),
     ("cold_start_rate", "init_duration_ms", "provisioned_concurrency",
      "provisioned_hours_per_month", "provisioned_share_of_requests"), False),
    ("ec2", _("EC2 options"),
     ("ec2_instance_type", "ec2_families", "ec2_purchase", "ec2_min_instances",
      "ec2_availability_zones",
      "ec2_target_utilization", "ec2_scaling", "ec2_cpu_share", "ec2_load_balancer",
      "ec2_ebs_gb_per_instance"), False),
    ("region", _("Region and free tier"), ("region", "free_tier", "ephemeral_storage_mb"), False),
    ("needs", _("Your situation (for the recommendation)"),
     ("needs_use_case", "needs_runs_over_15_minutes", "needs_latency_budget_ms",
      "needs_private_network", "needs_dedicated_tenancy", "needs_persistent_connections",
      "needs_gpu", "needs_task_memory_mb", "needs_task_vcpus", "needs_no_server_team",
      "needs_ops_hours_per_month", "needs_lambda_ops_hours_per_month", "needs_ops_hourly_usd"),
     False),
    ("advanced", _("Connections and billing (advanced)"),
     ("connections_requests_per_connection", "connections_connection_seconds",
      "connections_rules_per_request", "billing_granularity_ms", "hours_per_month"), False),
)



# The compute options beyond Lambda and EC2: their words, added to the tables above.
OPTION_LABELS: dict[str, Text] = {
    "lambda": _("Lambda"),
    "ec2": _("EC2"),
    "lambda_managed_instances": _("Lambda Managed Instances"),
    "fargate": _("ECS on Fargate"),
}
LABELS.update({
    "options": _("Options to compare"),
    "managed_instances_runtime": _("Runtime (Lambda Managed Instances)"),
    "managed_instances_instance_type": _("Instance type (Lambda Managed Instances)"),
    "managed_instances_memory_gib_per_vcpu": _("Memory per vCPU (Lambda Managed Instances)"),
    "fargate_spot": _("Run the Fargate tasks on Fargate Spot"),
})
HELP.update({
    "options": format_lazy("{} {}", _(
        "Tick every option to price: Lambda Managed Instances run Lambda functions "
                 "on EC2 instances that AWS runs for you; ECS on Fargate runs containers "
                 "without servers."), _(
        "Lambda Web Functions (October 2026) are not priced yet: no source we can cite gives "
        "their rates; the methodology page says more.")),
    "managed_instances_runtime": _("One execution environment takes 16 (Python), 64 (Node.js) "
                                   "or 32 (Java, .NET) requests at once per vCPU."),
    "managed_instances_instance_type": _("\"auto\" packs the execution environments on the "
                                         "cheapest c, m or r type for the load; or name one, "
                                         "such as c7g.xlarge."),
    "managed_instances_memory_gib_per_vcpu": _("The capacity provider's memory-to-vCPU ratio, "
                                               "2 to 8 GiB per vCPU: an execution environment "
                                               "gets at least 2 GB and whole vCPUs."),
    "fargate_spot": _("Interruptible capacity at a lower, varying price."),
})
CHOICE_LABELS.update({
    "options": OPTION_LABELS,
    "managed_instances_runtime": {"python": _("Python"), "nodejs": _("Node.js"),
                                  "java": _("Java"), "dotnet": _(".NET")},
})
# The workload (its three required fields) leads; the options follow it, and an option's own
# fields show only while it is ticked (OPTION_OF_FIELD).
SECTIONS = (SECTIONS[0], ("options", _("Options to compare"),
             ("options", "managed_instances_runtime", "managed_instances_instance_type",
              "managed_instances_memory_gib_per_vcpu", "fargate_spot"), True), *SECTIONS[1:])


# The basis of every comparison, and each further option's operations time
# (advisor/pricing/basis.py).
BASIS_LABELS: dict[str, Text] = {
    "bill": _("the AWS bill"),
    "bill_and_operations": _("the bill plus operations time"),
}
LABELS.update({
    "basis": _("Compare on"),
    "managed_instances_ops_hours_per_month": _("Engineer time for Lambda Managed Instances"),
    "fargate_ops_hours_per_month": _("Engineer time for ECS on Fargate"),
})
HELP.update({
    "basis": _("What every comparison counts: the AWS bill alone, or the bill plus each "
               "option's engineer hours at the hourly cost."),
    "managed_instances_ops_hours_per_month": _("The capacity provider (instance types, VPC, "
                                               "scaling limits); AWS patches the instances. 1 "
                                               "is our assumption."),
    "fargate_ops_hours_per_month": _("Container images kept patched, task definitions, "
                                     "service scaling; AWS runs the servers. 2 is our "
                                     "assumption."),
})
CHOICE_LABELS["basis"] = BASIS_LABELS


def _with_fields(sections: tuple[tuple[str, Text, tuple[str, ...], bool], ...],
                 key: str, names: tuple[str, ...]) -> tuple[tuple[str, Text, tuple[str, ...], bool], ...]:
    """``sections`` with ``names`` added to the end of the section ``key``."""
    return tuple((k, title, (*fields, *names) if k == key else fields, open_)
                 for k, title, fields, open_ in sections)


SECTIONS = _with_fields(SECTIONS, "options", ("managed_instances_ops_hours_per_month",
                                              "fargate_ops_hours_per_month"))
SECTIONS = _with_fields(SECTIONS, "needs", ("basis",))
# A field that only one option reads, by its name's start: the option it belongs to.
OPTION_FIELD_PREFIXES: tuple[tuple[str, str], ...] = (
    ("managed_instances_", "lambda_managed_instances"),
    ("fargate_", "fargate"),
)


def option_of_field(name: str) -> str | None:
    """The option whose own field this is (shown only while it is ticked), or None."""
    return next((option for prefix, option in OPTION_FIELD_PREFIXES if name.startswith(prefix)),
                None)
