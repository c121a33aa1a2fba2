"""Fork of oscar.apps.checkout: order confirmation emails leave the request.

Forked to override PaymentDetailsView: the confirmation email is queued as a
Celery task after the order's transaction commits, instead of being rendered
and sent inside the buyer's request. Payment is taken by the payments layer
(storefront.payments) once it lands; until then the payment step places the
order with no charge, as Oscar's default does.
"""
