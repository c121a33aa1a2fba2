from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health checks for load balancers and monitoring."""

    name = "storefront.ops"
    label = "storefront_ops"
