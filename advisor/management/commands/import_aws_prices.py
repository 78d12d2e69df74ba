"""Import AWS Price List offer files into a draft price book an editor reviews and publishes.

    python manage.py import_aws_prices PATH [PATH ...] [--region REGION] [--add-instance-types]

PATH is an offer file of the bulk price list (AmazonEC2, AWSLambda, AmazonApiGateway, AWSELB;
e.g. https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-1/index.json)
or a directory of them. Everything is read and checked before anything is written, and the
writing is one transaction: a malformed file leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from advisor.pricebook.importers import (
    ImportFileError,
    ImportSummary,
    apply_import,
    load_offer,
    parse_offer,
)


class Command(BaseCommand):
    help = "Import AWS Price List offer files (bulk JSON) into a draft price book."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Offer file(s), or directories of them.")
        parser.add_argument("--region", help="Region code to import, e.g. us-east-1 (needed when a file covers several).")
        parser.add_argument(
            "--add-instance-types", action="store_true",
            help="Also add EC2 instance types the book in force does not list (fixed-performance only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            files += sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise CommandError("no offer files found in the given paths")
        try:
            offers = [parse_offer(load_offer(p), str(p), options["region"]) for p in files]
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
