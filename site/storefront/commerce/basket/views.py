"""The basket page and add to basket: Oscar's views, doing less of their work twice.

- Add to basket loads the product together with its class, option flags and
  stock records (Oscar's fetches the bare product; pricing it, twice, and
  building the form then read each of those one query at a time, and the
  form looks the product's options up even when it has none), and leaves
  the new basket total to the page that shows it (storefront.commerce.basket.messages).
- The basket page's upsell messages use the offers the basket middleware
  looked up for the basket (storefront.commerce.basket.middleware) instead
  of looking them up again, and an empty basket looks none up.
"""

from django import shortcuts
from django.contrib import messages
from django.views.generic import FormView
from oscar.apps.basket.views import BasketAddView as CoreBasketAddView
from oscar.apps.basket.views import BasketView as CoreBasketView
from oscar.core.loading import get_class

from storefront.commerce.catalogue.views import for_purchase

from .messages import BasketMessages

CoreAddToBasketForm = get_class("basket.forms", "AddToBasketForm")


class AddToBasketForm(CoreAddToBasketForm):
    def cleaned_options(self):
        # Whether the product has options came with it (for_purchase): without any, there are none to read.
        if not self.parent_product.has_options:
            return []
        return super().cleaned_options()


class BasketView(CoreBasketView):
    def get_upsell_messages(self, basket):
        if basket.is_empty:  # no offer's condition is partly met by nothing
            return []
        offers = getattr(basket, "candidate_offers", None)
        if offers is None:  # a basket the middleware did not apply offers to (empty, or reloaded)
            return super().get_upsell_messages(basket)
        applied = list(basket.offer_applications.offers.values())
        return [
            {"message": offer.get_upsell_message(basket), "offer": offer}
            for offer in offers
            if offer.is_condition_partially_satisfied(basket) and offer not in applied
        ]


class BasketAddView(CoreBasketAddView):
    form_class = AddToBasketForm

    def post(self, request, *args, **kwargs):
        self.product = shortcuts.get_object_or_404(for_purchase(self.product_model.objects.all()), pk=kwargs["pk"])
        # FormView's post, not Oscar's: Oscar's would fetch the bare product again.
        return FormView.post(self, request, *args, **kwargs)

    def form_valid(self, form):
        """Oscar's, with BasketMessages in place of Oscar's message generator."""
        basket = self.request.basket
        offers_before = basket.applied_offers()
        self.line, self.line_created = basket.add_product(
            form.product, form.cleaned_data["quantity"], form.cleaned_options()
        )
        messages.success(self.request, self.get_success_message(form), extra_tags="safe noicon")
        BasketMessages().apply_messages(self.request, offers_before)
        self.add_signal.send(sender=self, product=form.product, user=self.request.user, request=self.request)
        return FormView.form_valid(self, form)
