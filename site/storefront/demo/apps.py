from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content: the load_demo command reads content/ into an empty database."""

    name = "storefront.demo"
    label = "storefront_demo"
