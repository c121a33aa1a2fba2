"""The Stripe payment step of the checkout, end to end against localstripe and the Connect stand-in.

Each test drives the pages as a buyer would (WebTest), with the card steps
that Stripe.js would do in the browser done against localstripe directly.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.payments import gateway
from storefront.payments.models import Payment, Transfer
from tests.factories import create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    checkout_to_payment,
    confirm_card,
    fill_basket,
    make_payable,
)

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(local_stripe):
    create_country()
    leafy = create_grower("Leafy Towers")
    fungi = create_grower("Fungi Vault")
    make_payable(leafy, local_stripe.connect, commission_percent=Decimal("12.5"))
    make_payable(fungi, local_stripe.connect)  # the platform default, 10 %
    return {
        "leafy": leafy,
        "fungi": fungi,
        "basil": create_listed_product(leafy, "Genovese basil", price="3.20", stock=5),
        "oyster": create_listed_product(fungi, "Oyster mushrooms", price="6.75", stock=5),
        "stripe": local_stripe,
    }


@pytest.fixture
def buyer_app(django_app):
    django_app.set_user(create_user("buyer@example.com"))
    return django_app


def place(page):
    return page.forms["payment-form"].submit().maybe_follow()


def test_card_payment_places_the_order_captures_and_pays_both_growers(buyer_app, shop, django_capture_on_commit_callbacks):
    fill_basket(buyer_app, [(shop["basil"], 2), (shop["oyster"], 1)])
    page = checkout_to_payment(buyer_app, "farm-pickup")
    assert page.request.path == reverse("checkout:payment-details")
    payment = Payment.objects.get()
    assert payment.status == "requires_payment_method" and payment.amount == 2 * 320 + 675

    status, body = confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    assert (status, body["status"]) == (200, "requires_capture")
    with django_capture_on_commit_callbacks(execute=True):
        done = place(page)

    order = Order.objects.get()
    assert order.number in done.text
    payment.refresh_from_db()
    assert payment.order == order and payment.status == "succeeded"
    assert payment.amount_captured == 1315 == int(order.total_incl_tax * 100)
    intent = shop["stripe"].intent(payment.intent_id)
    assert intent["status"] == "succeeded" and gateway.amount_received_of(intent) == 1315
    assert StockRecord.objects.get(product=shop["basil"]).num_allocated == 2
    # Oscar's payment records: one source, fully debited.
    source = order.sources.get()
    assert source.amount_debited == order.total_incl_tax and source.reference == payment.intent_id
    # Transfers after commit: 640 - 12.5 % (80) = 560 to Leafy, 675 - 10 % (67.5 -> 68) = 607 to Fungi.
    transfers = {t.partner_id: t for t in Transfer.objects.filter(order=order)}
    assert (transfers[shop["leafy"].pk].amount, transfers[shop["leafy"].pk].commission) == (560, 80)
    assert (transfers[shop["fungi"].pk].amount, transfers[shop["fungi"].pk].commission) == (607, 68)
    assert all(t.status == Transfer.PAID and t.transfer_id for t in transfers.values())
    sent = shop["stripe"].connect.calls("POST", "/v1/transfers")
    assert sorted(int(call[2]["amount"]) for call in sent) == [560, 607]
    assert {call[2]["transfer_group"] for call in sent} == {payment.transfer_group}
    assert all(call[3] for call in sent), "every transfer carries an idempotency key"
    assert len([m for m in mail.outbox if order.number in m.body or order.number in m.subject]) == 1


def test_declined_card_shows_the_message_keeps_the_basket_and_another_card_works(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = checkout_to_payment(buyer_app)
    status, body = confirm_card(buyer_app, page, shop["stripe"], CARD_DECLINED)
    assert status == 402 and "declined" in body["error"].lower()
    # Placing now is refused with a clear message; no order, basket still open.
    refused = place(page)
    assert "declined" in refused.text.lower() or "not been authorised" in refused.text
    assert not Order.objects.exists()
    assert Basket.objects.get(owner__email="buyer@example.com", status=Basket.OPEN).num_items == 1
    # The same intent takes another card.
    status, body = confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    assert body["status"] == "requires_capture"
    place(page)
    order = Order.objects.get()
    declined, paid = Payment.objects.order_by("attempt")
    assert (declined.status, paid.status, paid.order) == ("canceled", "succeeded", order)


def test_3d_secure_card_completes_after_authentication(buyer_app, shop):
    fill_basket(buyer_app, [(shop["oyster"], 1)])
    page = checkout_to_payment(buyer_app)
    status, body = confirm_card(buyer_app, page, shop["stripe"], CARD_3DS)
    assert body["status"] == "requires_action" and body["client_secret"]
    payment = Payment.objects.get()
    # Not authenticated yet: the order cannot be placed.
    place(page)
    assert not Order.objects.exists()
    result = shop["stripe"].authenticate(payment.intent_id, body["client_secret"], success=True)
    assert result["status"] == "requires_capture"
    place(page)
    order = Order.objects.get()
    assert shop["stripe"].intent(payment.intent_id)["status"] == "succeeded"
    assert Payment.objects.get().order == order


def test_failed_3d_secure_leaves_no_order_and_no_charge(buyer_app, shop):
    fill_basket(buyer_app, [(shop["oyster"], 1)])
    page = checkout_to_payment(buyer_app)
    _, body = confirm_card(buyer_app, page, shop["stripe"], CARD_3DS)
    payment = Payment.objects.get()
    shop["stripe"].authenticate(payment.intent_id, body["client_secret"], success=False)
    refused = place(page)
    assert "failed authentication" in refused.text or "not been authorised" in refused.text
    assert not Order.objects.exists()
    assert gateway.amount_received_of(shop["stripe"].intent(payment.intent_id)) == 0


def test_stock_gone_after_authorisation_releases_the_hold_and_keeps_the_basket(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 2)])
    page = checkout_to_payment(buyer_app)
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    # Someone else bought the stock meanwhile.
    StockRecord.objects.filter(product=shop["basil"]).update(num_allocated=4)
    basket_page = place(page)
    assert basket_page.request.path == reverse("basket:summary")
    assert "no longer available" in basket_page.text
    assert not Order.objects.exists()
    payment = Payment.objects.get()
    assert payment.status == "canceled"
    assert shop["stripe"].intent(payment.intent_id)["status"] == "canceled"
    assert Basket.objects.get(owner__email="buyer@example.com", status=Basket.OPEN).num_items == 2


def test_placing_twice_gives_one_order_and_one_capture(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = checkout_to_payment(buyer_app)
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    form = page.forms["payment-form"]
    first = form.submit().maybe_follow()
    again = form.submit().maybe_follow()  # the browser's back button and a second click
    order = Order.objects.get()
    assert order.number in first.text
    assert again.status_code == 200
    assert Payment.objects.get().amount_captured == 320
    assert StockRecord.objects.get(product=shop["basil"]).num_allocated == 1


def test_changed_basket_gets_a_new_intent_for_the_new_total(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    checkout_to_payment(buyer_app)
    first = Payment.objects.get()
    fill_basket(buyer_app, [(shop["oyster"], 1)])
    page = buyer_app.get(reverse("checkout:payment-details"))
    second = Payment.objects.order_by("attempt").last()
    assert (first.attempt, second.attempt) == (1, 2) and second.amount == 320 + 675
    assert page.forms["payment-form"]["payment_intent"].value == second.intent_id
    first.refresh_from_db()
    assert first.status == "canceled"
    # Reloading the page reuses the live intent instead of making another one.
    buyer_app.get(reverse("checkout:payment-details"))
    assert Payment.objects.count() == 2


def test_stripe_unreachable_shows_a_message_and_keeps_the_basket(buyer_app, shop, settings):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    page = checkout_to_payment(buyer_app)
    assert "could not reach our payment provider" in page.text
    assert "payment-form" not in page.forms
    assert not Payment.objects.exists() and not Order.objects.exists()
    assert Basket.objects.get(owner__email="buyer@example.com", status=Basket.OPEN).num_items == 1


def test_products_of_a_grower_who_cannot_be_paid_are_not_sold(buyer_app, shop):
    unpaid = create_grower("Not Yet Onboarded")
    kale = create_listed_product(unpaid, "Curly kale", price="2.00")
    fill_basket(buyer_app, [(kale, 1), (shop["basil"], 1)])
    page = buyer_app.get(reverse("checkout:index")).maybe_follow()
    assert page.request.path == reverse("basket:summary")
    assert "Curly kale (Not Yet Onboarded)" in page.text and "cannot receive payments" in page.text
    assert not Payment.objects.exists()


def test_expired_authorisation_asks_for_the_card_again_and_a_new_intent_is_made(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = checkout_to_payment(buyer_app)
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    first = Payment.objects.get()
    gateway.cancel_payment_intent(first.intent_id)  # what Stripe does to an uncaptured intent after 7 days
    refused = place(page)
    assert "authorisation expired" in refused.text
    assert not Order.objects.exists()
    page = buyer_app.get(reverse("checkout:payment-details"))
    second = Payment.objects.get(attempt=2)
    assert page.forms["payment-form"]["payment_intent"].value == second.intent_id
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    place(page)
    assert Payment.objects.get(order=Order.objects.get()) == second


def test_network_error_at_capture_rolls_the_order_back_and_a_retry_places_it_once(buyer_app, shop, monkeypatch):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = checkout_to_payment(buyer_app)
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    real_capture = gateway.capture_payment_intent

    def unreachable(*args, **kwargs):
        raise gateway.PaymentUnavailable("capture: connection reset")

    monkeypatch.setattr(gateway, "capture_payment_intent", unreachable)
    refused = place(page)
    assert "could not reach our payment provider" in refused.text
    assert not Order.objects.exists()
    assert StockRecord.objects.get(product=shop["basil"]).num_allocated in (0, None)
    assert Basket.objects.get(owner__email="buyer@example.com", status=Basket.OPEN).num_items == 1
    # Stripe is back: the buyer clicks again and the same authorisation is captured, once.
    monkeypatch.setattr(gateway, "capture_payment_intent", real_capture)
    place(refused)
    order = Order.objects.get()
    assert Payment.objects.get().order == order and Payment.objects.get().amount_captured == 320
