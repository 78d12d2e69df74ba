"""Break-even volumes: every request volume where the Lambda and EC2 totals cross.

Both totals are non-decreasing in the request volume (every charge grows with it, and "auto"
takes the cheapest type at each volume, a minimum of non-decreasing functions), and their
shape is known (:class:`Shape`): Lambda is piecewise linear, with a few kinks where a free
allowance or a volume tier ends; EC2 is linear (load-balancer capacity units) except for
upward jumps where a fleet grows by one instance, at volumes ``n × s`` computable in closed
form for each frontier type and load level. Between two consecutive kinks or jumps the
difference is linear, so each crossing is solved exactly there, and a jump from above to
below Lambda is a crossing at the jump itself.

There can be millions of jumps in 1 .. 1e12 requests, so they are only listed where a
crossing is possible. Monotonicity bounds each interval [a, b]: the totals stay within
[L(a), L(b)] and [E(a), E(b)], and if those ranges do not overlap the interval holds no
crossing and is dropped. Start from a log grid (plus Lambda's kinks); split a surviving
interval evenly until it holds at most ``LEAF_STEPS`` jumps, then solve it piece by piece.
Nothing is ever dropped that could hold a crossing, however many there are.

Plain callables without a shape (tests, other curves) get the older bisection-style search.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from advisor.pricing.lambda_ import LambdaCurve, lambda_kinks

if TYPE_CHECKING:
    from advisor.pricing.ec2 import Ec2Model
    from advisor.pricing.sheet import PriceSheet
    from advisor.pricing.workload import Workload

Total = Callable[[np.ndarray], np.ndarray]

LOW, HIGH = 1.0, 1e12
# 256 intervals (11 % apart in volume): two options whose totals stay 15 % apart over many
# decades (Lambda against Managed Instances at scale) are told apart by the first grid
# instead of every interval being split; a finer grid costs more than it saves.
COARSE_POINTS = 257
# An interval with at most this many EC2 jumps is solved jump by jump.
LEAF_STEPS = 16
# A live interval is split this many ways a round: fewer pieces, pruned again sooner.
SPLIT = 16
# Jumps closer than this (relative) are one jump: float noise cannot tell them apart.
MERGE_REL = 1e-10
# Crossings closer than this (relative) are one crossing (seen from both sides of a point).
SAME_REL = 1e-9
# Solve leaves in batches of at most this many jumps (bounded memory on pathological inputs).
BATCH_STEPS = 1_000_000


@dataclass(frozen=True)
class Shape:
    """What makes the crossings exact.

    ``lambda_total`` is linear between consecutive ``kinks``; ``ec2_total`` is linear except
    for upward jumps just after ``n × s`` for ``s`` in ``spacing`` and integers
    ``n >= first_step`` (it keeps its lower value at ``n × s`` itself).
    """

    kinks: np.ndarray
    spacing: np.ndarray
    first_step: int = 1
    # Both totals jump (two fleets): the first one's jumps are among ``spacing`` too, and
    # each side's value just after a jump is taken from the piece's midpoint.
    both_jump: bool = False


def workload_shape(sheet: PriceSheet, w: Workload, model: Ec2Model,
                   curve: LambdaCurve | None = None) -> Shape:
    kinks = lambda_kinks(sheet, w, curve)  # sorted, unique
    if model.kinks.size:
        kinks = np.unique(np.concatenate([kinks, model.kinks]))
    return Shape(kinks, model.step_spacing(), int(w.ec2.min_instances))


def workload_break_even(sheet: PriceSheet, w: Workload, model: Ec2Model, *,
                        lambda_extra: float = 0.0, ec2_extra: float = 0.0,
                        curve: LambdaCurve | None = None) -> list[float]:
    """Every volume in 1 .. 1e12 where the workload's Lambda and EC2 totals cross (each side
    plus a constant a month, e.g. operations cost), with the EC2 type re-picked per volume;
    ``curve`` is the workload's Lambda curve when the caller has one."""
    curve = curve or LambdaCurve(sheet, w)
    lam, ec2 = curve.total, model.total
    # A side without a constant is its total itself (adding 0.0 to a total changes nothing).
    return break_even(lam if not lambda_extra else lambda x: lam(x) + lambda_extra,
                      ec2 if not ec2_extra else lambda x: ec2(x) + ec2_extra,
                      shape=workload_shape(sheet, w, model, curve))


