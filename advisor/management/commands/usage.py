"""`python manage.py usage FILE|- [--hours H] [--memory-mb MB] [--region R] [--free-tier
true|false] [--format NAME]`: read a usage file (Lambda logs, CloudWatch metrics, a cost
file; gzip or not) and print the measured workload as JSON.

The file is streamed: any size takes the same memory. Bad input exits 2 with one
`field: problem` line on stderr and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand

from advisor import usage_pricing
from advisor.usage import FORMATS, Params, UsageError

EXIT_BAD_INPUT = 2


def add_usage_arguments(parser: Any, format_flag: str = "--format") -> None:
    """The usage reader's options; ``compare`` names the format flag ``--usage-format``, its
    own ``--format`` choosing how the scenario table prints."""
    parser.add_argument("--hours", type=float, help="hours the file covers (needed for lines "
                        "without timestamps)")
    parser.add_argument("--memory-mb", type=int, help="Lambda memory (for metrics and cost files)")
    parser.add_argument("--region", help="AWS region code of the workload")
    parser.add_argument("--free-tier", choices=("true", "false"),
                        help="apply Lambda's free allowance")
    parser.add_argument(format_flag, dest="usage_format", choices=sorted(FORMATS),
                        help="force a format")


def params_of(options: dict[str, Any]) -> Params:
    free = options.get("free_tier")
    return Params(hours=options.get("hours"), memory_mb=options.get("memory_mb"),
                  region=options.get("region"),
                  free_tier=None if free is None else free == "true",
                  format=options.get("usage_format"))


def read_file(path: str, params: Params) -> dict[str, Any]:
    """The importer's result for a path ('-': stdin); UsageError or OSError on failure."""
    stream: IO[bytes]
    if path == "-":
        return usage_pricing.read(sys.stdin.buffer, params)
    with open(path, "rb") as stream:
        return usage_pricing.read(stream, params)


class Command(BaseCommand):
    help = "Read a usage file (Lambda REPORT logs, CloudWatch metrics, CUR/FOCUS) into a workload."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", default="-", help="the file; '-' reads stdin")
        add_usage_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = read_file(options["file"], params_of(options))
        except UsageError as exc:
            self.stderr.write(f"{exc.field}: {exc.message}")
            sys.exit(EXIT_BAD_INPUT)
        except OSError as exc:
            self.stderr.write(f"file: cannot read {options['file']}: {exc.strerror or exc}")
            sys.exit(EXIT_BAD_INPUT)
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))
