"""Build fixtures/price_books.json (the seeded price books) from AWS's pricing-page feeds.

    .venv/bin/python scripts/build_price_books.py FEEDS_DIR [--out fixtures/price_books.json]

FEEDS_DIR holds the feeds as AWS publishes them (lambda.json, apigateway.json,
natgateway.json, vpc.json, cloudwatch.json, ebs.json and ec2/<region>-ondemand.json,
ec2/<region>-reservedinstance-{1y,3y}.json; the README says how to download them). The rows
the feeds do not hold come from fixtures/sourced_rows.json, each with its source. A key found
in neither is left out of the region's book. The output is the same for the same inputs.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from advisor.pricebook import feeds  # noqa: E402
from advisor.pricing.catalogue import ALL_SPECS, BURSTABLE_BASELINE_SOURCE, SPECS  # noqa: E402

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
           "ap-northeast-2", "ap-southeast-1")
BOOK_NAME = "AWS list prices, November 2026"
EFFECTIVE_FROM = "2026-11-01"
INSTANCE_COLUMNS = ("name", "vcpu", "memory_gib", "hourly", "reserved_1y_hourly",
                    "reserved_3y_hourly", "burstable_baseline")


def text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def read_all(folder: Path) -> list[feeds.Feed]:
    paths = sorted(folder.glob("*.json")) + sorted((folder / "ec2").glob("*.json"))
    return [feeds.read_feed(feeds.load(p), p.relative_to(folder).as_posix(), set(REGIONS))
            for p in paths]


def book(region: str, all_feeds: list[feeds.Feed], sourced: dict[str, Any]) -> dict[str, Any]:
    rates: list[dict[str, Any]] = []
    for feed in all_feeds:
        prices = feed.regions.get(region)
        if prices is None or not prices.rates:
            continue
        for key, ladder in sorted(prices.rates.items()):
            rates += [{"key": key, "tier_upto": text(upto), "price": text(price),
                       "confidence": "aws", "source": feed.label,
                       "read_on": feed.published.isoformat() if feed.published else None}
                      for upto, price in ladder]
    have = {r["key"] for r in rates}
    rates += [r for r in sourced["rules"] + sourced["regions"].get(region, [])
              if r["key"] not in have]
    order = {s.key: n for n, s in enumerate(ALL_SPECS)}
    rates.sort(key=lambda r: (order[r["key"]], r["tier_upto"] is None,
                              Decimal(r["tier_upto"] or 0)))
    missing = [s.key for s in SPECS if s.key not in {r["key"] for r in rates}]

    ondemand = next(f for f in all_feeds if f.source == "ec2-ondemand-without-sec-sel"
                    and region in f.regions)
    reserved = [f for f in all_feeds if f.source == "ec2-reservedinstance" and region in f.regions]
    instances = feeds.merge_instances(all_feeds, region)
    rows = [[i.name, i.vcpu, text(i.memory_gib), text(i.hourly), text(i.reserved_1y),
             text(i.reserved_3y), text(i.burstable_baseline)]
            for i in sorted(instances.values(), key=lambda i: i.name)]
    where = feeds.REGION_NAMES[region]
    notes = (f"{where}: every price of AWS's pricing-page feeds (Lambda, API Gateway, NAT "
             "gateway, public IPv4, CloudWatch Logs, ECS on Fargate, EBS, and every EC2 "
             "type, previous generations and accelerated types included, Linux, shared tenancy, on "
             "demand and standard reserved instances, No "
             "Upfront), with the rows the feeds lack from the sources each row names.")
    if missing:
        notes += (" No source was found for: " + ", ".join(missing) + "; the advisor names "
                  "them when a comparison needs them.")
    return {
        "region": region, "name": BOOK_NAME, "effective_from": EFFECTIVE_FROM,
        "status": "published", "notes": notes, "missing": missing, "rates": rates,
        "instance_types": {
            # seed_prices adds the baseline's source to burstable rows (as instance_source).
            "source": feeds.instance_source(ondemand, reserved),
            "read_on": ondemand.published.isoformat() if ondemand.published else None,
            "confidence": "aws",
            "burstable_source": BURSTABLE_BASELINE_SOURCE,
            "columns": list(INSTANCE_COLUMNS),
            "rows": rows,
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds_dir", type=Path)
    parser.add_argument("--sourced", type=Path, default=ROOT / "fixtures" / "sourced_rows.json")
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures" / "price_books.json")
    args = parser.parse_args(argv)
    sourced = json.loads(args.sourced.read_text(encoding="utf-8"))
    all_feeds = read_all(args.feeds_dir)
    books = [book(region, all_feeds, sourced) for region in REGIONS]
    # One instance row a line: readable diffs, a small file.
    tables = []
    for n, b in enumerate(books):
        tables.append(b["instance_types"].pop("rows"))
        b["instance_types"]["rows"] = f"@ROWS{n}@"
    body = json.dumps({"price_books": books}, indent=1, ensure_ascii=False)
    for n, rows in enumerate(tables):
        lines = ",\n   ".join(json.dumps(r, separators=(",", ":")) for r in rows)
        body = body.replace(f'"@ROWS{n}@"', "[\n   " + lines + "\n  ]")
    args.out.write_text(body + "\n", encoding="utf-8")
    for b, rows in zip(books, tables, strict=True):
        print(f"{b['region']}: {len(b['rates'])} rate rows, {len(rows)} instance types, "
              f"missing: {', '.join(b['missing']) or 'none'}")


if __name__ == "__main__":
    main()
