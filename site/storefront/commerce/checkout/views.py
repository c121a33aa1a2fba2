from django.db import transaction
from oscar.apps.checkout import views as oscar_views

from storefront.commerce.tasks import send_order_placed_email


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    def send_order_placed_email(self, order):
        order_id = order.pk
        transaction.on_commit(lambda: send_order_placed_email.delay(order_id))


from oscar.apps.checkout.views import *  # noqa: E402,F401,F403
