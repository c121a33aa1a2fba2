"""The Stripe webhook endpoint: signatures, duplicates, out-of-order events, and what each event changes."""

import json
import time
import uuid

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test import factories

from storefront.payments import gateway
from storefront.payments.models import Dispute, Payment, SellerAccount, WebhookEvent
from storefront.payments.reconcile import reconcile

OrderNote = get_model("order", "OrderNote")
Partner = get_model("partner", "Partner")

pytestmark = pytest.mark.django_db

URL = "/payments/stripe/webhook/"


def make_event(type, obj, *, event_id=None, created=None):
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": type,
        "created": created or int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def deliver(client, event=None, *, body=None, timestamp=None, secret=None, header=None):
    payload = body if body is not None else json.dumps(event).encode()
    if header is None:
        header = gateway.sign_webhook(payload, timestamp or int(time.time()), secret)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    return client.post(URL, data=payload, content_type="application/json", **extra)


@pytest.fixture
def payment():
    order = factories.create_order()
    return Payment.objects.create(
        basket=order.basket, order=order, intent_id="pi_webhook_1", client_secret="pi_webhook_1_secret_x",
        amount=1000, currency="gbp", status="requires_capture",
    )


def intent(status, **extra):
    return {"id": "pi_webhook_1", "object": "payment_intent", "status": status, "amount": 1000, "metadata": {}, **extra}


def test_webhook_url_is_the_one_documented():
    assert reverse("stripe-webhook") == URL


def test_succeeded_event_is_stored_once_and_applied_after_commit(client, payment, django_capture_on_commit_callbacks):
    event = make_event("payment_intent.succeeded", intent("succeeded", amount_received=1000, latest_charge="ch_1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.status, stored.attempts) == (event["id"], WebhookEvent.PROCESSED, 1)
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.charge_id) == ("succeeded", 1000, "ch_1")


@pytest.mark.parametrize(
    "case",
    ["wrong secret", "stale timestamp", "future timestamp", "no header", "garbage header"],
)
def test_bad_signatures_are_refused_and_change_nothing(client, payment, case):
    event = make_event("payment_intent.canceled", intent("canceled"))
    now = int(time.time())
    kwargs = {
        "wrong secret": {"secret": "whsec_not_ours"},
        "stale timestamp": {"timestamp": now - 301},
        "future timestamp": {"timestamp": now + 301},
        "no header": {"header": ""},
        "garbage header": {"header": "t=abc,v1=zzz"},
    }[case]
    response = deliver(client, event, **kwargs)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == "requires_capture"


def test_a_signature_within_the_tolerance_is_accepted(client, payment):
    event = make_event("charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_webhook_1", "amount_refunded": 0})
    assert deliver(client, event, timestamp=int(time.time()) - 290).status_code == 200


@pytest.mark.parametrize(
    "body, message",
    [
        (b"not json at all", "not JSON"),
        (b'{"type": "payment_intent.succeeded"}', "string id and type"),
        (b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {}}', "no data.object"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bodies_that_are_not_events_are_refused(client, payment, body, message):
    response = deliver(client, body=body)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_unknown_event_types_are_recorded_as_ignored(client, payment, django_capture_on_commit_callbacks):
    event = make_event("payment_intent.created", intent("requires_payment_method"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client, event)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert callbacks == []
    assert WebhookEvent.objects.get().status == WebhookEvent.IGNORED
    payment.refresh_from_db()
    assert payment.status == "requires_capture"


def test_an_event_delivered_five_times_has_one_effect(client, payment, django_capture_on_commit_callbacks):
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_webhook_1", "charge": "ch_1",
               "amount": 1000, "reason": "fraudulent", "status": "needs_response"}
    event = make_event("charge.dispute.created", dispute)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, event).json() for _ in range(5)]
    assert [a.get("duplicate", False) for a in answers] == [False, True, True, True, True]
    assert WebhookEvent.objects.count() == 1
    assert Dispute.objects.get().amount == 1000
    assert OrderNote.objects.filter(order=payment.order, message__contains="dp_1").count() == 1
    payment.refresh_from_db()
    assert payment.disputed
    # The same dispute under another event id (Stripe's retry of a new event) changes nothing either.
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("charge.dispute.created", dispute))
    assert Dispute.objects.count() == 1
    assert OrderNote.objects.filter(order=payment.order).count() == 1


