"""Break-even points as bands: crossings close together are one band.

As traffic grows an EC2 fleet adds whole instances, so its total rises in steps and can cross
Lambda's line several times within a short stretch. Listing each crossing ("15,724,702 …
22,752,375") claims a precision the inputs do not have; people need "between about 15.7 M and
22.8 M the cheaper side alternates; above, EC2". Consecutive crossings less than ``BAND_RATIO``
apart (each within × 1.5 of the one before) form one band ``{from, to, crossings, above}``,
``above`` being the side cheaper just past the band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

BAND_RATIO = 1.5
# Just past a band's last crossing: far enough to be past it in float terms, far closer than
# the next band (at least × 1.5 away).
PAST = 1 + 1e-6


def bands(points: Sequence[float], difference: Callable[[np.ndarray], np.ndarray]) -> list[dict[str, Any]]:
    """Group ascending crossings; ``difference(volumes)`` is Lambda's total minus EC2's."""
    groups: list[list[float]] = []
    for p in points:
        if groups and p <= groups[-1][-1] * BAND_RATIO:
            groups[-1].append(float(p))
        else:
            groups.append([float(p)])
    if not groups:
        return []
    past = difference(np.array([g[-1] * PAST for g in groups]))
    return [{"from": g[0], "to": g[-1], "crossings": len(g),
             "above": "lambda" if d < 0 else "ec2"} for g, d in zip(groups, past, strict=True)]
