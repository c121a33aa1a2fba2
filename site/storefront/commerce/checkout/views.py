"""The checkout's payment step: Stripe card payment, then the order, then the capture.

The path of the money (see docs/payments.md):

1. GET payment-details: a PaymentIntent (manual capture) is made for the
   basket's total, or the basket's live one reused.
2. The page turns the card into a token with Stripe.js (the same code runs on
   real Stripe.js and on localstripe's shim) and posts it to payment-confirm,
   which confirms the intent. 3-D Secure: the page finishes it with
   stripe.confirmCardPayment, then goes on.
3. POST preview (action=place_order): the intent must be authorised for the
   basket's exact total. In one transaction: lock the payment row and the
   stock records, re-check stock, write the order (Oscar's OrderCreator,
   which also locks vouchers), capture. A failure anywhere rolls the order
   back, releases the card hold, keeps the basket and tells the buyer why.
4. After commit: the confirmation email and the sellers' transfers, in Celery.
"""

import logging

# Oscar's views first: the classes defined below replace its PaymentDetailsView
# (the module has no __all__, so a star import after them would undo them).
from oscar.apps.checkout.views import *  # noqa: F401,F403
from django import http
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views import generic
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.core.loading import get_class, get_model

from storefront.commerce.addresses import UserAddressForm
from storefront.commerce.sites import django_site_for_request
from storefront.commerce.tasks import send_order_placed_email
from storefront.payments import gateway, services
from storefront.payments.models import Payment
from storefront.payments.split import from_minor_units, to_minor_units

from .stock import OutOfStock, lock_and_check_stock

logger = logging.getLogger(__name__)

CheckoutSessionMixin = get_class("checkout.session", "CheckoutSessionMixin")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

SOURCE_TYPE = "Stripe card"


def unpayable_message(blocked):
    """The basket message for lines of growers who cannot be paid."""
    names = ", ".join(sorted({f"{line.product.get_title()} ({partner.name})" for line, partner in blocked}))
    return (
        f"These items cannot be sold right now because their grower cannot receive payments yet: {names}. "
        "Remove them from your basket to check out."
    )


class PayableSellersMixin:
    """Pre-condition: every grower in the basket can be paid (else back to the basket, saying who)."""

    def check_sellers_can_be_paid(self, request):
        blocked = services.unpayable_basket_lines(request.basket)
        if blocked:
            self._release_posted_payment(request)
            raise FailedPreCondition(url=reverse("basket:summary"), message=unpayable_message(blocked))

    def _release_posted_payment(self, request):
        """Nothing to release before the payment step."""


class IndexView(PayableSellersMixin, oscar_views.IndexView):
    pre_conditions = oscar_views.IndexView.pre_conditions + ["check_sellers_can_be_paid"]


class ThankYouView(oscar_views.ThankYouView):
    """Oscar's thank-you page; its lines come with their products and growers in one query."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order_lines"] = ctx["order"].lines.select_related("partner", "product")
        return ctx


class UserAddressUpdateView(oscar_views.UserAddressUpdateView):
    """Editing an address-book entry during checkout: the storefront's form (UK phone numbers)."""

    form_class = UserAddressForm


