"""Reconciliation against localstripe: money without an order, holds without an order, refunds left pending."""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from oscar.test import factories

from storefront.payments import gateway, services
from storefront.payments.models import Payment, Refund
from storefront.payments.reconcile import reconcile
from tests.factories import create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import checkout_to_payment, confirm_card, fill_basket, make_payable

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


def authorised_payment(stripe, amount=1234):
    basket = factories.create_basket(empty=True)
    payment = services.payment_for_basket(basket, amount, "GBP")
    assert services.authorise_with_token(payment, stripe.card_token()) == "requires_capture"
    return payment


def refunded_at_stripe(intent_id):
    return sum(r["amount"] for r in gateway.payments_client().refunds.list(params={"payment_intent": intent_id}).data)


def test_a_capture_without_an_order_is_refunded_once(local_stripe):
    payment = authorised_payment(local_stripe)
    gateway.capture_payment_intent(payment.intent_id, payment.amount, idempotency_key="test-capture")

    report = reconcile(grace_seconds=0)

    assert [(f.kind, f.action) for f in report.findings] == [("captured without order", "refunded 1234")]
    payment.refresh_from_db()
    assert (payment.amount_captured, payment.amount_refunded) == (1234, 1234)
    assert payment.resolution.startswith("refunded in full")
    assert refunded_at_stripe(payment.intent_id) == 1234
    assert reconcile(grace_seconds=0).findings == []  # a second run finds nothing more to do
    assert refunded_at_stripe(payment.intent_id) == 1234


def test_an_authorisation_without_an_order_is_released(local_stripe):
    payment = authorised_payment(local_stripe)
    report = reconcile(grace_seconds=0)
    assert [(f.kind, f.action) for f in report.findings] == [("authorised without order", "canceled")]
    payment.refresh_from_db()
    assert payment.status == "canceled" and payment.resolution.startswith("released")
    assert gateway.retrieve_payment_intent(payment.intent_id)["status"] == "canceled"


def test_young_payments_and_dry_runs_are_left_alone(local_stripe):
    payment = authorised_payment(local_stripe)
    assert reconcile().findings == []  # within the default grace period: a checkout may be in flight
    report = reconcile(grace_seconds=0, dry_run=True)
    assert [f.action for f in report.findings] == ["would cancel"]
    assert gateway.retrieve_payment_intent(payment.intent_id)["status"] == "requires_capture"


def test_order_rolled_back_after_capture_leaves_no_order_and_reconciliation_refunds(
    django_app, local_stripe, monkeypatch
):
    create_country()
    grower = create_grower("Crash Farm")
    make_payable(grower, local_stripe.connect)
    product = create_listed_product(grower, "Radish", price="2.00", stock=3)
    django_app.set_user(create_user("crash@example.com"))
    fill_basket(django_app, [(product, 1)])
    page = checkout_to_payment(django_app)
    confirm_card(django_app, page, local_stripe)

    def crash(*args, **kwargs):
        raise RuntimeError("the process died between the capture and the commit")

    monkeypatch.setattr(services, "record_capture", crash)
    answer = page.forms["payment-form"].submit()
    assert "no order was made" in answer.text and "refunded automatically" in answer.text
    assert not Order.objects.exists()
    assert Basket.objects.get(owner__email="crash@example.com", status=Basket.OPEN).num_items == 1
    assert get_model("partner", "StockRecord").objects.get(product=product).num_allocated in (0, None)
    payment = Payment.objects.get()
    assert gateway.retrieve_payment_intent(payment.intent_id)["status"] == "succeeded"

    monkeypatch.undo()
    reconcile(grace_seconds=0)
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount == 200
    assert refunded_at_stripe(payment.intent_id) == 200


def test_a_refund_that_could_not_reach_stripe_is_sent_by_reconciliation(django_app, local_stripe, settings,
                                                                       django_capture_on_commit_callbacks):
    create_country()
    grower = create_grower("Slow Farm")
    make_payable(grower, local_stripe.connect)
    product = create_listed_product(grower, "Chives", price="1.50", stock=3)
    django_app.set_user(create_user("refund@example.com"))
    fill_basket(django_app, [(product, 2)])
    page = checkout_to_payment(django_app)
    confirm_card(django_app, page, local_stripe)
    with django_capture_on_commit_callbacks(execute=True):
        page.forms["payment-form"].submit()
    order = Order.objects.get()

    api_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(gateway.PaymentUnavailable):
        services.refund_order(order, lines={order.lines.get().pk: 1})
    refund = Refund.objects.get()
    assert refund.status == Refund.PENDING
    assert Payment.objects.get().amount_refunded == 150  # reserved: a second refund cannot exceed the payment
    with pytest.raises(services.RefundError, match="only 1 left"):
        services.refund_order(order, lines={order.lines.get().pk: 2})

    settings.STRIPE_API_BASE = api_base
    report = reconcile(grace_seconds=0)
    assert ("refund pending", "succeeded") in [(f.kind, f.action) for f in report.findings]
    refund.refresh_from_db()
    assert refund.status == Refund.SUCCEEDED and refund.reversals.get().status == "succeeded"
    assert refunded_at_stripe(Payment.objects.get().intent_id) == 150


def test_the_command_prints_findings_and_a_summary(local_stripe, capsys):
    authorised_payment(local_stripe)
    call_command("reconcile_payments", "--dry-run", "--grace-seconds", "0")
    out = capsys.readouterr().out
    assert "authorised without order" in out and "would cancel" in out
    assert out.strip().endswith("Reconciliation: 1 finding(s) (dry run, nothing changed).")
    with pytest.raises(SystemExit):
        call_command("reconcile_payments", "--grace-seconds", "-1")