def break_even(lambda_total: Total, ec2_total: Total, low: float = LOW, high: float = HIGH,
               shape: Shape | None = None) -> list[float]:
    """Ascending request volumes in [low, high] where ``lambda_total - ec2_total`` changes sign.

    With ``shape`` the search is complete and exact; without it, a refinement search.
    """
    if shape is None:
        return _refine(lambda_total, ec2_total, low, high)
    return _exact(lambda_total, ec2_total, low, high, shape)


def _exact(lam: Total, ec2: Total, low: float, high: float, shape: Shape) -> list[float]:
    spacing = np.asarray(shape.spacing, dtype=float)
    spacing = spacing[np.isfinite(spacing) & (spacing > 0)]
    first = float(max(shape.first_step, 0))
    kinks = np.asarray(shape.kinks, dtype=float)
    x = np.unique(np.concatenate([_coarse(low, high),
                                  kinks[(kinks > low) & (kinks < high)]]))
    lx, ex = lam(x), ec2(x)
    # The intervals as the rows a, b, L(a), L(b), E(a), E(b) of one array: each step keeps
    # or splits all six with one operation instead of six.
    state = np.concatenate([x[:-1], x[1:], lx[:-1], lx[1:], ex[:-1], ex[1:]]).reshape(6, -1)
    leaves: list[tuple[np.ndarray, ...]] = []
    while state.shape[1]:
        # Monotone totals: ranges that do not overlap cannot cross inside [a, b].
        _, _, l_a, l_b, e_a, e_b = state
        state = state[:, ~((l_a > e_b) | (l_b < e_a))]
        a, b = state[0], state[1]
        first_n, count = _jumps_inside(a, b, spacing, first)
        total = count.sum(axis=1)
        leaf = total <= LEAF_STEPS
        if leaf.any():
            leaves.append((a[leaf], b[leaf], first_n[leaf], count[leaf]))
        more = ~leaf
        if not more.any():
            break
        state = state[:, more]
        a, b = state[0], state[1]
        # Jumps are evenly spaced in volume: split evenly, into enough pieces to reach leaves
        # (np.clip's bounds as two ufuncs: its wrapper costs more than the work).
        pieces = np.minimum(np.maximum(np.ceil(total[more] / LEAF_STEPS), 2),
                            SPLIT).astype(np.int64)
        inner = pieces - 1
        parent = np.repeat(np.arange(a.size), inner)
        j = np.arange(inner.sum()) - np.repeat(np.cumsum(inner) - inner, inner) + 1
        pts = a[parent] + (b - a)[parent] * (j / pieces[parent])
        lp, ep = lam(pts), ec2(pts)
        # Children: [a, p1], [p1, p2], ..., [p_last, b] of every parent, in order.
        starts = np.cumsum(pieces) - pieces
        children = int(pieces.sum())
        is_first = np.zeros(children, dtype=bool)
        is_first[starts] = True
        is_last = np.zeros(children, dtype=bool)
        is_last[starts + pieces - 1] = True
        inside = np.concatenate([pts, lp, ep]).reshape(3, -1)
        new = np.empty((6, children))
        starts_rows, ends_rows = new[0::2], new[1::2]  # (a, L(a), E(a)) and (b, L(b), E(b))
        starts_rows[:, is_first] = state[0::2]
        starts_rows[:, ~is_first] = inside
        ends_rows[:, is_last] = state[1::2]
        ends_rows[:, ~is_last] = inside
        state = new
    found = [_solve_batch(lam, ec2, *batch, spacing, both_jump=shape.both_jump)
             for batch in _batches(leaves)]
    points = np.sort(np.concatenate([np.zeros(0), *found]))
    if not points.size:
        return []
    keep = np.concatenate([[True], np.diff(points) > points[1:] * SAME_REL])
    return [float(p) for p in points[keep]]


@functools.lru_cache(maxsize=8)
def _coarse(low: float, high: float) -> np.ndarray:
    grid = np.geomspace(low, high, COARSE_POINTS)
    grid.flags.writeable = False
    return grid


