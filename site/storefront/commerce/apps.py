from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """Glue between Oscar and the rest of the storefront (signals, tasks, analytics)."""

    name = "storefront.commerce"
    label = "storefront_commerce"
    verbose_name = "Storefront commerce"

    def ready(self):
        from . import analytics, freshness

        analytics.replace_oscar_counters()
        freshness.connect_receivers()
