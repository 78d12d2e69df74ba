"""Django's admin autodiscovery imports this module; the screens live with the price book."""

from advisor.pricebook import admin  # noqa: F401
