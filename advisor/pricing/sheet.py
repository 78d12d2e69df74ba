"""A price sheet: one price book's rates and instance types as plain, immutable Python values.

The engine never touches the database. The Django side reads a book's rows once, converts
Decimals to floats and calls :func:`sheet_from_rows`; everything else in ``advisor.pricing``
works on the resulting :class:`PriceSheet`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast

import numpy as np

from advisor.pricing.catalogue import (
    ALL_SPECS,
    ARCHITECTURES,
    PURCHASE_OPTIONS,
    RESERVED_OPTIONS,
    SPEC_BY_KEY,
    SPECS,
    family_of,
    is_gpu,
    is_searched,
)

T = TypeVar("T")

Architecture = Literal["x86_64", "arm64"]


class PriceSheetError(ValueError):
    """The rows do not make a complete, consistent price sheet; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid price sheet: " + "; ".join(problems))


class MissingPrice(KeyError):
    """The book has no sourced price for ``key`` (the region's feed and the reference lack it).

    The engine turns it into a field error naming the price; it never guesses a value.
    """

    def __init__(self, key: str, region: str) -> None:
        super().__init__(key)
        self.key = key
        self.region = region

    def __str__(self) -> str:
        return f"the {self.region} price book has no sourced price for {self.key}"


@dataclass(frozen=True)
class Tier:
    """One volume tier: ``price`` applies up to the cumulative bound ``upto`` (None = open)."""

    upto: float | None
    price: float


@dataclass(frozen=True)
class InstanceType:
    name: str
    vcpu: int
    memory_gib: float
    architecture: Architecture
    hourly: float
    burstable_baseline: float | None = None
    # Standard reserved instances, No Upfront, USD an hour (None: no sourced rate for the type).
    reserved_1y: float | None = None
    reserved_3y: float | None = None

    @property
    def family(self) -> str:
        """The family: the name before the dot (m7g for m7g.xlarge)."""
        return family_of(self.name)

    def price_for(self, purchase: str) -> float | None:
        """USD an hour for a per-type purchase option (on demand or reserved), else None."""
        if purchase == "on_demand":
            return self.hourly
        if purchase in RESERVED_OPTIONS:
            return getattr(self, purchase)
        return None

    @property
    def usable_vcpus(self) -> float:
        """vCPUs a sustained load may use: burstable types only earn credits at their baseline."""
        if self.burstable_baseline is None:
            return float(self.vcpu)
        return self.vcpu * self.burstable_baseline


@dataclass(frozen=True)
class BookInfo:
    id: int | None
    name: str
    region: str
    effective_from: str


@dataclass(frozen=True)
class TierArrays:
    """A tier table as numpy arrays, so a tiered charge is one broadcast expression."""

    lower: np.ndarray
    width: np.ndarray
    price: np.ndarray

    @functools.cached_property
    def rows(self) -> tuple[tuple[float, float, float], ...]:
        """(lower, width, price) of each tier as floats, for :func:`tiered_cost_float`."""
        return tuple(zip(self.lower.tolist(), self.width.tolist(), self.price.tolist(),
                         strict=True))

    @functools.cached_property
    def below(self) -> np.ndarray:
        """The charge of every full tier below each tier, added in tier order (what
        tiered_cost's running sum holds when a quantity enters the tier)."""
        sums, total = [0.0], 0.0
        for t, (_lower, width, price) in enumerate(self.rows[:-1]):
            part = width * price
            total = part if t == 0 else total + part
            sums.append(total)
        return np.array(sums)


