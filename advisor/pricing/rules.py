"""The billing rules and sizing assumptions the engine applies, in words, with their sources.

The methodology page (/methodology/) renders ``RULES`` next to the price book in force, so
what people read is kept beside the code that applies it: change a rule in lambda_.py,
ec2.py, network.py or profiles.py and change its entry here in the same commit. Texts are
English source strings; ``gettext_noop`` only marks them for `makemessages` (this package has
no Django imports), and the page translates them when it renders.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it here (xgettext keyword)."""
    return message


LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/"
LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LAMBDA_MEMORY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html"
INIT_BILLING = ("https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-"
                "phase/")
APIGW_PRICING = "https://aws.amazon.com/api-gateway/pricing/"
ELB_PRICING = "https://aws.amazon.com/elasticloadbalancing/pricing/"
EC2_PRICING = "https://aws.amazon.com/ec2/pricing/on-demand/"
BURSTABLE = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html"
SAVINGS_PLANS = "https://aws.amazon.com/savingsplans/compute-pricing/"
EBS_PRICING = "https://aws.amazon.com/ebs/pricing/"
VPC_PRICING = "https://aws.amazon.com/vpc/pricing/"
TRANSFER = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer"
CALCULATOR = "https://calculator.aws/"
CONTRACT = "docs: the comparison contract (compare-json.md)"
SEED = "the seed post (aws-lambda-notes.ko.md), 'Use cases'"
LAMBDA_VPC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"
CLOUDWATCH_PRICING = "https://aws.amazon.com/cloudwatch/pricing/"
FEEDS = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/"


@dataclass(frozen=True)
class Rule:
    key: str
    section: str  # "lambda", "front_door", "ec2", "network", "method"
    title: str
    text: str
    source: str  # a URL, or where in this project the rule is fixed


