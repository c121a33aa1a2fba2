"""The messages after a basket change, with the new total written where it is shown.

Oscar renders "Your basket total is now £X" in the request that changed the
basket, which loads every line again (with images, classes and stock
records) only to total them, and the page the buyer is sent to next loads
the basket again to show it. Here the change request leaves a message
tagged ``basket-total`` and the page that shows it writes the total from
the basket it has loaded anyway (``oscar/partials/alert_messages.html``), so
the total shown is the basket's as the buyer sees it. Offer gained and lost
messages are Oscar's, worked out in the change request as before, from the
offers the basket middleware already looked up where it did.
"""

from django.contrib import messages
from oscar.core.loading import get_class

from .middleware import apply_offers

BasketMessageGenerator = get_class("basket.utils", "BasketMessageGenerator")

NEW_TOTAL_TAG = "basket-total"
# Shown only where a template does not know the tag (the storefront's alert messages do).
NEW_TOTAL_FALLBACK = "Your basket has been updated."


class BasketMessages(BasketMessageGenerator):
    def apply_messages(self, request, offers_before):
        basket = request.basket
        basket.reset_offer_applications()
        apply_offers(basket, request)
        for level, message in self.get_offer_messages(offers_before, basket.applied_offers()):
            messages.add_message(request, level, message, extra_tags="safe noicon")
        messages.add_message(request, messages.INFO, NEW_TOTAL_FALLBACK, extra_tags=f"safe noicon {NEW_TOTAL_TAG}")
