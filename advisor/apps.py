from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

PRICE_EDITORS = "Price editors"
# Exactly what editing price books needs: the book and its rows, and reading the audit trail.
PRICE_EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("pricebook", "rate", "instancetype")
    for action in ("add", "change", "delete", "view")
] + ["view_pricechange"]


def ensure_price_editors_group(sender: AppConfig, **kwargs: Any) -> None:
    """Create the "Price editors" group after every migrate (and every test flush)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.using(kwargs.get("using", "default")).get_or_create(name=PRICE_EDITORS)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="advisor", codename__in=PRICE_EDITOR_PERMISSIONS)
    )


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = _("Lambda or EC2 advisor")

    def ready(self) -> None:
        from advisor.plumbing import checks  # noqa: F401  (registers the deployment checks)

        # After auth's own post_migrate handler, which creates the permissions.
        post_migrate.connect(ensure_price_editors_group, sender=self)