RULES: tuple[Rule, ...] = (
    # Lambda (lambda_.py)
    Rule("lambda_requests", "lambda", gettext_noop("Lambda requests"), gettext_noop(
        "Every invocation is billed per million requests. The always-free 1M requests a month "
        "come off all requests, those served by provisioned environments included (AWS "
        "example PC-1)."), LAMBDA_PRICING),
    Rule("lambda_duration", "lambda", gettext_noop("Lambda duration"), gettext_noop(
        "Run time is rounded up to 1 ms (to 100 ms before December 2020, the \"billing "
        "granularity\" input), with no minimum. GB-seconds = memory in MB / 1,024 × billed "
        "seconds."), LAMBDA_PRICING),
    Rule("lambda_free_tier", "lambda", gettext_noop("Lambda's always-free allowance"),
         gettext_noop(
        "400,000 GB-seconds and 1M requests a month, shared by x86_64 and arm64, never "
        "expiring. The GB-second allowance covers on-demand use only, not provisioned "
        "concurrency. Other services' 12-month free tiers are not applied."), LAMBDA_PRICING),
    Rule("lambda_tiers", "lambda", gettext_noop("Lambda volume tiers"), gettext_noop(
        "Duration prices fall by about 10 % and 20 % above 6 and 15 billion GB-seconds a "
        "month (7.5 and 18.75 billion for arm64); the tiers apply to the month's GB-seconds "
        "after the free allowance."), LAMBDA_PRICING),
    Rule("lambda_init", "lambda", gettext_noop("Cold starts (INIT)"), gettext_noop(
        "Since 1 August 2025 the INIT phase of on-demand functions is billed like duration: "
        "a cold invocation bills its INIT time and run time added together and rounded up "
        "once (INIT 1,293.83 ms + run 1,049.63 ms bills 2,344 ms); a share of invocations "
        "equal to the cold-start rate is cold."),
         INIT_BILLING),
    Rule("lambda_ephemeral", "lambda", gettext_noop("Ephemeral storage"), gettext_noop(
        "The first 512 MB of /tmp are free; the configured size above it is billed per "
        "GB-second of billed run time."), LAMBDA_PRICING),
    Rule("lambda_provisioned", "lambda", gettext_noop("Provisioned concurrency"), gettext_noop(
        "Warm environments are billed per GB-second for every second they are enabled, used "
        "or not; requests they serve pay a lower duration rate instead of the on-demand "
        "one."), LAMBDA_PRICING),
    Rule("lambda_limits", "lambda", gettext_noop("Lambda's limits"), gettext_noop(
        "Memory 128 to 10,240 MB; one invocation runs at most 15 minutes (900,000 ms). CPU "
        "grows with memory: 1,769 MB is one vCPU, up to 6 vCPUs."), LAMBDA_LIMITS),
    # Front doors (lambda_.py front_door_monthly, network.py)
    Rule("apigw", "front_door", gettext_noop("API Gateway"), gettext_noop(
        "REST and HTTP APIs are billed per million requests in volume tiers. An HTTP API "
        "meters each started 512 KB of payload as one request. A Lambda function URL costs "
        "nothing of its own."), APIGW_PRICING),
    Rule("alb", "front_door", gettext_noop("Application Load Balancer"), gettext_noop(
        "Every hour (a part hour counts whole) plus capacity units (LCUs): each hour bills the "
        "largest of new connections (25 a second per LCU), active connections (3,000 a "
        "minute), processed bytes (1 GB an hour for EC2 targets, 0.4 GB for Lambda targets) "
        "and rule evaluations (1,000 a second beyond the 10 free rules). Capacity follows "
        "the week's traffic profile hour by hour."), ELB_PRICING),
    Rule("nlb", "front_door", gettext_noop("Network Load Balancer"), gettext_noop(
        "Every hour plus NLCUs: the largest of 800 new TCP connections a second, 100,000 "
        "active connections and 1 GB processed an hour."), ELB_PRICING),
    # EC2 (ec2.py)
    Rule("ec2_capacity", "ec2", gettext_noop("EC2 capacity"), gettext_noop(
        "Average requests a second = requests a month / (hours a month × 3,600); the peak is "
        "that × peak-to-average. CPU seconds per request = duration × min(memory / 1,769, 6) "
        "× CPU share. vCPUs needed = peak requests a second × CPU seconds per request / "
        "target utilisation. Instances = the largest of the minimum, the vCPUs needed over "
        "each instance's usable vCPUs (rounded up), and the instances needed for memory."),
         CONTRACT),
    Rule("ec2_memory", "ec2", gettext_noop("EC2 memory"), gettext_noop(
        "At the peak, requests a second × duration requests are in flight (Little's law); "
        "each needs the function's memory, and every instance keeps 0.5 GiB for the "
        "operating system. A type qualifies only if one request fits; for \"auto\" its "
        "architecture is also the workload's, while a type you name may be of either "
        "architecture."), CONTRACT),
    Rule("ec2_burstable", "ec2", gettext_noop("Burstable instances"), gettext_noop(
        # xgettext:no-python-format
        "t3, t3a and t4g instances are counted at their baseline CPU share (5 % of each vCPU "
        "for nano, 10 % micro, 20 % small and medium, 30 % large, 40 % xlarge and 2xlarge), "
        "so sustained load never spends CPU credits or pays for unlimited mode."),
         BURSTABLE),
    Rule("ec2_auto", "ec2", gettext_noop("Instance type \"auto\""), gettext_noop(
        "The cheapest type of the workload's architecture (Graviton for arm64: the families "
        "with a g after the generation digit) that meets the load is chosen among the "
        "current-generation general purpose, compute optimised, memory optimised and "
        "burstable types of the region's book (the m, c, r, x, z and t families; Linux, shared "
        "tenancy), or among the families you list (an HPC or storage family only then); "
        "break-even volumes pick the cheapest type again at each volume. The result names the "
        "families considered."),
         EC2_PRICING),
    Rule("ec2_scaling", "ec2", gettext_noop("Fixed fleet or autoscaling"), gettext_noop(
        "A fixed fleet is sized for the busiest hour and runs every hour of the month. An "
        "autoscaling fleet is sized hour by hour along the week's traffic profile (flat, "
        "business hours or spiky), never below the minimum instances; instances are billed "
        "per second, so whole hours are a fair approximation."), EC2_PRICING),
    Rule("traffic_custom", "ec2", gettext_noop("A measured traffic shape"), gettext_noop(
        "The traffic profile \"custom\" takes the hours you measured: 24 numbers (one day from "
        "00:00 UTC, repeated for every day) or 168 (one week from Monday 00:00 UTC), each "
        "hour's requests or rate. They are scaled to a mean of 1, so the busiest hour is the "
        "largest weight × the monthly average: that is the peak-to-average, and a "
        "peak-to-average sent beside the weights must agree with it (within 0.5 %). "
        "Autoscaling fleets (EC2, Lambda Managed Instances, ECS on Fargate) are sized hour by "
        "hour along the measured week, a fixed fleet for its busiest hour, and a load "
        "balancer's capacity units follow it. A range or a \"what if\" of peak-to-average stretches or "
        "flattens the measured week by the same rule as the built-in shapes."), CONTRACT),
    Rule("ec2_purchase", "ec2", gettext_noop("Purchase options"), gettext_noop(
        # xgettext:no-python-format
        "Reserved instances (standard, no upfront, 1 or 3 years) are priced at each type's "
        "own rate from AWS's reserved-instance feed. Savings Plans and Spot have no sourced "
        "rate per type: they are a factor of the on-demand price, estimates an editor should "
        "confirm, and every page that shows them says so. The 3-year factor (0.50) stays "
        "above the feed's 3-year reserved rate (a median 0.43 of on-demand): a no-upfront "
        "plan does not undercut the reservation; the 72 % off quoted for m7g.xlarge (0.28) "
        "is paid up front."), SAVINGS_PLANS),
    Rule("ec2_ebs", "ec2", gettext_noop("EBS storage"), gettext_noop(
        "Each instance has a gp3 root volume billed per GB-month, pro rata for the hours the "
        "instance exists."), EBS_PRICING),
    # Network (network.py)
    Rule("nat", "network", gettext_noop("NAT gateways"), gettext_noop(
        "A side in private subnets with internet access pays one NAT gateway per "
        "availability zone for every hour, plus every GB it processes."), VPC_PRICING),
    Rule("public_ipv4", "network", gettext_noop("Public IPv4 addresses"), gettext_noop(
        "Every public IPv4 address costs by the hour, in use or idle (since February 2024): "
        "each NAT gateway's Elastic IP, one per Availability Zone of an internet-facing load "
        "balancer (an ALB uses at least two), and each EC2 instance unless the instances sit "
        "in private subnets."), VPC_PRICING),
    Rule("logs", "network", gettext_noop("CloudWatch Logs"), gettext_noop(
        "Log ingestion is priced per GB on the side that writes the logs: Lambda writes "
        "about 300 bytes of START, END and REPORT lines per invocation plus what the code "
        "prints; an EC2 fleet pays only for what it ships. Lambda's logs are vended logs "
        "(since May 2025), billed in volume tiers each month: the first 10 TB, the next "
        "20 TB, the next 20 TB and above 50 TB, a TB being 1,024 GB as in AWS's price list "
        "(us-east-1: $0.50, $0.25, $0.10 and $0.05 per GB); an EC2 fleet's custom logs pay "
        "the flat ingestion price. With the free tier on, the first 5 GB of log data a month "
        "are free (AWS's always-free tier). That allowance belongs to the account: each "
        "option is priced as the account's only log writer, so each counts it, as each counts "
        "the free 100 GB of egress."), CLOUDWATCH_PRICING),
    Rule("transfer", "network", gettext_noop("Data transfer out"), gettext_noop(
        "Internet egress is priced the same on both sides. The volume tiers count the "
        "month's total GB from zero, and the first 100 GB of the first tier are free across "
        "all services."), TRANSFER),
    # Method (compare.py, breakeven.py, grid.py)
    Rule("hours", "method", gettext_noop("Hours in a month"), gettext_noop(
        "730 hours by default, as AWS's pricing calculator uses; AWS's own examples "
        "sometimes use 720."), CALCULATOR),
    Rule("break_even", "method", gettext_noop("Break-even volumes"), gettext_noop(
        "Every request volume from 1 to 1 trillion a month at which the two totals are equal "
        "when only the request volume changes. EC2 costs rise in steps (whole instances), so "
        "the answer can flip more than once; each point is found within 0.1 %."), CONTRACT),
    Rule("tie", "method", gettext_noop("Ties and rounding"), gettext_noop(
        "Totals within one cent are a tie. Amounts are kept unrounded and rounded to the cent "
        "only for display."), CONTRACT),
    Rule("regional_books", "method", gettext_noop("Regional price books"), gettext_noop(
        "Each region has its own book, read from AWS's pricing-page feeds plus sourced rows "
        "for what the feeds lack (load balancers, data transfer). A price no source gave "
        "stays missing: a comparison that needs it names it instead of guessing."),
         FEEDS),
    # Recommendation (recommend.py)
    Rule("rec_limits", "recommend", gettext_noop("Hard limits"), gettext_noop(
        "Lambda is ruled out, whatever the price, when one run can take more than 15 minutes, "
        "one task needs more than 10,240 MB or 6 vCPUs, the work needs a GPU, or compliance "
        "demands single-tenant hardware (only EC2 offers Dedicated Instances and Hosts; the "
        "EC2 figures stay those of shared tenancy)."), LAMBDA_LIMITS),
    Rule("rec_use_cases", "recommend", gettext_noop("Use cases that suit Lambda"), gettext_noop(
        "Scheduled jobs, event processing such as S3 upload triggers, pilots and new services "
        "whose users cannot be predicted yet lean towards Lambda, as does having no one to "
        "run servers: an EC2 fleet needs its operating system, runtime and web server "
        "patched, health checks, monitoring and load balancing."), SEED),
    Rule("rec_cost", "recommend", gettext_noop("Cost of ownership"), gettext_noop(
        "On the basis you choose: the AWS bills, or the bills plus operations time (hours a "
        "month × an hourly rate, assumed 8 hours at $75 for EC2 unless you say otherwise, "
        "and each option's own hours). The cheaper side on that basis gets the cost reason; "
        "the volume where the two totals cross nearest your traffic is the switch point."),
        CONTRACT),
    Rule("rec_traffic", "recommend", gettext_noop("Traffic and utilisation"), gettext_noop(
        "A fleet at its minimum that is under 10 % busy, or traffic whose busiest hour is 4× "
        "the average or more, leans towards Lambda. Steady traffic (at most 2× the average) "
        "where EC2 is cheaper, and CPU-bound work keeping 4 or more vCPUs busy around the "
        "clock, lean towards EC2. More than 1,000 calls at once needs a Lambda quota "
        "increase."), LAMBDA_LIMITS),
    Rule("rec_latency", "recommend", gettext_noop("Latency budget"), gettext_noop(
        "If a cold start (INIT time + run time) would break your p99 budget, the reason leans "
        "towards EC2 unless provisioned concurrency serves every call; the cost of keeping the "
        "peak concurrency warm all month is priced from the price book."), LAMBDA_PRICING),
    Rule("rec_network", "recommend", gettext_noop("Private networks"), gettext_noop(
        "Both sides can reach resources in a VPC. A Lambda function in a VPC reaches the "
        "internet only through NAT gateways, whose hours and processed GB are priced; when "
        "they are a quarter of Lambda's total or more and EC2 needs none, that leans towards "
        "EC2. WebSockets and long-lived TCP connections lean towards EC2."), LAMBDA_VPC),
    # The honest answer (verdict.py, uncertainty.py, flips.py)
    Rule("ranges", "method", gettext_noop("Ranges and sensitivity"), gettext_noop(
        "Requests, duration, memory, peak to average, CPU share and operations hours may be "
        "given as a low, expected and high value. Each range is weighted as a triangle peaking "
        "at the expected value (on a log scale for requests, duration and peak to average), "
        "the inputs independent; the share of the range in which each side costs less, each "
        "side's lowest and highest total, and the swing of the difference with each input at "
        "its ends are priced on a grid that holds every low, expected and high value. Without "
        "ranges: requests × 0.5 to × 2, duration × 0.75 to × 1.5, peak to average ÷ 1.5 to "
        "× 1.5, CPU share × 0.5 to × 1.5, operations hours × 0.5 to × 2."), CONTRACT),
    Rule("flip_bands", "method", gettext_noop("Flips as bands"), gettext_noop(
        "Break-even volumes less than × 1.5 apart are reported as one band in which the "
        "cheaper side alternates as EC2 adds instances; sentences give volumes to three "
        "significant figures."), CONTRACT),
    Rule("rec_confidence", "recommend", gettext_noop("Confidence"), gettext_noop(
        "High when the recommended side costs less, on the result's basis, in at least "
        "90 % of the range and the nearest switch point is at least twice or half the "
        "traffic away; medium from 70 %; low otherwise, and always for \"either\". A "
        "recommendation against the cheaper side says so first, with the difference."),
        CONTRACT),
    Rule("basis", "method", gettext_noop("One basis for every comparison"), gettext_noop(
        "Every comparative figure of a result (which side is cheaper, the headline, the share "
        "of the range, the sensitivity, break-even volumes, the recommendation's cost reason, "
        "the cheapest option and the choice) counts the same thing: the AWS bill (the "
        "default), or the bill plus each option's operations hours × the hourly rate. What "
        "the other basis would say is one labelled sentence under the headline. The share of "
        "the range weighs each grid point by the triangle's exact mass over its own slice, "
        "the ends included, with the break-even volumes as slice edges, so a side cheaper "
        "anywhere in the range keeps the other's share below 100 %."), CONTRACT),
    Rule("ops_defaults", "recommend", gettext_noop("Operations time of each option"),
         gettext_noop(
        "Defaults, each a field of its own (set your own): Lambda 0 hours a month, the "
        "baseline (deploys, monitoring and on-call for the code are the same on every "
        "option, so only extra work counts). Lambda Managed Instances 1: AWS patches and "
        "scales the instances, but someone keeps the capacity provider (instance types, VPC, "
        "scaling limits) in order. ECS on Fargate 2: no servers, but the container images "
        "must be rebuilt for patches and the task definitions and service scaling tuned. EC2 "
        "8: the operating system, runtime and web server patched, health checks, scaling "
        "and monitoring of a fleet. These are our assumptions, in proportion to how much of "
        "the stack each option leaves to you (AWS's shared responsibility model); no "
        "published study gives hours a month per option."),
         "https://aws.amazon.com/compliance/shared-responsibility-model/"),
    Rule("rec_lambda_ops", "recommend", gettext_noop("Lambda's operations time"), gettext_noop(
        "Lambda's operations hours default to 0: they count only work Lambda needs beyond "
        "what both sides share (deploys, monitoring and on-call for the code are the same), "
        "and no published figure supports another number. Set your own."), CONTRACT),
)

