"""The texts of the recommendation's reasons and blockers (recommend.py).

Each reason and blocker carries a ``code`` and its ``params``; ``MESSAGES[code]`` is the
English template over those params, marked with ``gettext_noop`` so the Django layer can
render it again in the visitor's language. choose.py falls back on these templates for the
Lambda blockers it repeats, which is why they live apart from the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.pricing.messages import gettext_noop
from advisor.pricing.volumes import in_words

# Reason and blocker texts: code -> English template over the reason's params.
MESSAGES: dict[str, str] = {
    # Blockers
    "timeout": gettext_noop(
        "One run can take more than 15 minutes; Lambda stops every invocation at 900 seconds."),
    "task_memory": gettext_noop(
        "One task needs {task_memory_mb:,} MB; a Lambda function has at most 10,240 MB."),
    "task_vcpus": gettext_noop(
        "One task needs {task_vcpus:g} vCPUs; a Lambda function gets at most 6 (at 10,240 MB)."),
    "gpu": gettext_noop(
        "Lambda functions have no GPU. The EC2 figures here are for the price book's CPU "
        "types; a GPU instance costs more."),
    "dedicated_tenancy": gettext_noop(
        "Lambda runs only on shared, multi-tenant hardware; single-tenant hardware means EC2 "
        "Dedicated Instances or Dedicated Hosts. The EC2 figures here are for shared tenancy; "
        "dedicated costs more."),
    # Use cases (seed)
    "use_case_scheduled_job": gettext_noop(
        "A scheduled job runs only when its schedule fires: Lambda bills those {requests:,.0f} "
        "runs a month and nothing in between, with no server waiting for the next one."),
    "use_case_event_processing": gettext_noop(
        "Event processing (an S3 upload, a queue message) triggers Lambda directly; there is "
        "no server to keep running between the {requests:,.0f} events a month."),
    "use_case_pilot": gettext_noop(
        "A pilot with {requests:,.0f} requests a month needs no servers set up to test the "
        "market; moving to EC2 later, if traffic grows, is still possible."),
    "use_case_unpredictable_traffic": gettext_noop(
        "With traffic nobody can predict yet, Lambda scales with each request and bills only "
        "what is used, instead of a fleet sized in advance for a guess."),
    "use_case_batch": gettext_noop(
        "Batch work fits either: Lambda for pieces that finish within 15 minutes "
        "({duration_s:,.1f} s each here), EC2 for long or sustained runs."),
    # Operations
    "no_server_team": gettext_noop(
        "No one on the team runs servers: an EC2 fleet needs an operating system, runtime and "
        "web server kept patched, health checks, monitoring and load balancing; Lambda does "
        "that for you."),
    "operations": gettext_noop(
        # xgettext:no-python-format
        "Operations time is {ops_share_pct:.0f}% of EC2's cost of ownership: {ops_hours:g} "
        "hours a month at ${ops_hourly_usd:,.2f} = ${ops_usd:,.2f} for patching, scaling and "
        "monitoring the fleet."),
    # The verdict against the cost line
    "chosen_despite_cost": gettext_noop(
        "{side} is recommended although {other} costs ${usd:,.2f} a month less with operations "
        "time included: the reasons below outweigh the cost."),
    "either_despite_cost": gettext_noop(
        "Either side fits your situation; on cost, {other} is ${usd:,.2f} a month cheaper with "
        "operations time included."),
    "chosen_despite_cost_bill": gettext_noop(
        "{side} is recommended although {other} costs ${usd:,.2f} a month less on the AWS "
        "bill: the reasons below outweigh the cost."),
    "either_despite_cost_bill": gettext_noop(
        "Either side fits your situation; on the AWS bill, {other} is ${usd:,.2f} a month "
        "cheaper."),
    # Cost
    "cost_lambda": gettext_noop(
        "With operations time included, Lambda costs ${lambda_usd:,.2f} a month and EC2 "
        "${ec2_usd:,.2f} (operations: ${lambda_ops_usd:,.2f} and ${ec2_ops_usd:,.2f}); Lambda "
        "is {ratio:,.1f}× cheaper."),
    "cost_ec2": gettext_noop(
        "With operations time included, EC2 costs ${ec2_usd:,.2f} a month and Lambda "
        "${lambda_usd:,.2f} (operations: ${ec2_ops_usd:,.2f} and ${lambda_ops_usd:,.2f}); EC2 "
        "is {ratio:,.1f}× cheaper."),
    "cost_lambda_free": gettext_noop(
        "With operations time included, Lambda costs ${lambda_usd:,.2f} a month and EC2 "
        "${ec2_usd:,.2f} (operations: ${lambda_ops_usd:,.2f} and ${ec2_ops_usd:,.2f})."),
    "cost_ec2_free": gettext_noop(
        "With operations time included, EC2 costs ${ec2_usd:,.2f} a month and Lambda "
        "${lambda_usd:,.2f} (operations: ${ec2_ops_usd:,.2f} and ${lambda_ops_usd:,.2f})."),
    "cost_same": gettext_noop(
        "With operations time included both cost about the same: Lambda ${lambda_usd:,.2f} and "
        "EC2 ${ec2_usd:,.2f} a month."),
    # The same on the AWS bill alone (the "bill" basis).
    "cost_lambda_bill": gettext_noop(
        "On the AWS bill, Lambda costs ${lambda_usd:,.2f} a month and EC2 ${ec2_usd:,.2f}; "
        "Lambda is {ratio:,.1f}× cheaper."),
    "cost_ec2_bill": gettext_noop(
        "On the AWS bill, EC2 costs ${ec2_usd:,.2f} a month and Lambda ${lambda_usd:,.2f}; "
        "EC2 is {ratio:,.1f}× cheaper."),
    "cost_lambda_free_bill": gettext_noop(
        "On the AWS bill, Lambda costs ${lambda_usd:,.2f} a month and EC2 ${ec2_usd:,.2f}."),
    "cost_ec2_free_bill": gettext_noop(
        "On the AWS bill, EC2 costs ${ec2_usd:,.2f} a month and Lambda ${lambda_usd:,.2f}."),
    "cost_same_bill": gettext_noop(
        "On the AWS bill both cost about the same: Lambda ${lambda_usd:,.2f} and EC2 "
        "${ec2_usd:,.2f} a month."),
    # Traffic
    "idle_fleet_tiny": gettext_noop(
        "The smallest fleet allowed ({instances} × {instance_type}) would be less than 0.1% "
        "busy on average at {avg_rps:,.3g} requests a second: you would pay for idle servers."),
    "idle_fleet": gettext_noop(
        "The smallest fleet allowed ({instances} × {instance_type}) would be {utilisation_pct:.1f}% "
        "busy on average at {avg_rps:,.3g} requests a second: you would pay for idle servers."),
    "spiky_fixed": gettext_noop(
        "The busiest hour carries {peak_to_average:g}× the average traffic: a fixed fleet is "
        "sized for it and idles the rest of the month, while Lambda follows each request."),
    "spiky_autoscale": gettext_noop(
        "The busiest hour carries {peak_to_average:g}× the average traffic: autoscaling "
        "follows it hour by hour, but Lambda follows each request with no scaling to tune."),
    "sustained_volume_above": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, above {switch_at:,.0f} requests a month where EC2 "
        "becomes the cheaper side with operations included."),
    "sustained_volume": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, and EC2 is the cheaper side at this volume with "
        "operations included."),
    "sustained_volume_above_bill": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, above {switch_at:,.0f} requests a month where EC2 "
        "becomes the cheaper side on the AWS bill."),
    "sustained_volume_bill": gettext_noop(
        "Traffic is steady (the busiest hour is {peak_to_average:g}× the average) at "
        "{avg_rps:,.1f} requests a second, and EC2 is the cheaper side at this volume on the "
        "AWS bill."),
    "cpu_heavy": gettext_noop(
        # xgettext:no-python-format
        "{cpu_share_pct:.0f}% of each {duration_ms:,g} ms call is CPU work, keeping "
        "{busy_vcpus:,.1f} vCPUs busy around the clock: Lambda's CPU costs "
        "${lambda_vcpu_hour:,.4f} per vCPU-hour (first price tier), a {instance_type} vCPU "
        "${ec2_vcpu_hour:,.4f}."),
    "concurrency_quota": gettext_noop(
        "The busiest hour keeps {peak_concurrency:,.0f} calls running at once, over Lambda's "
        "default quota of 1,000 per region: it needs a quota increase from AWS."),
    "near_timeout": gettext_noop(
        "One run takes {duration_min:,.1f} minutes, close to Lambda's 15-minute limit: a slow "
        "day would fail where a server would finish."),
    # Latency
    "latency_cold_p99": gettext_noop(
        # xgettext:no-python-format
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms p99 budget, and {cold_rate_pct:.1f}% of calls start cold. "
        "Provisioned concurrency for the peak ({environments:,} environments all month) would "
        "add about ${pc_usd:,.2f} a month to Lambda."),
    "latency_cold_rare": gettext_noop(
        # xgettext:no-python-format
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms budget; only {cold_rate_pct:.2f}% of calls start cold, so the "
        "p99 may hold but the slowest calls will not. Provisioned concurrency for the peak "
        "({environments:,} environments) would add about ${pc_usd:,.2f} a month."),
    "latency_cold_unknown_rate": gettext_noop(
        "A cold start takes {init_ms:,g} ms INIT + {duration_ms:,g} ms = {cold_ms:,g} ms, over "
        "the {budget_ms:,g} ms budget (the share of cold calls is not given). Provisioned "
        "concurrency for the peak ({environments:,} environments) would add about "
        "${pc_usd:,.2f} a month."),
    "latency_cold_pc_saves": gettext_noop(
        "A cold start ({cold_ms:,g} ms) breaks the {budget_ms:,g} ms budget, but provisioned "
        "concurrency for the peak ({environments:,} environments) would meet it and even lower "
        "the Lambda total by ${pc_saving_usd:,.2f} a month: consider pricing it in."),
    "latency_covered": gettext_noop(
        "A cold start ({cold_ms:,g} ms) would break the {budget_ms:,g} ms budget, but the "
        "{environments:,} provisioned environments serve every call warm; they are priced in "
        "(${pc_usd:,.2f} a month)."),
    "latency_fits": gettext_noop(
        "Even a cold start ({init_ms:,g} ms INIT + {duration_ms:,g} ms) fits the "
        "{budget_ms:,g} ms budget."),
    "latency_too_slow": gettext_noop(
        "A warm run already takes {duration_ms:,g} ms, over the {budget_ms:,g} ms budget, on "
        "either side: the work itself must get faster."),
    "latency_no_cold_data": gettext_noop(
        "No cold starts are modelled (cold-start rate and INIT time are 0): set them to check "
        "the {budget_ms:,g} ms budget against Lambda's cold starts."),
    # Network
    "nat_egress": gettext_noop(
        # xgettext:no-python-format
        "Lambda in a VPC reaches the internet only through NAT gateways: {nat_gb:,g} GB a "
        "month and the gateway hours cost ${nat_usd:,.2f} ({nat_share_pct:.0f}% of Lambda's "
        "total), which EC2 instances in public subnets do not pay."),
    "private_network_nat": gettext_noop(
        "Both sides can reach resources in your VPC: a Lambda function attached to it uses its "
        "subnets and security groups, and its NAT gateways to the internet are priced "
        "(${nat_usd:,.2f} a month)."),
    "private_network": gettext_noop(
        "Both sides can reach resources in your VPC: a Lambda function attached to it uses its "
        "subnets and security groups. If it must also reach the internet it needs NAT "
        "gateways: switch on \"Lambda in a VPC with internet access\" to price them."),
    "persistent_connections": gettext_noop(
        "Lambda cannot hold a connection open between calls: WebSockets need API Gateway "
        "WebSocket APIs (billed per message and connection minute, not priced here), and other "
        "long-lived TCP connections need servers."),
}


def render(code: str, params: Mapping[str, Any]) -> str:
    """The English text of a reason or blocker (a translation layer formats its own), with
    volumes to three significant figures (volumes.py); ``params`` keep the full values."""
    return MESSAGES[code].format(**in_words(params))