def test_events_out_of_order_never_move_a_payment_back(client, payment, django_capture_on_commit_callbacks):
    now = int(time.time())
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("payment_intent.succeeded", intent("succeeded", amount_received=1000), created=now))
        deliver(client, make_event("payment_intent.payment_failed",
                                   intent("requires_payment_method", last_payment_error={"message": "declined"}),
                                   created=now - 60))
        deliver(client, make_event("payment_intent.canceled", intent("canceled"), created=now - 30))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.last_error) == ("succeeded", 1000, "")
    assert WebhookEvent.objects.filter(status=WebhookEvent.PROCESSED).count() == 3


def test_a_cancel_applies_to_an_uncaptured_payment(client, payment, django_capture_on_commit_callbacks):
    payment.order = None
    payment.save()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("payment_intent.canceled", intent("canceled")))
    payment.refresh_from_db()
    assert payment.status == "canceled"


def test_an_older_account_update_does_not_overwrite_a_newer_one(client, django_capture_on_commit_callbacks):
    account = SellerAccount.objects.create(partner=Partner.objects.create(name="Late Leaf"), account_id="acct_late")
    now = int(time.time())
    enabled = {"id": "acct_late", "object": "account", "charges_enabled": True, "payouts_enabled": True, "details_submitted": True}
    disabled = {**enabled, "charges_enabled": False, "payouts_enabled": False}
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("account.updated", enabled, created=now))
        deliver(client, make_event("account.updated", disabled, created=now - 10))
    account.refresh_from_db()
    assert account.can_be_paid and account.synced_event_created == now


def test_succeeded_before_the_payment_is_recorded_waits_and_is_replayed(client, django_capture_on_commit_callbacks):
    early = intent("succeeded", id="pi_early", amount_received=500, metadata={"basket": "1"})
    early["id"] = "pi_early"
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, make_event("payment_intent.succeeded", early)).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.PENDING and "not recorded yet" in stored.detail
    # The checkout's own write lands, then reconciliation replays the waiting event.
    basket = factories.create_basket(empty=True)
    payment = Payment.objects.create(basket=basket, intent_id="pi_early", client_secret="s", amount=500,
                                     currency="gbp", status="requires_payment_method")
    WebhookEvent.objects.update(received_at=stored.received_at.replace(year=2000))
    reconcile(grace_seconds=3600)
    payment.refresh_from_db()
    stored.refresh_from_db()
    assert (payment.status, payment.amount_captured, stored.status) == ("succeeded", 500, WebhookEvent.PROCESSED)


def test_refund_made_outside_the_storefront_is_reported(client, payment, django_capture_on_commit_callbacks):
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_webhook_1", "amount_refunded": 400}
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("charge.refunded", charge))
    payment.refresh_from_db()
    assert payment.stripe_amount_refunded == 400 and payment.amount_refunded == 0
    assert "beyond the storefront's refunds" in WebhookEvent.objects.get().detail
    findings = [f for f in reconcile(grace_seconds=0, dry_run=True).findings if f.kind == "refunded outside the storefront"]
    assert [f.subject for f in findings] == ["pi_webhook_1"]


def test_events_for_payments_of_other_systems_are_ignored(client, django_capture_on_commit_callbacks):
    other = {"id": "pi_not_ours", "object": "payment_intent", "status": "succeeded", "amount": 100, "metadata": {}}
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, make_event("payment_intent.succeeded", other))
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.IGNORED and "not a storefront payment" in stored.detail
    assert not Payment.objects.exists()