SECTION_TITLES: dict[str, str] = {
    "lambda": gettext_noop("Lambda"),
    "front_door": gettext_noop("Front doors and load balancers"),
    "ec2": gettext_noop("EC2 sizing and pricing"),
    "network": gettext_noop("Network"),
    "method": gettext_noop("How the comparison is made"),
    "recommend": gettext_noop("Which fits your case"),
}


# More options than Lambda and EC2 (advisor/pricing/options/, choose.py).
MI_DOCS = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html"
MI_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html"
FARGATE_PRICING = "https://aws.amazon.com/fargate/pricing/"
FARGATE_SIZES = ("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
                 "fargate-tasks-services.html#fargate-tasks-size")

OPTION_RULES: tuple[Rule, ...] = (
    Rule("mi_price", "options", gettext_noop("Lambda Managed Instances: price"), gettext_noop(
        "The EC2 price of each instance (Savings Plans and Reserved Instances apply to it), a "
        "management fee of 15 percent of the instance's on-demand price (not discounted) and the "
        "request charge. There is no GB-second duration charge, and Lambda's always-free "
        "allowance is not applied."), LAMBDA_PRICING),
    Rule("mi_sizing", "options", gettext_noop("Lambda Managed Instances: sizing"), gettext_noop(
        "One execution environment serves many requests at once: 16 per vCPU for Python, 64 "
        "for Node.js, 32 for Java and .NET. An environment has max(memory_mb, 2 GB) of memory "
        "rounded up to whole vCPUs at the capacity provider's memory-to-vCPU ratio (2 to 8 GiB "
        "per vCPU, 2 by default). Environments at the busiest hour = the larger of requests in "
        "flight (Little's law) over their concurrency and the EC2 CPU rule's vCPUs over their "
        "vCPUs; they are packed on the named instance type, or on the c, m or r type with the "
        "lowest total."), MI_DOCS),
    Rule("mi_fleet", "options", gettext_noop("Lambda Managed Instances: fleet"), gettext_noop(
        "AWS starts three instances for availability-zone resiliency and never runs fewer; "
        "the fleet then scales on CPU use and concurrency, so it follows the traffic profile "
        "hour by hour."), MI_SCALING),
    Rule("fargate_price", "options", gettext_noop("ECS on Fargate: price"), gettext_noop(
        "Each task's vCPUs and memory per hour, per architecture, billed by the second with a "
        "one-minute minimum; 20 GB of ephemeral storage per task are included. Fargate Spot "
        "costs the book's Spot share of that. An Application Load Balancer is always in "
        "front."), FARGATE_PRICING),
    Rule("fargate_sizing", "options", gettext_noop("ECS on Fargate: sizing"), gettext_noop(
        "Tasks are counted like the EC2 fleet (the same CPU and memory rules, target "
        "utilisation, minimum and scaling), each task size being one of Fargate's valid vCPU "
        "and memory combinations, the cheapest for the load at each volume. A task is not an "
        "instance: its containers get the whole task memory, so the 0.5 GiB an EC2 instance "
        "keeps for its operating system is not taken, and a 128 MB function at low traffic "
        "runs on 0.25 vCPU / 0.5 GB tasks."), FARGATE_SIZES),
    Rule("option_regions", "options", gettext_noop("Both options in every region"),
         gettext_noop(
        "Fargate's vCPU, memory and ephemeral-storage prices come from AWS's Fargate pricing "
        "feed for each region and architecture; Fargate Spot is a share of them graded an "
        "estimate. The Managed Instances fee is 15 percent of the region's EC2 on-demand price "
        "of the type. AWS states the $0.20 per million requests for US East (N. Virginia); "
        "elsewhere the request price is assumed equal to Lambda's own request price in the "
        "region and graded an estimate."), LAMBDA_PRICING),
    Rule("options_break_even", "options", gettext_noop("Break-even between any two options"),
         gettext_noop(
        "Every option's total is linear between known volumes (a free allowance or a tier "
        "ending) and, for fleets, jumps when one more instance or task is needed; between "
        "those volumes each pair's crossing is solved exactly, and a jump that swaps the "
        "order of two totals is a crossing too."), CONTRACT),
    Rule("options_choice", "options", gettext_noop("Which option fits"), gettext_noop(
        "An option with a hard limit is out; operations time is added to EC2's bill, and with "
        "no server team EC2 is out while a managed option remains; the lowest cost of "
        "ownership wins."), CONTRACT),
)
RULES = RULES + OPTION_RULES
SECTION_TITLES["options"] = gettext_noop("Lambda Managed Instances and ECS on Fargate")