@dataclass(frozen=True)
class PriceSheet:
    book: BookInfo
    rates: Mapping[str, float]
    tiers: Mapping[str, tuple[Tier, ...]]
    instance_types: tuple[InstanceType, ...]
    estimated_keys: frozenset[str] = frozenset()
    # Keys the book has no sourced price for: reading one raises MissingPrice.
    missing_keys: frozenset[str] = frozenset()
    _tier_arrays: Mapping[str, TierArrays] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _by_name: Mapping[str, InstanceType] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _table: InstanceTable | None = field(default=None, init=False, repr=False, compare=False)
    _derived: dict[Hashable, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Tier tables as arrays once per sheet: every tiered charge is then one broadcast.
        arrays: dict[str, TierArrays] = {}
        for key, tiers in self.tiers.items():
            bounds = [math.inf if t.upto is None else float(t.upto) for t in tiers]
            lower = np.array([0.0, *bounds[:-1]])
            upper = np.array(bounds)
            arrays[key] = TierArrays(lower, upper - lower, np.array([t.price for t in tiers]))
        object.__setattr__(self, "_tier_arrays", MappingProxyType(arrays))
        object.__setattr__(self, "_by_name", MappingProxyType(
            {it.name: it for it in self.instance_types}))

    def rate(self, key: str) -> float:
        try:
            return self.rates[key]
        except KeyError:
            raise MissingPrice(key, self.book.region) from None

    def tier_arrays(self, key: str) -> TierArrays:
        try:
            return self._tier_arrays[key]
        except KeyError:
            raise MissingPrice(key, self.book.region) from None

    def has(self, key: str) -> bool:
        return key in self.rates or key in self._tier_arrays

    def instance(self, name: str) -> InstanceType | None:
        return self._by_name.get(name)

    @property
    def table(self) -> InstanceTable:
        """Every instance type as column arrays (built once per sheet), for vectorised sizing."""
        if self._table is None:
            object.__setattr__(self, "_table", InstanceTable.of(self.instance_types))
        assert self._table is not None
        return self._table

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once per sheet and key: something made only from this sheet's prices
        (a sheet of Fargate task sizes), shared by every comparison priced with it."""
        if key not in self._derived:
            self._derived[key] = build()
        return cast(T, self._derived[key])

    @property
    def families(self) -> tuple[str, ...]:
        return self.table.family_names

    def purchase_factor(self, option: str) -> float:
        return self.rate(f"ec2.purchase.{option}")

    def is_estimate(self, key: str) -> bool:
        return key in self.estimated_keys


@dataclass(frozen=True)
class InstanceTable:
    """The instance types as numpy columns, in the sheet's order (index i = instance_types[i]).

    Reserved rates without a sourced value are NaN.
    """

    types: tuple[InstanceType, ...]
    vcpu: np.ndarray
    memory_gib: np.ndarray
    usable_vcpus: np.ndarray
    hourly: np.ndarray
    reserved_1y: np.ndarray
    reserved_3y: np.ndarray
    arm64: np.ndarray            # bool
    burstable: np.ndarray        # bool (t types)
    family: np.ndarray           # str (object)
    family_names: tuple[str, ...]
    # What "auto" searches: current generation without accelerators (catalogue.is_searched);
    # the GPU types it searches instead when the work needs a GPU.
    searched: np.ndarray         # bool
    gpu: np.ndarray              # bool

    @classmethod
    def of(cls, types: tuple[InstanceType, ...]) -> InstanceTable:
        def col(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=float)

        family = np.array([t.family for t in types], dtype=object)
        return cls(
            types=types,
            vcpu=np.array([t.vcpu for t in types], dtype=float),
            memory_gib=np.array([t.memory_gib for t in types], dtype=float),
            usable_vcpus=np.array([t.usable_vcpus for t in types], dtype=float),
            hourly=np.array([t.hourly for t in types], dtype=float),
            reserved_1y=col([t.reserved_1y for t in types]),
            reserved_3y=col([t.reserved_3y for t in types]),
            arm64=np.array([t.architecture == "arm64" for t in types], dtype=bool),
            burstable=np.array([t.burstable_baseline is not None for t in types], dtype=bool),
            family=family,
            family_names=tuple(sorted(set(family.tolist()))),
            searched=np.array([is_searched(t.name) for t in types], dtype=bool),
            gpu=np.array([is_gpu(t.name) for t in types], dtype=bool),
        )

    def price(self, purchase: str) -> np.ndarray:
        """USD an hour per type for a per-type purchase option (on demand or reserved)."""
        if purchase in RESERVED_OPTIONS:
            return self.reserved_1y if purchase == "reserved_1y" else self.reserved_3y
        return self.hourly


NOISE_REL = 1e-12


def noise_ceil(x: np.ndarray | float, rel: float = NOISE_REL) -> np.ndarray:
    """ceil(x) for x >= 0, except that a value float noise pushed just above an integer
    (a fractional part within ``rel`` of the value) counts as that integer.

    Only the fractional part is compared, so an integer stays itself (exactly, up to 2**53)
    and any positive value below 1 is 1; never -0.0. A fractional part within the allowance
    (at most 0.1 below 1e11) is still taken for noise.
    """
    return noise_ceil_inplace(np.array(x, dtype=float), rel)


def noise_ceil_inplace(x: np.ndarray, rel: float = NOISE_REL) -> np.ndarray:
    """:func:`noise_ceil` of a float array the caller owns, overwriting it: no temporaries
    beyond the result (the fleet's sizing arrays of volumes × types × load levels)."""
    n = np.floor(x)
    # x - n > x·rel, written as x·(1 - rel) > n.
    x *= 1 - rel
    n += x > n
    return n


def noise_ceil_float(x: float, rel: float = NOISE_REL) -> float:
    """:func:`noise_ceil` of one float in float arithmetic: the same operations, so the same
    value to the last bit, without numpy's per-call cost (a run time billed once per keystroke
    and "what if")."""
    if not math.isfinite(x):  # floor() of inf or NaN is no integer: numpy's answer
        return float(noise_ceil(x, rel))
    n = float(math.floor(x))
    return n + 1.0 if x * (1 - rel) > n else n


# Most quantities tiered_cost prices by looking each one's tier up (see there).
TIER_LOOKUP_MAX = 1024


def tiered_cost(quantity: np.ndarray | float, tiers: TierArrays, per: float = 1.0) -> np.ndarray:
    """Charge for ``quantity`` on a cumulative tier table (price is per ``per`` units).

    Vectorised: ``quantity`` may have any shape. Tier by tier (a table has a few), in place,
    summed in tier order: no (quantity × tiers) temporary for the map's 40,000 cells, and a
    tier above the largest quantity holds nothing and is skipped (it would add 0).
    """
    q = np.asarray(quantity, dtype=float)
    lower, width, price = tiers.lower, tiers.width, tiers.price
    top = q.max() if lower.size > 1 and q.size else None
    if top is not None and q.ndim > 0 and q.size <= TIER_LOOKUP_MAX and lower.size > 2 \
            and lower[2] < top:
        # Three tiers or more in play over a few hundred quantities (a break-even search's
        # volumes): each quantity's own tier looked up at once. It holds the full tiers below
        # it, summed in tier order (``below``), plus its part of its own: the running sum
        # below to the last bit, in a dozen array operations whatever the number of tiers
        # (the tiers above a quantity would add 0.0). Over thousands of quantities (the map)
        # the lookups cost more than a pass per tier.
        k = np.searchsorted(lower, q)  # the tiers starting below each quantity
        k -= 1
        np.maximum(k, 0, out=k)
        total = np.subtract(q, lower[k])
        np.maximum(total, 0.0, out=total)
        np.minimum(total, width[k], out=total)
        np.multiply(total, price[k], out=total)
        np.add(tiers.below[k], total, out=total)
        return total / per if per != 1.0 else total[()]
    total = np.subtract(q, lower[0], out=np.empty_like(q))
    _clip_inplace(total, float(width[0]))
    np.multiply(total, price[0], out=total)
    if top is not None:
        part = np.empty_like(q)
        for t in range(1, lower.size):
            if not lower[t] < top:  # NaN anywhere: tier 0 already carries it
                break
            np.subtract(q, lower[t], out=part)
            _clip_inplace(part, float(width[t]))
            np.multiply(part, price[t], out=part)
            np.add(total, part, out=total)
    return total / per if per != 1.0 else total[()]  # [()]: a 0-d result as a scalar


def tiered_cost_float(q: float, tiers: TierArrays) -> float:
    """:func:`tiered_cost` of one quantity (``per`` 1) in float arithmetic: numpy's float64
    operations are IEEE doubles like Python's, so the same operations in the same order give
    the same value to the last bit, at a fraction of the cost of a dozen numpy calls on one
    value. A tier at or above ``q`` is skipped (it would add 0.0)."""
    rows = tiers.rows
    lower, width, price = rows[0]
    total = _clip_float(q - lower, width) * price
    for lower, width, price in rows[1:]:
        if not lower < q:  # NaN as well: tier 0 already carries it
            break
        total = total + _clip_float(q - lower, width) * price
    return total


def _clip_float(x: float, high: float) -> float:
    # np.maximum(x, 0.0) then np.minimum(x, high), as float_maximum and float_minimum.
    if x <= 0.0:
        x = 0.0
    if x >= high:
        x = high
    return x


def float_maximum(a: float, b: float) -> float:
    """np.maximum of two floats, to the last bit: NaN when either is, and ``b`` when the two
    are equal (numpy's pick between 0.0 and -0.0; the builtin max picks ``a``)."""
    return a if a > b or a != a else b


def float_minimum(a: float, b: float) -> float:
    """np.minimum of two floats, to the last bit (see :func:`float_maximum`)."""
    return a if a < b or a != a else b


def _clip_inplace(x: np.ndarray, high: float) -> None:
    # np.clip(x, 0, high), as two ufuncs (np.clip's wrapper costs more than the work on the
    # scalars compare() prices); an open tier has no upper clip at all.
    np.maximum(x, 0.0, out=x)
    if high != math.inf:
        np.minimum(x, high, out=x)


def _default_estimates() -> frozenset[str]:
    # The reference confirms no Savings Plan or Spot factor per type: they are estimates.
    return frozenset(f"ec2.purchase.{o}" for o in PURCHASE_OPTIONS if o != "on_demand")


def sheet_from_rows(
    book: BookInfo,
    rates: Iterable[tuple[str, float | None, float]],
    instances: Iterable[InstanceType],
    estimated_keys: Iterable[str] | None = None,
    *,
    allow_missing: bool = False,
) -> PriceSheet:
    """Build a :class:`PriceSheet` from (key, tier_upto, price) rows and instance types.

    Raises :class:`PriceSheetError` naming every missing or unknown key, misplaced tier bound,
    bad price and bad instance type. ``estimated_keys`` lists rows an editor marked as
    estimates; None means the reference's default (Savings Plan and Spot factors).
    ``allow_missing``: a key without a row is recorded in ``missing_keys`` instead (a region
    whose book has no sourced value for it); the engine names it when a workload needs it.
    """
    problems: list[str] = []
    bad_keys: set[str] = set()
    flat: dict[str, float] = {}
    tiered: dict[str, list[tuple[float | None, float]]] = {}
    for key, upto, price in rates:
        spec = SPEC_BY_KEY.get(key)
        if spec is None:
            problems.append(f"unknown rate key {key!r}")
            continue
        if not isinstance(price, int | float) or isinstance(price, bool) or not math.isfinite(price) or price < 0:
            problems.append(f"{key}: price must be a finite number >= 0 (got {price!r})")
            bad_keys.add(key)
            continue
        if spec.tiered:
            # Tier bounds are cumulative monthly volumes (catalogue): positive, the last open.
            if upto is not None and (not math.isfinite(upto) or upto <= 0):
                problems.append(f"{key}: tier bound must be a positive number (got {upto!r})")
                bad_keys.add(key)
                continue
            tiered.setdefault(key, []).append((None if upto is None else float(upto), float(price)))
        else:
            if upto is not None:
                problems.append(f"{key}: is not tiered, tier_upto must be empty (got {upto!r})")
                bad_keys.add(key)
                continue
            if key in flat:
                problems.append(f"{key}: more than one row")
                bad_keys.add(key)
                continue
            flat[key] = float(price)

    tiers: dict[str, tuple[Tier, ...]] = {}
    for key, rows in tiered.items():
        open_rows = [r for r in rows if r[0] is None]
        bounded = sorted(r[0] for r in rows if r[0] is not None)
        if len(open_rows) != 1:
            problems.append(f"{key}: needs exactly one open last tier (tier_upto empty), "
                            f"got {len(open_rows)}")
            bad_keys.add(key)
            continue
        if len(set(bounded)) != len(bounded):
            problems.append(f"{key}: duplicate tier bounds {bounded}")
            bad_keys.add(key)
            continue
        ordered = sorted(rows, key=lambda r: math.inf if r[0] is None else r[0])
        tiers[key] = tuple(Tier(upto, price) for upto, price in ordered)

    # The catalogue lists every key the engine reads: a missing one is either a problem or,
    # when allowed, a price the engine will name if a workload needs it.
    missing: set[str] = set()
    for spec in SPECS:
        if spec.key not in flat and spec.key not in tiers and spec.key not in bad_keys:
            if allow_missing:
                missing.add(spec.key)
            else:
                problems.append(f"missing rate key {spec.key!r}")

    # A bad instance row would skew sizing silently (e.g. baseline 2 = 200 % of a vCPU).
    checked: list[InstanceType] = []
    seen: set[str] = set()
    for it in instances:
        bad = []
        if it.name in seen:
            bad.append("duplicate name")
        if it.architecture not in ARCHITECTURES:
            bad.append(f"architecture must be one of {', '.join(ARCHITECTURES)}")
        if it.vcpu < 1:
            bad.append("vcpu must be at least 1")
        if not it.memory_gib > 0:
            bad.append("memory_gib must be > 0")
        if not (math.isfinite(it.hourly) and it.hourly >= 0):
            bad.append("hourly must be >= 0")
        # The baseline is a share of each vCPU (AWS: 10-30 % for t3/t4g).
        if it.burstable_baseline is not None and not 0 < it.burstable_baseline <= 1:
            bad.append("burstable_baseline must be in (0, 1]")
        for option in RESERVED_OPTIONS:
            value = getattr(it, option)
            if value is not None and not (math.isfinite(value) and value >= 0):
                bad.append(f"{option} must be >= 0")
        if bad:
            problems.append(f"instance type {it.name!r}: " + ", ".join(bad))
        seen.add(it.name)
        checked.append(it)

    if problems:
        raise PriceSheetError(problems)
    estimates = _default_estimates() if estimated_keys is None else frozenset(estimated_keys)
    return PriceSheet(
        book=book,
        rates=MappingProxyType(flat),
        tiers=MappingProxyType(tiers),
        instance_types=tuple(checked),
        estimated_keys=estimates,
        missing_keys=frozenset(missing),
    )


def rates_used(sheet: PriceSheet) -> list[dict[str, object]]:
    """Every rate row of the sheet, in catalogue order, so a saved report can snapshot them."""
    rows: list[dict[str, object]] = []
    for spec in ALL_SPECS:
        if spec.tiered:
            for tier in sheet.tiers.get(spec.key, ()):
                rows.append({"key": spec.key, "tier_upto": tier.upto, "price": tier.price,
                             "unit": spec.unit, "estimate": sheet.is_estimate(spec.key)})
        elif spec.key in sheet.rates:
            rows.append({"key": spec.key, "tier_upto": None, "price": sheet.rates[spec.key],
                         "unit": spec.unit, "estimate": sheet.is_estimate(spec.key)})
    return rows


def instances_used(sheet: PriceSheet) -> list[dict[str, object]]:
    """Every instance type of the sheet as plain dicts (the report's price snapshot)."""
    return [
        {"name": it.name, "vcpu": it.vcpu, "memory_gib": it.memory_gib,
         "architecture": it.architecture, "hourly": it.hourly,
         "burstable_baseline": it.burstable_baseline,
         "reserved_1y": it.reserved_1y, "reserved_3y": it.reserved_3y}
        for it in sheet.instance_types
    ]
