"""Deployment checks of this project's own (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Without Redis each gunicorn process keeps its own cache: rate limits count per process
    and cached results are not shared, so production needs REDIS_URL."""
    if settings.REDIS_URL:
        return []
    return [Warning(
        "REDIS_URL is not set: each process keeps its own cache, so rate limits are counted "
        "per process and cached comparisons are not shared.",
        hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0.",
        id="advisor.W001",
    )]
