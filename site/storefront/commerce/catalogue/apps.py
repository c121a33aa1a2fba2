from oscar.apps.catalogue import apps


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue (products and reviews) with the storefront's product page view."""

    def ready(self):
        super().ready()
        from .views import ProductDetailView

        self.detail_view = ProductDetailView
