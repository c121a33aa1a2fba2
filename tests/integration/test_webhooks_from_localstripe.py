"""Webhooks as localstripe sends them: signed by the server, delivered over HTTP to the running storefront."""

import time

import pytest
from oscar.test import factories

from storefront.payments import gateway, services
from storefront.payments.models import Payment, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_capture_at_localstripe_arrives_as_a_signed_event_and_is_applied(local_stripe, live_server, settings):
    basket = factories.create_basket(empty=True)
    payment = services.payment_for_basket(basket, 2500, "GBP")
    assert services.authorise_with_token(payment, local_stripe.card_token()) == "requires_capture"
    local_stripe.process.deliver_webhooks_to(
        live_server.url + "/payments/stripe/webhook/", settings.STRIPE_WEBHOOK_SECRET,
        events=["payment_intent.succeeded"],
    )
    gateway.capture_payment_intent(payment.intent_id, 2500, idempotency_key="webhook-test-capture")

    def this_payments_event():
        # The server is shared by the test session: an event of an earlier test's payment may arrive too.
        events = WebhookEvent.objects.filter(type="payment_intent.succeeded")
        return next((e for e in events if e.payload["data"]["object"]["id"] == payment.intent_id), None)

    assert wait_for(lambda: this_payments_event() is not None)
    assert wait_for(lambda: this_payments_event().status == WebhookEvent.PROCESSED), this_payments_event().detail
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == ("succeeded", 2500)
    # localstripe delivers to every endpoint configured: turn this one off for later tests.
    local_stripe.process.deliver_webhooks_to("http://127.0.0.1:9/", "whsec_unused", events=["none"])


def test_events_signed_with_another_secret_are_refused(local_stripe, live_server):
    basket = factories.create_basket(empty=True)
    payment = services.payment_for_basket(basket, 1200, "GBP")
    services.authorise_with_token(payment, local_stripe.card_token())
    local_stripe.process.deliver_webhooks_to(
        live_server.url + "/payments/stripe/webhook/", "whsec_someone_else", events=["payment_intent.succeeded"]
    )
    gateway.capture_payment_intent(payment.intent_id, 1200, idempotency_key="webhook-test-capture-2")
    time.sleep(2.5)  # localstripe waits a second before it sends
    assert not WebhookEvent.objects.exists()
    assert Payment.objects.get().status == "requires_capture"  # only our own capture call could change it
    local_stripe.process.deliver_webhooks_to("http://127.0.0.1:9/", "whsec_unused", events=["none"])
