from oscar.apps.basket import apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket with the storefront's add-to-basket view."""

    def ready(self):
        super().ready()
        from .views import BasketAddView

        self.add_view = BasketAddView