def _jumps_inside(a: np.ndarray, b: np.ndarray, spacing: np.ndarray,
                  first: float) -> tuple[np.ndarray, np.ndarray]:
    """Per interval and spacing: the first n with a < n·s (n >= first) and how many n·s < b."""
    lo = np.maximum(np.floor(a[:, None] / spacing) + 1, first)
    hi = np.ceil(b[:, None] / spacing) - 1
    return lo, np.maximum(hi - lo + 1, 0)


def _batches(leaves: list[tuple[np.ndarray, ...]]) -> list[tuple[np.ndarray, ...]]:
    if not leaves:
        return []
    a, b, first_n, count = (np.concatenate(parts) for parts in zip(*leaves, strict=True))
    order = np.argsort(a)
    a, b, first_n, count = a[order], b[order], first_n[order], count[order]
    cum = np.cumsum(count.sum(axis=1))
    if not a.size or cum[-1] <= BATCH_STEPS:  # one batch (or none): no cuts to look for
        return [(a, b, first_n, count)] if a.size else []
    cut = np.searchsorted(cum, np.arange(BATCH_STEPS, cum[-1], BATCH_STEPS))
    bounds = [0, *np.unique(cut).tolist(), a.size]
    return [(a[i:k], b[i:k], first_n[i:k], count[i:k])
            for i, k in zip(bounds[:-1], bounds[1:], strict=True) if k > i]


# A leaf's points: its start, its jumps and its end (sorted in that order at a tie).
_KINDS = np.array([0.0, 1.0, 2.0])
_KINDS.flags.writeable = False


def _solve_batch(lam: Total, ec2: Total, a: np.ndarray, b: np.ndarray, first_n: np.ndarray,
                 count: np.ndarray, spacing: np.ndarray, both_jump: bool = False) -> np.ndarray:
    """Crossings inside leaf intervals, with every EC2 jump in them listed."""
    m, k = count.shape
    c = count.ravel().astype(np.int64)
    cell = np.repeat(np.arange(m * k), c)
    n = np.repeat(first_n.ravel(), c) + (np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c))
    jumps = n * spacing[cell % k]
    owner = cell // k
    inside = (jumps > a[owner]) & (jumps < b[owner])
    jumps, owner = jumps[inside], owner[inside]
    # Every leaf: its ends and its jumps, sorted (kind 0 = start, 1 = jump, 2 = end).
    p = np.concatenate([a, jumps, b])
    leaf = np.concatenate([np.arange(m), owner, np.arange(m)])
    kind = np.repeat(_KINDS, (m, jumps.size, m))
    order = np.lexsort((kind, p, leaf))
    p, leaf, kind = p[order], leaf[order], kind[order]
    # Jumps within float noise of the point before them or of the leaf's end are merged.
    tol = p * MERGE_REL
    step = np.diff(p)
    near_prev = np.concatenate([[False], step <= tol[1:]])
    near_end = np.concatenate([(step <= tol[:-1]) & (kind[1:] == 2), [False]])
    keep = (kind != 1) | ~(near_prev | near_end)
    p, leaf = p[keep], leaf[keep]

    seg = np.nonzero(leaf[:-1] == leaf[1:])[0]  # segment (p[i], p[i+1]] inside one leaf
    lo, hi = p[seg], p[seg + 1]
    lp = lam(p)
    e = ec2(np.concatenate([p, (lo + hi) / 2]))
    ep, e_mid = e[:p.size], e[p.size:]
    # EC2 is linear on (lo, hi] (it keeps its value at hi): its limit just after lo.
    e_after_lo = 2 * e_mid - ep[seg + 1]
    d_lo_before = lp[seg] - ep[seg]
    d_hi = lp[seg + 1] - ep[seg + 1]
    jumped = (e_after_lo - ep[seg]) > 1e-12 * np.abs(ep[seg])
    if both_jump:
        l_mid = lam((lo + hi) / 2)
        l_after_lo = 2 * l_mid - lp[seg + 1]
        d_lo_after = l_after_lo - e_after_lo
        jumped = jumped | ((l_after_lo - lp[seg]) > 1e-12 * np.abs(lp[seg]))
    else:
        d_lo_after = lp[seg] - e_after_lo
    found = []
    # A jump at lo taking EC2 from below Lambda to above it (or the reverse) is a crossing.
    at_jump = jumped & ((d_lo_before > 0) != (d_lo_after > 0))
    found.append(lo[at_jump])
    # Inside the piece both totals are linear: the root of the difference, exactly.
    cross = (d_lo_after > 0) != (d_hi > 0)
    da, db = d_lo_after[cross], d_hi[cross]
    t = np.where(da != db, da / np.where(da != db, da - db, 1.0), 0.5)
    found.append(lo[cross] + np.clip(t, 0.0, 1.0) * (hi[cross] - lo[cross]))
    return np.concatenate(found)


