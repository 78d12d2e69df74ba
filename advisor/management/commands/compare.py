"""`python manage.py compare [FILE|-] [--at YYYY-MM-DD] [--vary FIELD=V1,V2 ...] [--format csv]`:
the comparison contract (or, with ``--vary``, the scenario table) on the command line.

Prints the result JSON and exits 0; bad input exits 2 with one `field: problem` line per
problem on stderr and nothing on stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from typing import Any

from django.core.management.base import BaseCommand

from advisor import scenario_service, services
from advisor.plumbing.jsonio import strict_json_loads
from advisor.usage import UsageError

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Compare Lambda and EC2 for a workload given as JSON (a file, or '-' / nothing for stdin)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", default="-", help="workload JSON file; '-' reads stdin")
        parser.add_argument("--at", help="price as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--basis", choices=("bill", "bill_and_operations"),
                            help="what every comparison counts (overrides the JSON's basis): "
                                 "the AWS bill, or the bill plus operations time")
        parser.add_argument(
            "--vary", action="append", default=[], metavar="FIELD=V1,V2|JSON",
            help="price every combination of these values (repeatable), e.g. --vary "
                 "region=us-east-1,eu-west-1 --vary ec2.purchase=on_demand,spot, or one JSON "
                 "object such as '{\"architecture\": [\"x86_64\", \"arm64\"]}'; prints the "
                 "scenario table")
        parser.add_argument("--format", choices=("json", "csv"), default="json",
                            help="the scenario table as JSON (default) or CSV")
        parser.add_argument("--usage", metavar="USAGE_FILE",
                            help="compare the workload read from a usage file (Lambda logs, "
                                 "CloudWatch metrics, CUR/FOCUS) instead of workload JSON")
        from advisor.management.commands.usage import add_usage_arguments

        add_usage_arguments(parser, "--usage-format")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        on: dt.date | None = None
        if options["at"]:
            try:
                on = dt.date.fromisoformat(options["at"])
            except ValueError:
                problems.append(f"--at: must be a date as YYYY-MM-DD (got {options['at']!r})")
        data: object = None
        try:
            if options["usage"]:
                data = _from_usage(options)
            else:
                text = sys.stdin.read() if options["file"] == "-" else _read(options["file"])
                data = strict_json_loads(text)
        except UsageError as exc:
            problems.append(f"{exc.field}: {exc.message}")
        except OSError as exc:
            problems.append(f"file: cannot read {options['file']}: {exc.strerror}")
        except (ValueError, RecursionError) as exc:
            problems.append(f"input: not valid JSON ({exc})")
        if not problems and options.get("basis") and isinstance(data, dict):
            data = {**data, "basis": options["basis"]}
        vary = _vary(options["vary"], problems)
        if not problems:
            try:
                result = (services.run(data, on) if vary is None
                          else scenario_service.table(data, vary, on))
            except services.ComparisonError as exc:
                problems.extend(f"{_field(field)}: {msg}" for field, msgs in exc.errors.items()
                                for msg in msgs)
        if problems:
            for line in problems:
                self.stderr.write(line)
            sys.exit(EXIT_BAD_INPUT)
        if vary is not None and options["format"] == "csv":
            self.stdout.write(scenario_service.to_csv(result), ending="")
            return
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))


def _vary(args: list[str], problems: list[str]) -> dict[str, Any] | None:
    """``--vary`` arguments as the contract's ``vary`` map: a JSON object, or FIELD=V1,V2
    where each value reads as JSON when it can (numbers, true/false) and as text otherwise."""
    if not args:
        return None
    vary: dict[str, Any] = {}
    for arg in args:
        if arg.lstrip().startswith("{"):
            try:
                parsed = strict_json_loads(arg)
            except (ValueError, RecursionError) as exc:
                problems.append(f"--vary: not valid JSON ({exc})")
                continue
            if not isinstance(parsed, dict):
                problems.append("--vary: the JSON must be an object of field -> list of values")
                continue
            vary.update(parsed)
            continue
        name, sep, values = arg.partition("=")
        if not sep or not name or not values:
            problems.append(f"--vary: must be FIELD=VALUE,VALUE or a JSON object (got {arg!r})")
            continue
        vary[name] = [_value(v) for v in values.split(",")]
    return vary


def _value(text: str) -> Any:
    try:
        return strict_json_loads(text)
    except (ValueError, RecursionError):
        return text


def _from_usage(options: dict[str, Any]) -> object:
    from advisor.management.commands.usage import params_of, read_file

    result = read_file(options["usage"], params_of(options))
    if result["workload"] is None:
        raise UsageError("unusable", "the file holds no request volume to compare: "
                         + "; ".join(result["warnings"]))
    return result["workload"]


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _field(name: str) -> str:
    # A problem with the input as a whole (not an object, money out of range) is the engine's
    # "__all__"; on the command line it reads as "input", like the JSON errors above.
    if name == "__all__":
        return "input"
    # An unknown field is named as the input spelt it; quote a name that is empty or holds a
    # space, colon or line break, so that every stderr line still starts with exactly one field.
    return name if re.fullmatch(r'[^\s:"]+', name) else json.dumps(name)
