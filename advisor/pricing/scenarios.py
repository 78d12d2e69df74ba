"""Scenarios: one workload priced in every combination of a few varied inputs.

``vary`` maps a field path of the contract (``"region"``, ``"architecture"``,
``"ec2.purchase"``, any other input but ``ranges``) to the values to try. Every combination is
one row, priced by :func:`~advisor.pricing.compare.compare` without the break-even search and
the uncertainty figures (a table of totals needs neither, and they are most of a compare()'s
time). A combination that cannot be priced (a price the region's book lacks, a purchase option
with no rate for the chosen type, a cross-field rule) keeps its row with the reasons, field by
field, instead of failing the whole table.

Pure: no Django. The caller hands in ``sheet_for(region)``; each region's price sheet (and
instance table) is asked for once per table.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from advisor.pricing.choose import cheapest_of
from advisor.pricing.compare import check_prices, check_region, compare, missing_price_error
from advisor.pricing.ec2 import EC2_ITEMS, build_ec2_model, ec2_items, size_fleet
from advisor.pricing.lambda_ import LAMBDA_ITEMS, lambda_items
from advisor.pricing.sheet import MissingPrice, PriceSheet
from advisor.pricing.workload import (
    FIELD_BY_NAME,
    OPTION_NAMES,
    Workload,
    WorkloadError,
    _check,
    _show,
    parse_workload,
)

# A table beyond this is a bulk job, not a comparison to read: 200 rows price in well under a
# second (bench/engine.py) and still fit one screen's scrolling table.
MAX_SCENARIOS = 200
# Inputs that cannot be varied: ranges are the uncertainty's, not a price's.
NOT_VARIED = ("ranges",)
# Inputs other defaults or cross-field rules depend on (workload.py: DERIVED, CHECKS): a
# combination that varies one is parsed again in full; any other is the base workload with
# the (already checked) values replaced, which is the same workload at a tenth of the cost.
REPARSE = ("memory_mb", "hours_per_month", "provisioned_concurrency",
           "provisioned_hours_per_month", "provisioned_share_of_requests", "options",
           "needs.task_memory_mb", "needs.task_vcpus")

SheetFor = Callable[[str], PriceSheet]
Vary = tuple[tuple[str, tuple[Any, ...]], ...]


def parse_vary(vary: object) -> Vary:
    """``vary`` checked against the contract: known paths, lists of valid, distinct values.

    Raises :class:`WorkloadError` with ``vary`` or ``vary.<path>`` as the field.
    """
    if not isinstance(vary, Mapping) or not vary:
        raise WorkloadError({"vary": [
            "must be an object of field path -> list of values to try, e.g. "
            '{"region": ["us-east-1", "eu-west-1"]} (got ' + _show(vary) + ")"]})
    errors: dict[str, list[str]] = {}
    out: list[tuple[str, tuple[Any, ...]]] = []
    for path, values in vary.items():
        where = f"vary.{path}"
        spec = FIELD_BY_NAME.get(path) if isinstance(path, str) else None
        if spec is None or path in NOT_VARIED:
            errors[where] = ["unknown field; fields that may vary: "
                             + ", ".join(f for f in FIELD_BY_NAME if f not in NOT_VARIED)]
            continue
        if not isinstance(values, list) or not values:
            errors[where] = [f"must be a list of one or more values, each {spec.describe()} "
                             f"(got {_show(values)})"]
            continue
        checked: list[Any] = []
        for value in values:
            converted, message = _check(spec, value)
            if message:
                errors.setdefault(where, []).append(message)
            elif converted in checked:
                errors.setdefault(where, []).append(f"must list each value once (got "
                                                    f"{_show(value)} twice)")
            else:
                checked.append(list(converted) if isinstance(converted, tuple) else converted)
        out.append((path, tuple(checked)))
    if errors:
        raise WorkloadError(errors)
    count = math.prod(len(values) for _, values in out)
    if count > MAX_SCENARIOS:
        sizes = " × ".join(str(len(values)) for _, values in out)
        raise WorkloadError({"vary": [
            f"at most {MAX_SCENARIOS} combinations may be priced at once (got {count}: "
            f"{sizes}); try fewer values"]})
    return tuple(out)


def _with(data: Mapping[str, Any], path: str, value: Any) -> None:
    group, _, key = path.rpartition(".")
    target: Any = data
    if group:
        target = data.setdefault(group, {})  # type: ignore[attr-defined]
    target[key] = value


def _own(workload: Workload, path: str) -> Any:
    value = workload.value(path)
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Priced:
    """One combination's totals (``totals`` empty and ``refused`` set when it cannot be
    priced)."""

    totals: Mapping[str, float]
    instance_type: str | None
    refused: Mapping[str, list[str]] | None

    @property
    def cheapest(self) -> str | None:
        return cheapest_of(self.totals) if self.totals else None

    @property
    def lowest(self) -> float | None:
        return min(self.totals.values()) if self.totals else None


class _Pricer:
    """Prices combinations of one base workload, each region's sheet fetched once and each
    combination priced once (the table and ``best_by_field`` share them)."""

    def __init__(self, data: Mapping[str, Any], base: Workload, sheet_for: SheetFor) -> None:
        self.data = data
        self.base = base
        ranged = {name for name, _ in base.ranges}
        self.reparse = set(REPARSE) | ranged
        self.sheet_for = sheet_for
        self.sheets: dict[str, PriceSheet | WorkloadError] = {}
        self.done: dict[tuple[tuple[str, str], ...], Priced] = {}

    def sheet(self, region: str) -> PriceSheet | WorkloadError:
        if region not in self.sheets:
            try:
                self.sheets[region] = self.sheet_for(region)
            except WorkloadError as exc:
                self.sheets[region] = exc
        return self.sheets[region]

    def price(self, combo: Mapping[str, Any]) -> Priced:
        key = tuple(sorted((p, repr(v)) for p, v in combo.items()))
        if key not in self.done:
            self.done[key] = self._price(combo)
        return self.done[key]

    def _workload(self, combo: Mapping[str, Any]) -> Workload:
        if self.reparse.isdisjoint(combo):
            top: dict[str, Any] = {}
            groups: dict[str, dict[str, Any]] = {}
            for path, value in combo.items():
                group, _, key = path.rpartition(".")
                if group:
                    groups.setdefault(group, {})[key] = value
                else:
                    top[key] = value
            for group, values in groups.items():
                top[group] = replace(getattr(self.base, group), **values)
            return replace(self.base, **top)
        data = copy.deepcopy(dict(self.data))
        ranges = data.get("ranges")
        for path, value in combo.items():
            _with(data, path, value)
            # A varied input's range would no longer be centred on its value; the table
            # prices no ranges anyway.
            if isinstance(ranges, dict):
                ranges.pop(path, None)
        return parse_workload(data)

    def _price(self, combo: Mapping[str, Any]) -> Priced:
        try:
            w = self._workload(combo)
        except WorkloadError as exc:
            return Priced({}, None, exc.errors)
        sheet = self.sheet(w.region)
        if isinstance(sheet, WorkloadError):
            return Priced({}, None, sheet.errors)
        try:
            totals, instance_type = _totals(w, sheet)
        except WorkloadError as exc:
            return Priced({}, None, exc.errors)
        totals = {n: totals[n] for n in OPTION_NAMES if n in w.options and n in totals}
        return Priced(totals, instance_type if "ec2" in totals else None, None)


def _totals(w: Workload, sheet: PriceSheet) -> tuple[dict[str, float], str]:
    """Each option's monthly total, as compare() adds them up (the same functions, the same
    order of addition), without the detail a table does not show (assumptions, the
    recommendation). Options beyond the default pair go through compare() itself."""
    if w.extra_options:
        c = compare(w, sheet, with_break_even=False, with_uncertainty=False)
        totals = {"lambda": c.lambda_.monthly_usd, "ec2": c.ec2.monthly_usd}
        if c.options is not None:
            totals.update({n: r.monthly_usd for n, r in c.options.extra.items()})
        return totals, c.ec2.instance_type
    check_region(w, sheet)
    check_prices(w, sheet)
    r = float(w.requests_per_month)
    try:
        model = build_ec2_model(w, sheet)
        items, _ = lambda_items(sheet, w, r)
        lam = sum({k: float(items[k]) for k in LAMBDA_ITEMS}.values())
        chosen = size_fleet(model, r)[0]
        e_items = ec2_items(model, chosen, r)
        ec2 = sum({k: float(e_items[k]) for k in EC2_ITEMS}.values())
    except MissingPrice as exc:
        raise missing_price_error(w, sheet, [exc.key]) from None
    if not (math.isfinite(lam) and math.isfinite(ec2)):
        raise WorkloadError({"__all__": [
            "the inputs are too large to price: a total would not be a finite number of USD; "
            "lower the largest inputs"]})
    return {"lambda": lam, "ec2": ec2}, chosen.instance_type


def _row(combo: Mapping[str, Any], priced: Priced, own: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"vary": dict(combo)}
    for name, total in priced.totals.items():
        row[name] = {"monthly_usd": total}
        if name == "ec2":
            row[name]["instance_type"] = priced.instance_type
    row["cheapest"] = priced.cheapest
    row["refused"] = None if priced.refused is None else {k: list(v) for k, v
                                                           in priced.refused.items()}
    row["is_workload"] = own
    return row


def scenarios(data: Mapping[str, Any], vary: object, sheet_for: SheetFor) -> dict[str, Any]:
    """The scenario table of the workload ``data`` (contract JSON) over ``vary``.

    Raises :class:`WorkloadError` for an invalid workload or ``vary`` (a field of either, or
    the number of combinations); a combination that cannot be priced is a refused row.
    """
    base = parse_workload(data)
    axes = parse_vary(vary)
    own = {path: _own(base, path) for path, _ in axes}
    pricer = _Pricer(data, base, sheet_for)
    rows: list[dict[str, Any]] = []
    for values in itertools.product(*(vals for _, vals in axes)):
        combo = {path: value for (path, _), value in zip(axes, values, strict=True)}
        rows.append(_row(combo, pricer.price(combo), combo == own))

    cheapest: dict[str, Any] | None = None
    for index, row in enumerate(rows):
        for name in OPTION_NAMES:
            entry = row.get(name)
            if entry is not None and (cheapest is None
                                      or entry["monthly_usd"] < cheapest["monthly_usd"]):
                cheapest = {"index": index, "vary": row["vary"], "option": name,
                            "monthly_usd": entry["monthly_usd"]}

    best: dict[str, Any] = {}
    for path, values in axes:
        # The other varied inputs stay at the workload's own values, priced even when they
        # are not among the values tried.
        tried = []
        for value in values:
            p = pricer.price({**own, path: value})
            tried.append({"value": value, "cheapest": p.cheapest, "monthly_usd": p.lowest,
                          "refused": None if p.refused is None else dict(p.refused)})
        priced = [t for t in tried if t["monthly_usd"] is not None]
        top = min(priced, key=lambda t: t["monthly_usd"]) if priced else None
        best[path] = {"value": None if top is None else top["value"],
                      "cheapest": None if top is None else top["cheapest"],
                      "monthly_usd": None if top is None else top["monthly_usd"],
                      "values": tried}
    return {"inputs": base.to_dict(), "vary": {p: list(v) for p, v in axes},
            "count": len(rows), "scenarios": rows, "cheapest": cheapest,
            "best_by_field": best}


def options_of(table: Mapping[str, Any]) -> list[str]:
    """The compared options that appear in a table's rows, in the contract's order."""
    seen = {name for row in table["scenarios"] for name in OPTION_NAMES if name in row}
    return [n for n in OPTION_NAMES if n in seen]


def csv_rows(table: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The table as CSV columns and rows: one column per varied field, then per option its
    monthly total (and EC2's instance type), the cheapest option, whether the row is the
    workload's own, and the refusal's reasons as ``field: message`` lines."""
    paths = list(table["vary"])
    options = options_of(table)
    header = [*paths]
    for name in options:
        header.append(f"{name}.monthly_usd")
        if name == "ec2":
            header.append("ec2.instance_type")
    header += ["cheapest", "is_workload", "refused"]
    out: list[list[Any]] = []
    for row in table["scenarios"]:
        line: list[Any] = [row["vary"][p] for p in paths]
        for name in options:
            entry = row.get(name) or {}
            line.append(entry.get("monthly_usd"))
            if name == "ec2":
                line.append(entry.get("instance_type"))
        refused = row["refused"] or {}
        line += [row["cheapest"], row["is_workload"],
                 "; ".join(f"{k}: {m}" for k, ms in refused.items() for m in ms)]
        out.append(line)
    return header, out
