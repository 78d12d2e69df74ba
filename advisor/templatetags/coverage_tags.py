"""The methodology page's coverage table: one line in the page, ``{% price_coverage %}``."""

from __future__ import annotations

from typing import Any

from django import template

from advisor import services
from advisor.questionnaire.coverage import GRADE_LABELS, LINES, coverage

register = template.Library()


@register.inclusion_tag("advisor/_coverage.html")
def price_coverage() -> dict[str, Any]:
    return {"headings": [heading for _, heading, _ in LINES],
            "rows": coverage(services.regions()), "grades": GRADE_LABELS}
