"""Break-even volumes: every request volume where the Lambda and EC2 totals cross.

Both totals are non-decreasing in the request volume (every charge grows with it, and "auto"
takes the cheapest type at each volume, a minimum of non-decreasing functions), but EC2 is a
step function, so the two can cross many times. Root isolation uses that monotonicity: on an
interval [a, b] the totals stay within [L(a), L(b)] and [E(a), E(b)], so if those ranges do
not overlap the interval cannot hold a crossing and is dropped; otherwise it is split. Start
from a log grid over 1 .. 1e12, split surviving intervals 64 ways per round (all intervals
of a round are evaluated in one vectorised call) until they are 1e-8 wide (relative), and
report each interval whose ends differ in sign, at the linear interpolation of the
difference (on an EC2 jump the interval brackets the step point itself).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Total = Callable[[np.ndarray], np.ndarray]

LOW, HIGH = 1.0, 1e12
COARSE_POINTS = 513
SPLIT = 64
FINAL_REL_WIDTH = 1e-8
# Guard against pathological inputs (two nearly parallel totals over a wide range): beyond
# this many live intervals only brackets with a sign change are refined further.
MAX_INTERVALS = 20000
# Points evaluated per round at most: many live intervals are split fewer ways instead.
MAX_POINTS_PER_ROUND = 40000


def break_even(lambda_total: Total, ec2_total: Total, low: float = LOW, high: float = HIGH) -> list[float]:
    """Ascending request volumes in [low, high] where ``lambda_total - ec2_total`` changes sign."""
    x = np.geomspace(low, high, COARSE_POINTS)
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
        # Split each interval geometrically into SPLIT pieces and evaluate the new points.
        split = int(min(SPLIT, max(2, MAX_POINTS_PER_ROUND // a.size)))
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
