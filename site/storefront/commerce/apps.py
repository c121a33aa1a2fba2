from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """Glue between Oscar and the rest of the storefront (signals, tasks, analytics, sites)."""

    name = "storefront.commerce"
    label = "storefront_commerce"
    verbose_name = "Storefront commerce"

    def ready(self):
        from . import analytics, freshness, sites

        analytics.replace_oscar_counters()
        sites.connect_signals()
        freshness.connect_receivers()
