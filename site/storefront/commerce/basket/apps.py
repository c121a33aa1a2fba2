from oscar.apps.basket import apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket with the storefront's basket page and add-to-basket views (see .views)."""

    def ready(self):
        super().ready()
        from .views import BasketAddView, BasketView

        self.summary_view = BasketView
        self.add_view = BasketAddView
