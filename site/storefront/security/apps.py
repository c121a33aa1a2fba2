from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "storefront.security"
    label = "storefront_security"
    verbose_name = "Storefront security"

    def ready(self):
        from . import sanitize

        sanitize.connect_product_description_cleaner()
