"""A report's scenario table: priced when the report is saved, then only read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from advisor import scenario_service, services
from advisor.plumbing.jsonio import strict_json_loads

MAX_VARY_CHARS = 4 * 1024


def with_table(snapshot: dict[str, Any], data: Any, raw_vary: str | None) -> dict[str, Any]:
    """The snapshot plus the scenario table of ``raw_vary`` (JSON, as the page's panel sends
    it), or the snapshot itself without one. A copy: the snapshot may be the cache's own."""
    if not raw_vary:
        return snapshot
    try:
        if len(raw_vary) > MAX_VARY_CHARS:
            raise ValueError("too long")
        vary = strict_json_loads(raw_vary)
    except (ValueError, RecursionError):
        raise services.ComparisonError({"vary": [
            _("The scenario table to save was not received intact; price it again and save.")
        ]}) from None
    return {**snapshot, "scenarios": scenario_service.table(data, vary)}


def report_context(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the report page draws the frozen table from (nothing without a table)."""
    table = snapshot.get("scenarios")
    if not table:
        return {}
    from advisor.questionnaire.scenario_views import table_context

    return {"scenario_table": table_context(table) | {"frozen": True}}
