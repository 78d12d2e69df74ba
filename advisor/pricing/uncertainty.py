"""Ranges and sensitivity: how sure the answer is, from the inputs people can only guess.

Any input of ``RANGED_FIELDS`` (workload.py) may be given as ``[low, expected, high]``. The
engine prices the combinations at once and reports, for each side, the lowest, expected and
highest monthly total; the share of the range in which each side costs less; and which input
moves the difference most (a tornado list).

Weighting: each ranged input follows a triangular distribution from low to high with its mode
at the expected value, on a log scale for requests, duration and peak-to-average (a guess of
traffic is "within a factor of two", not "± 1 million"), on a linear scale for the others; the
inputs are independent. The distribution is evaluated on a grid that holds each input's low,
expected and high value: 9 points per input for requests, duration and the operations hours,
5 for memory, peak-to-average and CPU share (they change the EC2 fleet's model, which is built
once per distinct combination; when two or more of these are ranged, each keeps its 3 ends). Each grid point stands for its cell (halfway to
its neighbours) and weighs the distribution's exact mass over it, so the ends of a range weigh
too; the volumes where the cheaper side changes (break-even on the basis) inside the requests
range are grid points as well, which makes the share exact along requests.
``share_cheaper`` is the weighted share of the grid in which each side's total *on the
result's basis* (``cost_basis``: the AWS bill, or the bill plus operations time; basis.py) is
lower (within a cent: a tie); a side cheaper at any grid point keeps the other's share below 1.
``method`` says how many grid points were weighed. ``low``/``high`` are the lowest and highest
totals anywhere on the grid, so they always hold the expected one.

Sensitivity: the difference EC2 minus Lambda on the basis with one input at its low and then
at its high end and every other at its expected value, largest swing first (the operations
hours only when the basis counts them).

Without any range, the same runs on ``DEFAULT_SPREADS`` (the result says so, ``basis``
"default_spreads"): traffic × 0.5 .. × 2, duration × 0.75 .. × 1.5, peak-to-average ÷ 1.5 ..
× 1.5, CPU share × 0.5 .. × 1.5 and operations hours × 0.5 .. × 2, each clipped to the input's
allowed range. Memory gets no default spread: it is a setting, not a guess.

Sides are priced through ``PRICERS`` (side -> function pricing many workloads at once), so
another option can join by adding its pricer.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from advisor.pricing.ec2 import Ec2Model, build_ec2_model
from advisor.pricing.lambda_ import lambda_total
from advisor.pricing.sheet import PriceSheet, float_maximum, float_minimum
from advisor.pricing.workload import (
    FIELD_BY_NAME,
    RANGED_FIELDS,
    Range,
    Workload,
    WorkloadError,
)

TIE_USD = 0.01  # as compare.TIE_USD: totals within a cent are a tie
LOG_FIELDS = frozenset({"requests_per_month", "duration_ms", "traffic.peak_to_average"})
# Inputs that change the EC2 model (eligible types, coefficients, load levels): priced once per
# distinct combination. Requests and duration are vectorised inside each model.
MODEL_FIELDS = ("memory_mb", "traffic.peak_to_average", "ec2.cpu_share")
OPS_FIELDS = ("needs.ops_hours_per_month", "needs.lambda_ops_hours_per_month")
# Grid steps on each side of the expected value.
STEPS = {"requests_per_month": 4, "duration_ms": 4, "needs.ops_hours_per_month": 4,
         "needs.lambda_ops_hours_per_month": 4, "memory_mb": 2, "traffic.peak_to_average": 2,
         "ec2.cpu_share": 2}
DEFAULT_SPREADS: dict[str, tuple[float, float]] = {
    "requests_per_month": (0.5, 2.0),
    "duration_ms": (0.75, 1.5),
    "traffic.peak_to_average": (1 / 1.5, 1.5),
    "ec2.cpu_share": (0.5, 1.5),
    "needs.ops_hours_per_month": (0.5, 2.0),
    "needs.lambda_ops_hours_per_month": (0.5, 2.0),
}

# inputs: field -> 1-D array of values (all the same length); returns USD a month per entry.
Pricer = Callable[[PriceSheet, Workload, Mapping[str, np.ndarray]], np.ndarray]


def with_values(w: Workload, values: Mapping[str, Any]) -> Workload:
    """``w`` with some (dotted) fields replaced."""
    top: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        group, _, key = name.rpartition(".")
        if group:
            groups.setdefault(group, {})[key] = value
        else:
            top[name] = value
    for group, changes in groups.items():
        top[group] = _replace(getattr(w, group), changes)
    return _replace(w, top)


def _replace(obj: Any, changes: Mapping[str, Any]) -> Any:
    """dataclasses.replace() without running __init__ again: a copy with some fields set,
    equal to what replace() gives, since a workload's __post_init__ only fills in what is
    still None and nothing is once it has been built (the ranges make a variant per model,
    keystroke after keystroke)."""
    cls = type(obj)
    names = _field_names(cls)
    if not names.issuperset(changes):
        unknown = set(changes) - names
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    # copy.copy()'s own steps for a plain dataclass (a new object given the old one's
    # attributes), without its protocol lookups: several times faster.
    new = object.__new__(cls)
    new.__dict__.update(obj.__dict__)
    for name, value in changes.items():
        object.__setattr__(new, name, value)
    return new


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if f.init)


class GridInputs(Mapping[str, np.ndarray]):
    """The inputs of a full grid: every combination of the axes' nodes, the last axis
    varying fastest (C order). As a Mapping it holds the flat arrays any pricer reads
    (made when first read); ``axes`` lets this module's pricers price each distinct model
    once on the requests × duration block instead of finding the groups by sorting."""

    def __init__(self, axes: Sequence[tuple[str, np.ndarray]]) -> None:
        self.axes = tuple(axes)
        self.shape = tuple(nodes.size for _, nodes in self.axes)
        self._flat: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        flat = self._flat.get(name)
        if flat is None:
            i = next((i for i, (n, _) in enumerate(self.axes) if n == name), None)
            if i is None:
                raise KeyError(name)
            view = [1] * len(self.axes)
            view[i] = self.shape[i]
            nodes = self.axes[i][1]
            flat = self._flat[name] = np.broadcast_to(nodes.reshape(view), self.shape).ravel()
        return flat

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.axes)

    def __len__(self) -> int:
        return len(self.axes)

    def __contains__(self, name: object) -> bool:
        return any(n == name for n, _ in self.axes)


def _by_model(sheet: PriceSheet, w: Workload, inputs: Mapping[str, np.ndarray],
              evaluate: Callable[[Workload, np.ndarray, np.ndarray], np.ndarray],
              model_fields: Sequence[str] = MODEL_FIELDS) -> np.ndarray:
    """Run ``evaluate(workload, requests, duration)`` once per distinct combination of the
    model fields (those of ``model_fields`` that the side's price depends on), vectorised over
    requests and duration within it."""
    if isinstance(inputs, GridInputs):
        return _by_model_on_grid(w, inputs, evaluate, model_fields)
    if not inputs:  # the workload alone (a "what if"): its own volume and run time
        out = np.empty(1)
        out[:] = evaluate(w, np.full(1, float(w.requests_per_month)),
                          np.full(1, float(w.duration_ms)))
        return out
    n = len(next(iter(inputs.values())))
    r = np.broadcast_to(np.asarray(inputs.get("requests_per_month", w.requests_per_month),
                                   dtype=float), (n,))
    d = np.broadcast_to(np.asarray(inputs.get("duration_ms", w.duration_ms), dtype=float), (n,))
    varied = [f for f in model_fields if f in inputs]
    out = np.empty(n)
    if not varied:
        out[:] = evaluate(w, r, d)
        return out
    # One integer key per distinct combination (each column factorised on its own: far
    # cheaper than a unique over rows), then one stable sort to group the samples.
    codes, values_of = [], []
    for f in varied:
        uniques, inverse = np.unique(np.asarray(inputs[f], dtype=float), return_inverse=True)
        codes.append(inverse.ravel())
        values_of.append(uniques)
    key = np.ravel_multi_index(codes, tuple(u.size for u in values_of))
    order = np.argsort(key, kind="stable")
    starts = np.flatnonzero(np.diff(key[order])) + 1
    for group in np.split(order, starts):  # one per distinct model, never one per sample
        first = group[0]
        values: dict[str, Any] = {f: float(values_of[i][codes[i][first]])
                                  for i, f in enumerate(varied)}
        out[group] = evaluate(_variant(w, values), r[group], d[group])
    return out


def _variant(w: Workload, values: dict[str, Any]) -> Workload:
    """``w`` with the model fields' values (memory in whole MB); ``w`` itself when they are
    its own (the expected point: compare()'s model, found without a copy and a hash)."""
    if "memory_mb" in values:
        values["memory_mb"] = int(values["memory_mb"])
    if all(w.value(name) == value for name, value in values.items()):
        return w
    return with_values(w, values)


def _by_model_on_grid(w: Workload, grid: GridInputs,
                      evaluate: Callable[[Workload, np.ndarray, np.ndarray], np.ndarray],
                      model_fields: Sequence[str]) -> np.ndarray:
    """:func:`_by_model` on a full grid: each distinct model priced on the requests ×
    duration block (the first two axes when ranged; a price depends on nothing else but the
    model fields), in the order the sort would give (the axes' nodes ascend), and spread
    over the axes it does not depend on. Every figure is the one the flat path gives:
    a model's block is the same volumes and run times in the same order."""
    names = [name for name, _ in grid.axes]
    nodes = dict(grid.axes)
    r_nodes = nodes.get("requests_per_month")
    d_nodes = nodes.get("duration_ms")
    r = np.array([float(w.requests_per_month)]) if r_nodes is None else r_nodes
    d = np.array([float(w.duration_ms)]) if d_nodes is None else d_nodes
    block_r = np.repeat(r, d.size)
    block_d = np.empty((r.size, d.size))  # np.tile(d, r.size), without its Python steps
    block_d[:] = d
    block_d = block_d.ravel()
    # The block's axes lead (RANGED_FIELDS order), the model fields' follow.
    lead = [n for n in ("requests_per_month", "duration_ms") if n in nodes]
    assert names[:len(lead)] == lead
    varied = [i for i, n in enumerate(names) if n in model_fields]
    out = np.empty(grid.shape)
    # The block as it sits in ``out``: its own axes, then 1 for every other one.
    block_shape = [r.size] * (r_nodes is not None) + [d.size] * (d_nodes is not None)
    block_shape += [1] * (len(names) - len(lead) - len(varied))
    for combination in itertools.product(*(range(grid.shape[i]) for i in varied)):
        values: dict[str, Any] = {names[i]: float(nodes[names[i]][k])
                                  for i, k in zip(varied, combination, strict=True)}
        at: list[Any] = [slice(None)] * len(names)
        for i, k in zip(varied, combination, strict=True):
            at[i] = k
        totals = evaluate(_variant(w, values), block_r, block_d)
        out[tuple(at)] = np.reshape(totals, block_shape)
    return out.ravel()


def price_lambda(sheet: PriceSheet, w: Workload, inputs: Mapping[str, np.ndarray]) -> np.ndarray:
    """Lambda's monthly total (AWS bill) for many variants of ``w`` at once. CPU share does
    not change it, nor does the traffic shape unless an ALB (capacity units per hour) is the
    front door."""
    fields = ("memory_mb", "traffic.peak_to_average") if w.front_door == "alb" else ("memory_mb",)
    return _by_model(sheet, w, inputs, lambda v, r, d: lambda_total(sheet, v, r, d), fields)


def price_ec2(sheet: PriceSheet, w: Workload, inputs: Mapping[str, np.ndarray],
              known: Mapping[Workload, Ec2Model] | None = None) -> np.ndarray:
    """The EC2 fleet's monthly total (AWS bill) for many variants of ``w`` at once;
    ``known`` holds models already built (compare()'s own), used for a variant equal to one."""
    def evaluate(v: Workload, r: np.ndarray, d: np.ndarray) -> np.ndarray:
        try:
            model = known.get(v) if known else None
            if model is None:
                model = build_ec2_model(v, sheet)
        except WorkloadError as exc:
            # Only memory changes which types fit: name the range that asked for it.
            raise WorkloadError({"ranges.memory_mb": [
                f"at {v.memory_mb} MB: " + m for ms in exc.errors.values() for m in ms]}) from None
        return model.total(r, d)
    return _by_model(sheet, w, inputs, evaluate)


PRICERS: dict[str, Pricer] = {"lambda": price_lambda, "ec2": price_ec2}


# --- Ranges and grids -------------------------------------------------------------------------

def effective_ranges(w: Workload) -> tuple[dict[str, Range], str]:
    """The ranges priced and their basis: the workload's own ("ranges"), or, when it gives
    none, ``DEFAULT_SPREADS`` around its values ("default_spreads")."""
    if w.ranges:
        return dict(w.ranges), "ranges"
    out: dict[str, Range] = {}
    for name, (down, up) in DEFAULT_SPREADS.items():
        spec = FIELD_BY_NAME[name]
        x = float(w.value(name))
        low, high = x * down, x * up
        if spec.minimum is not None:
            low = max(low, spec.minimum)
        if spec.maximum is not None:
            high = min(high, spec.maximum)
        out[name] = (min(low, x), x, max(high, x))
    return out, "default_spreads"


@dataclass(frozen=True)
class Axis:
    name: str
    nodes: np.ndarray  # ascending, holding low, expected and high
    weights: np.ndarray  # sum 1
    expected: int  # index of the expected value

    @property
    def low(self) -> float:
        return float(self.nodes[0])

    @property
    def high(self) -> float:
        return float(self.nodes[-1])


def _cdf(t: float, a: float, m: float, b: float) -> float:
    """The triangular distribution's CDF on [a, b] with its mode at m, at one point."""
    t = float_minimum(float_maximum(t, a), b)
    if t <= m:
        value = _ratio((t - a) * (t - a), (b - a) * (m - a)) if m > a else 0.0
        # A mode within float noise of an end: that side's part has no mass (a non-finite
        # value on the rising side is 0, on the falling side 1; the clip below does the rest).
        value = value if math.isfinite(value) else 0.0
    else:
        value = 1 - _ratio((b - t) * (b - t), (b - a) * (b - m)) if b > m else 1.0
        value = value if math.isfinite(value) else 1.0
    return float_minimum(float_maximum(value, 0.0), 1.0)


def _ratio(x: float, y: float) -> float:
    # x / y as numpy divides (errors ignored): a zero divisor gives ±inf or NaN, not an error.
    if y == 0.0:
        if x == 0.0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _linspace(start: float, stop: float, num: int) -> list[float]:
    """np.linspace(start, stop, num) (num >= 2) in floats, by numpy's own steps:
    i × step + start, the last point stop itself."""
    div = num - 1
    delta = stop - start
    step = delta / div
    if step == 0:
        points = [i / div * delta + start for i in range(num)]
    else:
        points = [i * step + start for i in range(num)]
    points[-1] = stop
    return points


def axis(name: str, r: Range, steps: int | None = None,
         extra: Sequence[float] = ()) -> Axis:
    """Grid points and triangular weights of one ranged input (see the module docstring);
    ``steps`` on each side of the expected value (default ``STEPS[name]``); ``extra`` adds
    points inside the range (the volumes where the cheaper side changes, for requests).

    A dozen points or so: worked out in Python floats, the same operations as numpy's (its
    linspace, square, clip) in the same order, which is the same figures at a fraction of
    the cost of some fifty numpy calls on tiny arrays; the logarithms, exponentials and the
    weights' sum stay numpy's.
    """
    low, mid, high = (float(v) for v in r)
    if high <= low:
        return Axis(name, np.array([mid]), np.array([1.0]), 0)
    log = name in LOG_FIELDS and low > 0
    a, m, b = np.log([low, mid, high]).tolist() if log else (low, mid, high)
    if not (b > a and math.isfinite(2 / (b - a))):  # narrower than float resolution
        return Axis(name, np.array([mid]), np.array([1.0]), 0)
    k = STEPS[name] if steps is None else steps
    left = _linspace(a, m, k + 1) if m > a else [a]
    right = _linspace(m, b, k + 1) if b > m else [b]
    t = left + right[1:]
    inside = sorted(float(np.log(x)) if log else float(x) for x in extra if low < x < high)
    if inside:
        # A point halfway to each neighbour of a crossing, on either side of it: the two
        # cells then meet at the crossing itself (below), so the share along this input is
        # exact where the cheaper side changes only at its crossings.
        j = [bisect.bisect_left(t, x) for x in inside]
        halves = [(t[i - 1] + x) / 2 for i, x in zip(j, inside, strict=True)]
        halves += [(x + t[min(i, len(t) - 1)]) / 2 for i, x in zip(j, inside, strict=True)]
        t = sorted(set(t + halves))
    # Each point stands for its cell (halfway to its neighbours); its weight is the
    # distribution's exact mass over that cell, so the ends of the range weigh too.
    edges = [a, *((t[i] + t[i + 1]) / 2 for i in range(len(t) - 1)), b]
    for x in inside:
        i = bisect.bisect_left(t, x)  # t[i - 1] < x <= t[i]
        if 0 < i < len(t) and t[i] != x:
            edges[i] = x
    cdf = [_cdf(e, a, m, b) for e in edges]
    weights = np.array([float_maximum(hi - lo, 0.0)
                        for lo, hi in zip(cdf[:-1], cdf[1:], strict=True)])
    weights = weights / weights.sum()
    expected = min(range(len(t)), key=lambda i: abs(t[i] - m))
    nodes = np.exp(t) if log else np.array(t)
    nodes[0], nodes[-1] = low, high
    nodes[expected] = mid
    if name == "memory_mb":  # an integer input: whole MB, the same points merged
        nodes = np.round(nodes)
        nodes, inverse = np.unique(nodes, return_inverse=True)
        weights = np.bincount(inverse.ravel(), weights=weights)
        return Axis(name, nodes, weights, int(np.searchsorted(nodes, round(mid))))
    return Axis(name, nodes, weights, expected)


def _ends(name: str, r: Range) -> Axis:
    """An axis holding only what is read of it on the bill alone (an operations-hours range:
    its low, expected and high values, as :func:`axis` reports them), not its grid."""
    low, mid, high = (float(v) for v in r)
    if not (high > low and math.isfinite(2 / (high - low))):  # axis()'s single point
        return Axis(name, np.array([mid]), np.array([1.0]), 0)
    return Axis(name, np.array([low, mid, high]), np.full(3, 1 / 3), 1)


def _shares(diff: np.ndarray, weights: np.ndarray, shift: np.ndarray,
            shift_weights: np.ndarray) -> dict[str, float]:
    """Weighted share where ``diff + shift`` (Lambda minus EC2, every pair of a grid point
    and an operations-cost shift) is below -1 cent (Lambda cheaper), above +1 cent (EC2), or
    in between (tie); vectorised with one sorted search."""
    order = np.argsort(shift)
    s, cw = shift[order], np.concatenate([[0.0], np.cumsum(shift_weights[order])])
    below = cw[np.searchsorted(s, -TIE_USD - diff, side="left")]
    above = cw[-1] - cw[np.searchsorted(s, TIE_USD - diff, side="right")]
    lam = float(np.dot(weights, below))
    ec2 = float(np.dot(weights, above))
    lam, ec2 = min(max(lam, 0.0), 1.0), min(max(ec2, 0.0), 1.0)
    tie = max(0.0, 1.0 - lam - ec2)
    # A side cheaper anywhere on the grid keeps the other's share below 1, however thin its
    # part (a corner of many ranged inputs can weigh less than a float's last digit).
    if lam >= 1.0 and (ec2 > 0 or bool(np.any(diff.max() + shift > TIE_USD))):
        lam = math.nextafter(1.0, 0.0)
    if ec2 >= 1.0 and (lam > 0 or bool(np.any(diff.min() + shift < -TIE_USD))):
        ec2 = math.nextafter(1.0, 0.0)
    return {"lambda": lam, "ec2": ec2, "tie": tie}


def _span(values: np.ndarray, expected: float) -> dict[str, float]:
    """{low, expected, high}; grid values within float noise of the expected one are it."""
    low, high = float(values.min()), float(values.max())
    noise = 1e-9 * max(1.0, abs(expected))
    low = expected if low >= expected - noise else low
    high = expected if high <= expected + noise else high
    return {"low": low, "expected": expected, "high": high}


def uncertainty(sheet: PriceSheet, w: Workload, lambda_usd: float, ec2_usd: float,
                pricers: Mapping[str, Pricer] = PRICERS,
                flips: Sequence[float] = ()) -> dict[str, Any]:
    """The contract's ``uncertainty`` object for ``w`` (whose plain totals are given), on the
    workload's basis (basis.py); ``flips`` are the volumes where the cheaper side changes on
    that basis (break-even), made grid points of the requests range."""
    ranges, basis = effective_ranges(w)
    with_ops = w.basis == "bill_and_operations"
    # Every model field multiplies the EC2 models to build: with two or more of them ranged,
    # each keeps only its low, expected and high value (3 × 3 × 3 models at most, not 125).
    model_ranged = sum(1 for f in MODEL_FIELDS if f in ranges and ranges[f][0] < ranges[f][2])
    axes = [axis(name, ranges[name], 1 if name in MODEL_FIELDS and model_ranged > 1 else None,
                 flips if name == "requests_per_month" else ())
            if with_ops or name not in OPS_FIELDS else _ends(name, ranges[name])
            for name in RANGED_FIELDS if name in ranges]
    priced = [a for a in axes if a.name not in OPS_FIELDS and a.nodes.size > 1]
    shape = tuple(a.nodes.size for a in priced)
    inputs = GridInputs([(a.name, a.nodes) for a in priced])
    if priced:
        lam = pricers["lambda"](sheet, w, inputs).reshape(shape)
        ec2 = pricers["ec2"](sheet, w, inputs).reshape(shape)
    else:
        lam, ec2 = np.array(lambda_usd), np.array(ec2_usd)
    weights = np.ones(())
    for a in priced:
        weights = np.multiply.outer(weights, a.weights)

    n = w.needs
    rate = float(n.ops_hourly_usd)
    by_name = {a.name: a for a in axes}
    ops_e = by_name.get("needs.ops_hours_per_month") or Axis(
        "needs.ops_hours_per_month", np.array([float(n.ops_hours_per_month)]), np.ones(1), 0)
    ops_l = by_name.get("needs.lambda_ops_hours_per_month") or Axis(
        "needs.lambda_ops_hours_per_month", np.array([float(n.lambda_ops_hours_per_month)]),
        np.ones(1), 0)
    # Lambda minus EC2 operations cost, for every pair of operations-hours grid points (on the
    # bill alone: none).
    shift = (rate * (ops_l.nodes[:, None] - ops_e.nodes[None, :])).ravel() if with_ops \
        else np.zeros(1)
    shift_w = np.multiply.outer(ops_l.weights, ops_e.weights).ravel() if with_ops \
        else np.ones(1)
    bill_diff = (lam - ec2).ravel()
    flat_w = np.broadcast_to(weights, lam.shape).ravel()

    lam_ops = rate * float(n.lambda_ops_hours_per_month)
    ec2_ops = rate * float(n.ops_hours_per_month)
    lam_span, ec2_span = _span(lam, lambda_usd), _span(ec2, ec2_usd)
    spans_with_ops = {
        "lambda": _span(np.array([lam_span["low"] + rate * ops_l.low,
                                  lam_span["high"] + rate * ops_l.high]), lambda_usd + lam_ops),
        "ec2": _span(np.array([ec2_span["low"] + rate * ops_e.low,
                               ec2_span["high"] + rate * ops_e.high]), ec2_usd + ec2_ops),
    }
    # EC2 minus Lambda on the basis.
    expected_diff = (ec2_usd + ec2_ops) - (lambda_usd + lam_ops) if with_ops \
        else ec2_usd - lambda_usd
    sensitivity = []
    for a in axes:
        if a.nodes.size <= 1 or (a.name in OPS_FIELDS and not with_ops):
            continue
        if a.name in OPS_FIELDS:
            sign = 1.0 if a.name == "needs.ops_hours_per_month" else -1.0
            ends = [expected_diff + sign * rate * (v - float(a.nodes[a.expected]))
                    for v in (a.low, a.high)]
        else:
            i = priced.index(a)
            ends = []
            for end in (0, a.nodes.size - 1):
                idx = tuple(end if j == i else b.expected for j, b in enumerate(priced))
                bill = float(ec2[idx] - lam[idx])
                ends.append(bill + (ec2_ops - lam_ops if with_ops else 0.0))
        sensitivity.append({"field": a.name, "low": ends[0], "high": ends[1],
                            "values": [a.low, a.high]})
    sensitivity.sort(key=lambda s: -abs(s["high"] - s["low"]))
    return {
        "basis": basis,
        "ranges": {a.name: [a.low, float(a.nodes[a.expected]), a.high] for a in axes},
        "lambda": lam_span,
        "ec2": ec2_span,
        "with_operations": spans_with_ops,
        # On the result's basis ("cost_basis"): one share, one sensitivity.
        "cost_basis": w.basis,
        "share_cheaper": _shares(bill_diff, flat_w, shift, shift_w),
        "sensitivity": sensitivity,
        "method": {"grid_points": int(flat_w.size * shift.size), "weights": "cell",
                   "flips_as_points": len([x for x in flips if _inside(ranges, x)])},
    }


def _inside(ranges: Mapping[str, Range], x: float) -> bool:
    r = ranges.get("requests_per_month")
    return r is not None and r[0] < x < r[2]


def cost_band(sheet: PriceSheet, w: Workload, volumes: Sequence[float],
              pricers: Mapping[str, Pricer] = PRICERS) -> dict[str, list[float]]:
    """Each side's lowest and highest AWS bill at each request volume as the other ranged
    inputs (not requests, not operations time) move over their low, expected and high ends:
    the band drawn around each line of the cost chart."""
    ranges, _basis = effective_ranges(w)
    x = np.asarray(volumes, dtype=float)
    names = [n for n in RANGED_FIELDS if n in ranges and n not in OPS_FIELDS
             and n != "requests_per_month" and ranges[n][0] < ranges[n][2]]
    if not names or not x.size:
        return {}
    ends = [np.unique(np.array(ranges[n], dtype=float)) for n in names]
    mesh = np.meshgrid(*ends, x, indexing="ij")
    inputs = {n: m.ravel() for n, m in zip(names, mesh[:-1], strict=True)}
    inputs["requests_per_month"] = mesh[-1].ravel()
    shape = mesh[-1].shape
    out: dict[str, list[float]] = {}
    for side, pricer in pricers.items():
        totals = pricer(sheet, w, inputs).reshape(shape).reshape(-1, x.size)
        out[f"{side}_low"] = totals.min(axis=0).tolist()
        out[f"{side}_high"] = totals.max(axis=0).tolist()
    return out


def confidence(share_of_choice: float, flip_ratio: float) -> str:
    """The confidence of a choice from the figures: the share of the range in which the chosen
    side costs less (operations included; a tie counts half) and how far the nearest flip is
    (the larger of switch volume / volume and its inverse; infinity when there is none).

    high: at least 90 % of the range agrees and the nearest flip is at least × 2 away;
    medium: at least 70 % agrees; low otherwise.
    """
    if share_of_choice >= 0.9 and flip_ratio >= 2:
        return "high"
    if share_of_choice >= 0.7:
        return "medium"
    return "low"


def flip_ratio(requests: float, switch_at: float | None) -> float:
    if not switch_at or requests <= 0:
        return math.inf
    return max(switch_at / requests, requests / switch_at)



# --- The assumptions that decide ---------------------------------------------------------------

def what_if(sheet: PriceSheet, w: Workload, lambda_usd: float | None = None,
            ec2_usd: float | None = None,
            pricers: Mapping[str, Pricer] = PRICERS) -> list[dict[str, Any]]:
    """Both AWS bills and operations costs with one deciding assumption undone or changed:
    no operations time; the free tier toggled; no front door (or an HTTP API where there is
    none); peak-to-average 1 (or 3 for flat traffic); CPU share 1 (or 0.25 where it is 1).
    Each entry: ``{assumption, field, value, lambda_usd, ec2_usd, lambda_ops_usd,
    ec2_ops_usd}``; the page shows the answer each would give beside the assumption.

    Given the plain totals, a side the assumption cannot change is not priced again: the
    free tier and the front door touch only Lambda, CPU share only EC2, the traffic shape
    Lambda only behind an ALB, operations time neither bill."""
    n = w.needs
    rate = float(n.ops_hourly_usd)
    peak = w.traffic.peak_to_average
    plain = {"lambda": lambda_usd, "ec2": ec2_usd}
    cases: list[tuple[str, str, Any, tuple[str, ...]]] = [
        ("operations", "needs.ops_hours_per_month", 0, ()),
        ("free_tier", "free_tier", not w.free_tier, ("lambda",)),
        ("front_door", "front_door", "none" if w.front_door != "none" else "http_api",
         ("lambda",)),
        ("peak_to_average", "traffic.peak_to_average", 1.0 if peak > 1 else 3.0,
         ("lambda", "ec2") if w.front_door == "alb" else ("ec2",)),
        ("cpu_share", "ec2.cpu_share", 1.0 if w.ec2.cpu_share < 1 else 0.25, ("ec2",)),
    ]
    out = []
    for key, name, value, moves in cases:
        changes: dict[str, Any] = {name: value}
        if key == "operations":
            changes["needs.lambda_ops_hours_per_month"] = 0
        v = with_values(w, changes)
        totals = {side: float(pricer(sheet, v, {})[0])
                  if side in moves or plain.get(side) is None else float(plain[side])
                  for side, pricer in pricers.items()}
        out.append({"assumption": key, "field": name, "value": value,
                    "lambda_usd": totals["lambda"], "ec2_usd": totals["ec2"],
                    "lambda_ops_usd": rate * float(v.needs.lambda_ops_hours_per_month),
                    "ec2_ops_usd": rate * float(v.needs.ops_hours_per_month)})
    return out
