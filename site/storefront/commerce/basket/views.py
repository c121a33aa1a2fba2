"""Add to basket: Oscar's view, with the product loaded together with its class, option flags and stock records.

Oscar's view fetches the bare product; pricing it (twice: the form's check
and the line's price) and building the form then read its class, whether it
has options and its stock records one query at a time.
"""

from django.shortcuts import get_object_or_404
from django.views.generic import FormView
from oscar.apps.basket.views import BasketAddView as CoreBasketAddView

from storefront.commerce.catalogue.views import for_purchase


class BasketAddView(CoreBasketAddView):
    def post(self, request, *args, **kwargs):
        self.product = get_object_or_404(for_purchase(self.product_model.objects.all()), pk=kwargs["pk"])
        # FormView's post, not Oscar's: Oscar's would fetch the bare product again.
        return FormView.post(self, request, *args, **kwargs)