# --- Plain callables ------------------------------------------------------------------------

REFINE_COARSE_POINTS = 513
REFINE_SPLIT = 64
FINAL_REL_WIDTH = 1e-8
# Guard against pathological inputs (two nearly parallel totals over a wide range): beyond
# this many live intervals only brackets with a sign change are refined further. Shaped
# totals (every caller in the engine) never take this path.
MAX_INTERVALS = 20000
# Points evaluated per round at most: many live intervals are split fewer ways instead.
MAX_POINTS_PER_ROUND = 40000


def _refine(lambda_total: Total, ec2_total: Total, low: float, high: float) -> list[float]:
    """Refinement search for totals of unknown shape: drop intervals whose ranges cannot
    overlap, split the rest 64 ways a round until 1e-8 wide (relative), and report each
    interval whose ends differ in sign at the linear interpolation of the difference."""
    x = np.geomspace(low, high, REFINE_COARSE_POINTS)
    la, ea = lambda_total(x), ec2_total(x)
    a, b = x[:-1], x[1:]
    l_a, l_b, e_a, e_b = la[:-1], la[1:], ea[:-1], ea[1:]
    found: list[np.ndarray] = []
    final_log_width = np.log1p(FINAL_REL_WIDTH)
    while a.size:
        d_a, d_b = l_a - e_a, l_b - e_b
        sign_change = (d_a > 0) != (d_b > 0)
        overlap = ~((l_b < e_a) | (l_a > e_b))
        live = sign_change | overlap if a.size <= MAX_INTERVALS else sign_change
        a, b, l_a, l_b, e_a, e_b = a[live], b[live], l_a[live], l_b[live], e_a[live], e_b[live]
        d_a, d_b, sign_change = d_a[live], d_b[live], sign_change[live]
        done = np.log(b / a) <= final_log_width
        hit = done & sign_change
        if hit.any():
            da, db = d_a[hit], d_b[hit]
            t = np.where(da != db, da / np.where(da != db, da - db, 1.0), 0.5)
            found.append(a[hit] + np.clip(t, 0.0, 1.0) * (b[hit] - a[hit]))
        more = ~done
        if not more.any():
            break
        a, b = a[more], b[more]
        l_a, l_b, e_a, e_b = l_a[more], l_b[more], e_a[more], e_b[more]
        # Split each interval geometrically into REFINE_SPLIT pieces; evaluate the new points.
        split = int(min(REFINE_SPLIT, max(2, MAX_POINTS_PER_ROUND // a.size)))
        steps = np.arange(1, split) / split
        pts = a[:, None] * (b / a)[:, None] ** steps
        lp = lambda_total(pts.ravel()).reshape(pts.shape)
        ep = ec2_total(pts.ravel()).reshape(pts.shape)
        edges = np.concatenate([a[:, None], pts, b[:, None]], axis=1)
        l_edges = np.concatenate([l_a[:, None], lp, l_b[:, None]], axis=1)
        e_edges = np.concatenate([e_a[:, None], ep, e_b[:, None]], axis=1)
        a, b = edges[:, :-1].ravel(), edges[:, 1:].ravel()
        l_a, l_b = l_edges[:, :-1].ravel(), l_edges[:, 1:].ravel()
        e_a, e_b = e_edges[:, :-1].ravel(), e_edges[:, 1:].ravel()
    if not found:
        return []
    points = np.sort(np.concatenate(found))
    # A touch exactly at a grid point is seen from both sides: keep it once.
    keep = np.concatenate([[True], np.diff(points) > points[1:] * FINAL_REL_WIDTH * 4])
    return [float(p) for p in points[keep]]