class PaymentDetailsView(PayableSellersMixin, oscar_views.PaymentDetailsView):
    pre_conditions = oscar_views.PaymentDetailsView.pre_conditions + ["check_sellers_can_be_paid"]

    # Pre-conditions

    def check_basket_is_valid(self, request):
        try:
            super().check_basket_is_valid(request)
        except FailedPreCondition:
            # Gone out of stock between authorisation and placing: free the hold now.
            self._release_posted_payment(request)
            raise

    def _release_posted_payment(self, request):
        if request.method != "POST" or request.POST.get("action") != "place_order":
            return
        payment = Payment.objects.filter(
            basket=request.basket, intent_id=request.POST.get("payment_intent", ""), order__isnull=True
        ).first()
        if payment is not None and payment.status == "requires_capture":
            services.release_payment(payment, reason="the basket can no longer be ordered")

    # The payment page

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.preview:
            return ctx
        from django.conf import settings

        total = ctx.get("order_total")  # Oscar's context is the proposed submission
        ctx["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
        ctx["stripe_js_url"] = settings.STRIPE_JS_URL
        ctx["stripe_local"] = settings.STRIPE_LOCAL
        if settings.STRIPE_LOCAL:
            # Test mode: the page's own card fields get their token here (see checkout.js).
            ctx["stripe_token_url"] = f"{settings.STRIPE_API_BASE}/v1/tokens"
        if total is None:
            return ctx
        amount = to_minor_units(total.incl_tax, total.currency)
        try:
            payment = services.payment_for_basket(self.request.basket, amount, total.currency)
        except gateway.GatewayError as exc:
            logger.warning("No payment intent for basket %s: %s", self.request.basket.pk, exc)
            ctx.setdefault("error", exc.user_message)
            return ctx
        ctx["payment"] = payment
        ctx["payment_amount"] = from_minor_units(payment.amount, payment.currency)
        return ctx

    # Placing the order

    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        submission["payment_kwargs"]["intent_id"] = request.POST.get("payment_intent", "")
        # The order remembers which storefront (main or white-label) it was placed
        # on; its confirmation email is signed with that site's name.
        submission["order_kwargs"]["site"] = django_site_for_request(request)
        return self.submit(**submission)

    def payment_error(self, message):
        """Back to the payment page with `message`; the basket is open again."""
        self.restore_frozen_basket()
        self.preview = False
        return self.render_payment_details(self.request, error=message)

    def submit(self, user, basket, shipping_address, shipping_method, shipping_charge, billing_address,
               order_total, payment_kwargs=None, order_kwargs=None, surcharges=None):
        payment_kwargs = payment_kwargs or {}
        order_kwargs = order_kwargs or {}
        placed = Order.objects.filter(basket=basket).first()
        if placed is not None:
            # A retried "place order" (double click, refresh): the order exists; show it.
            return self.show_placed_order(placed)

        currency = order_total.currency
        amount = to_minor_units(order_total.incl_tax, currency)
        payment = None
        if amount > 0:
            payment, problem = self.authorised_payment(basket, payment_kwargs.get("intent_id", ""), amount, currency)
            if problem:
                return self.render_payment_details(self.request, error=problem)

        order_number = self.generate_order_number(basket)
        self.checkout_session.set_order_number(order_number)
        self.freeze_basket(basket)
        self.checkout_session.set_submitted_basket(basket)
        try:
            with transaction.atomic():
                if payment is not None:
                    payment = Payment.objects.select_for_update().get(pk=payment.pk)
                    if payment.order_id is not None:
                        raise AlreadyPlaced(payment.order)
                lock_and_check_stock(basket)
                order = self.place_order(
                    order_number=order_number,
                    user=user,
                    basket=basket,
                    shipping_address=shipping_address,
                    shipping_method=shipping_method,
                    shipping_charge=shipping_charge,
                    order_total=order_total,
                    billing_address=billing_address,
                    surcharges=surcharges,
                    **order_kwargs,
                )
                if payment is not None:
                    self.capture(payment, order, amount)
                basket.submit()
        except AlreadyPlaced as placed:
            return self.show_placed_order(placed.order)
        except OutOfStock as exc:
            logger.info("Order %s: out of stock (%s)", order_number, exc.shortages)
            self.release(payment, "out of stock")
            self.restore_frozen_basket()
            messages.error(self.request, str(exc))
            return redirect("basket:summary")
        except ValueError as exc:
            # Oscar's OrderCreator: a voucher already used up, or the order number taken.
            logger.info("Order %s not placed: %s", order_number, exc)
            self.release(payment, str(exc))
            return self.payment_error(f"{exc} Nothing was charged; please review your basket.")
        except gateway.GatewayError as exc:
            logger.warning("Order %s: capture failed: %s", order_number, exc)
            return self.payment_error(exc.user_message)
        except Exception:
            # Nothing was written (the transaction rolled back). If the capture
            # had gone through, reconciliation refunds it: say so plainly.
            logger.exception("Order %s: placing failed", order_number)
            return self.payment_error(
                "Something went wrong while placing your order, and no order was made. "
                "If your card was charged, the charge is refunded automatically. Your basket is kept."
            )

        if payment is not None:
            order_id = order.pk
            transaction.on_commit(lambda: pay_sellers_after_commit(order_id))
        return self.handle_successful_order(order)

    def authorised_payment(self, basket, intent_id, amount, currency):
        """(the basket's authorised Payment, None) or (None, what the buyer must do)."""
        payment = Payment.objects.filter(basket=basket, intent_id=intent_id).first() if intent_id else None
        if payment is None:
            return None, "Please enter your card details to pay for this order."
        if payment.amount != amount or payment.currency != currency.lower():
            return None, "Your basket changed after you entered your card. Please confirm the new total with your card."
        try:
            intent = gateway.retrieve_payment_intent(payment.intent_id)
        except gateway.GatewayError as exc:
            return None, exc.user_message
        services.sync_payment_from_intent(payment, intent)
        if intent["status"] == "requires_capture":
            return payment, None
        if intent["status"] == "canceled":
            return None, "Your card authorisation expired. Please enter your card again; nothing was charged."
        error = (intent.get("last_payment_error") or {}).get("message")
        if error:
            return None, f"{error} Nothing was charged; please try again or use another card."
        return None, "Your card has not been authorised yet. Please enter your card details and confirm."

    def capture(self, payment, order, amount):
        intent = gateway.capture_payment_intent(
            payment.intent_id, amount, idempotency_key=f"order-{order.number}-capture-{amount}"
        )
        if intent["status"] != "succeeded":
            raise gateway.GatewayError(f"capture of {payment.intent_id} left it {intent['status']}")
        services.record_capture(payment, intent, order)
        total = order.total_incl_tax
        source_type, _ = SourceType.objects.get_or_create(name=SOURCE_TYPE)
        Source.objects.create(
            order=order,
            source_type=source_type,
            currency=order.currency,
            amount_allocated=total,
            amount_debited=total,
            reference=payment.intent_id,
            label=payment.card_label,  # what the buyer is shown: "Paid by card ending 4242"
        )
        event_type, _ = PaymentEventType.objects.get_or_create(name="Settled")
        event = PaymentEvent.objects.create(order=order, event_type=event_type, amount=total, reference=payment.intent_id)
        PaymentEventQuantity.objects.bulk_create(
            [PaymentEventQuantity(event=event, line=line, quantity=line.quantity) for line in order.lines.all()]
        )

    def release(self, payment, reason):
        if payment is not None:
            services.release_payment(payment, reason=reason)

    def show_placed_order(self, order):
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.pk
        return redirect(self.get_success_url())

    def send_order_placed_email(self, order):
        order_id = order.pk
        transaction.on_commit(lambda: send_order_placed_email.delay(order_id))


class AlreadyPlaced(Exception):
    def __init__(self, order):
        super().__init__(f"Order {order.number} is already placed")
        self.order = order


def pay_sellers_after_commit(order_id):
    from storefront.payments.tasks import pay_sellers

    pay_sellers.delay(order_id)


class PaymentConfirmView(CheckoutSessionMixin, generic.View):
    """JSON: confirm the basket's intent with the card token the page got from Stripe.js.

    Answers {"status": "requires_capture"} when authorised, {"status":
    "requires_action", "client_secret": ...} for 3-D Secure, or {"error": ...}
    with 402 (declined), 503 (Stripe unreachable), 400 or 404.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "").strip()
        intent_id = request.POST.get("payment_intent", "").strip()
        payment = Payment.objects.filter(basket=request.basket, intent_id=intent_id, order__isnull=True).first()
        if payment is None:
            return http.JsonResponse(
                {"error": "This payment does not belong to your basket any more. Please reload the page."}, status=404
            )
        if not token:
            return http.JsonResponse({"error": "No card details were sent. Please enter your card."}, status=400)
        try:
            status = services.authorise_with_token(payment, token)
        except gateway.CardDeclined as exc:
            # The page swaps in the fresh intent for the next card it tries.
            retry = getattr(exc, "next_payment", None)
            body = {"error": exc.user_message}
            if retry is not None and retry.status in services.REUSABLE_STATUSES:
                body["payment_intent"] = retry.intent_id
            return http.JsonResponse(body, status=402)
        except gateway.PaymentUnavailable as exc:
            return http.JsonResponse({"error": exc.user_message}, status=503)
        except gateway.GatewayError as exc:
            # Confirming twice is refused by Stripe: the first one may have worked.
            try:
                intent = gateway.retrieve_payment_intent(payment.intent_id)
            except gateway.GatewayError:
                return http.JsonResponse({"error": exc.user_message}, status=400)
            services.sync_payment_from_intent(payment, intent)
            if intent["status"] not in ("requires_capture", "requires_action"):
                return http.JsonResponse({"error": exc.user_message}, status=400)
            status = intent["status"]
        body = {"status": status}
        if status == "requires_action":
            body["client_secret"] = payment.client_secret
        return http.JsonResponse(body)

