"""Fork of oscar.apps.checkout: Stripe card payment and safe order placement.

Forked because the payment step is the project's own (see views.py): the
payment page authorises a Stripe PaymentIntent, and placing the order locks
the stock records, re-checks them, writes the order and captures, in one
transaction. The order confirmation email is queued as a Celery task after
the order's transaction commits instead of being sent inside the request.
One URL is added: payment-confirm, which the payment page posts the card
token to. The address forms read UK phone numbers as buyers type them
(forms.py, commerce/phone.py), each order is stamped with the site it was
placed on (commerce/sites.py), and the thank-you page loads its lines'
growers with the lines.
"""
from django.urls import path
from oscar.core.loading import get_class

import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "storefront.commerce.checkout"

    def ready(self):
        super().ready()
        self.payment_confirm_view = get_class("checkout.views", "PaymentConfirmView")

    def get_urls(self):
        return super().get_urls() + self.post_process_urls(
            [path("payment-confirm/", self.payment_confirm_view.as_view(), name="payment-confirm")]
        )
