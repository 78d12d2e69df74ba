"""Import AWS prices into a draft price book an editor reviews and publishes.

    python manage.py import_aws_prices PATH [PATH ...] [--region REGION|all] [--add-instance-types]

PATH is a file or a directory of them (its ec2/ folder included), in either of AWS's formats:
- an offer file of the bulk price list (AmazonEC2, AWSLambda, AmazonApiGateway, AWSELB; e.g.
  https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-1/index.json);
- a pricing-page feed (https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/..., the files the
  aws.amazon.com pricing pages load: Lambda, API Gateway, NAT gateway, VPC, CloudWatch, ECS
  (Fargate), EBS, EC2 on demand and reserved). ``--region all`` imports every region the feeds cover, each into
  its own import draft.
Everything is read and checked before anything is written, and each region's writing is one
transaction: a malformed file leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from advisor.pricebook import feeds
from advisor.pricebook.importers import (
    ImportFileError,
    ImportSummary,
    ParsedOffer,
    apply_import,
    load_offer,
    parse_feeds,
    parse_offer,
)


class Command(BaseCommand):
    help = "Import AWS Price List offer files (bulk JSON) into a draft price book."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Offer file(s), or directories of them.")
        parser.add_argument("--region", help="Region code to import, e.g. ap-northeast-2, or "
                            "'all' for every region of the pricing-page feeds (needed when a "
                            "file covers several).")
        parser.add_argument(
            "--add-instance-types", action="store_true",
            help="Also add EC2 instance types the book in force does not list (fixed-performance only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            files += sorted(path.glob("*.json")) + sorted(path.glob("ec2/*.json")) \
                if path.is_dir() else [path]
        if not files:
            raise CommandError("no offer files found in the given paths")
        try:
            loaded = [(p, load_offer(p)) for p in files]
            feed_files = [p for p, data in loaded if feeds.is_feed(data)]
            if feed_files:
                if len(feed_files) != len(loaded):
                    raise ImportFileError("import pricing-page feeds and Price List offer files "
                                          "separately")
                self._import_feeds(feed_files, options)
                return
            offers = [parse_offer(data, str(p), options["region"]) for p, data in loaded]
            regions = {o.region for o in offers}
            if len(regions) != 1:
                raise ImportFileError(
                    f"the files cover several regions ({', '.join(sorted(regions))}); pass --region"
                )
            region = regions.pop()
            if not any(o.rates or o.instances for o in offers):
                raise ImportFileError(f"the files hold no prices for {region} that the advisor uses")
            for offer in offers:
                self.stdout.write(
                    f"Read {offer.offer_code} version {offer.version} (published "
                    f"{offer.publication_date}) from {offer.path}: {offer.products} products, "
                    f"{len(offer.rates)} prices and {len(offer.instances)} instance types used."
                )
            summary = apply_import(offers, region, add_instance_types=options["add_instance_types"])
        except ImportFileError as exc:
            raise CommandError(f"{exc}. Nothing was imported.") from exc
        self._report(summary)

    def _import_feeds(self, files: list[Path], options: dict[str, Any]) -> None:
        region = options["region"]
        if region is None:
            raise ImportFileError("the pricing-page feeds cover many regions: pass --region "
                                  "REGION (e.g. ap-northeast-2) or --region all")
        offers = parse_feeds(files, region)
        by_region: dict[str, list[ParsedOffer]] = {}
        for offer in offers:
            by_region.setdefault(offer.region, []).append(offer)
        if not any(o.rates or o.instances for o in offers):
            raise ImportFileError(f"the files hold no prices for {region} that the advisor uses")
        for offer in offers:
            if offer.rates or offer.instances:
                self.stdout.write(
                    f"Read {offer.offer_code} feed (published {offer.publication_date}) from "
                    f"{offer.path} for {offer.region}: {len(offer.rates)} prices and "
                    f"{len(offer.instances)} instance types used.")
        # All regions or none: one transaction around the regions' imports.
        with transaction.atomic():
            summaries = [apply_import(group, code, add_instance_types=options["add_instance_types"])
                         for code, group in sorted(by_region.items())
                         if any(o.rates or o.instances for o in group)]
        for summary in summaries:
            self._report(summary)

    def _report(self, s: ImportSummary) -> None:
        out = self.stdout.write
        base = f"#{s.base.pk} “{s.base.name}”" if s.base else "none"
        out(f"Book in force for {s.region}: {base}.")
        out(f"Added: {len(s.added)}")
        for line in s.added:
            out(f"  + {line}")
        out(f"Changed against the book in force: {len(s.changed)}")
        for line in s.changed:
            out(f"  ~ {line}")
        out(f"Unchanged: {s.unchanged}")
        out(f"Skipped: {sum(s.skipped.values())}")
        for reason, count in sorted(s.skipped.items()):
            out(f"  - {reason}: {count}")
        if s.nothing_new:
            where = f"book #{s.draft.pk} “{s.draft.name}”" if s.draft else "the book in force"
            out(self.style.SUCCESS(f"Nothing new: {where} already holds these prices from the same files."))
            return
        assert s.draft is not None
        verb = "Created" if s.created else "Updated"
        out(self.style.SUCCESS(
            f"{verb} draft #{s.draft.pk} “{s.draft.name}”: {s.written} rows written. "
            f"Review and publish it in the admin: /admin/advisor/pricebook/{s.draft.pk}/change/"
        ))
