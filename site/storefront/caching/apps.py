"""Connects the purge receivers (storefront.caching.purge) when Django starts."""

from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "storefront.caching"
    label = "storefront_caching"
    verbose_name = "Page cache"

    def ready(self):
        from . import purge

        purge.connect_receivers()
