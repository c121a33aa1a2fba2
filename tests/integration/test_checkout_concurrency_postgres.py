"""Checkouts racing for the same stock, vouchers and webhooks, on PostgreSQL.

Real row locks only exist on PostgreSQL (SQLite serialises all writers), so
these tests skip elsewhere. Each buyer's checkout is prepared one by one (a
basket, an address, a shipping method, an authorised card at localstripe);
then the "place order" requests start together, one thread each, released by
a barrier.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest tests/integration/test_checkout_concurrency_postgres.py
"""

import json
import os
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.payments import gateway
from storefront.payments.models import Dispute, Payment, WebhookEvent
from tests.factories import create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import CARD_OK, make_payable

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
Range = get_model("offer", "Range")


def _postgres_reachable():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "the suite runs on SQLite; set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
    try:
        import psycopg

        # The server, not the named database: the test run creates test_<name> itself.
        psycopg.connect(url, dbname="postgres", connect_timeout=3).close()
    except Exception as exc:  # any failure to connect means: cannot run here
        return f"PostgreSQL at DATABASE_URL is not reachable: {exc}"
    return None


_skip_reason = _postgres_reachable()
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(_skip_reason is not None, reason=_skip_reason or ""),
    pytest.mark.django_db(transaction=True),
]


def run_together(functions):
    """Run the functions in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # reported to the test, not lost in the thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


class Buyer:
    """One buyer's browser: a logged-in client taken to an authorised payment."""

    addresses = iter(range(1, 60000))

    def __init__(self, email, stripe):
        self.user = create_user(email)
        # Each buyer from their own address, as in life (the payment pages are rate-limited per address).
        number = next(Buyer.addresses)
        self.client = Client(REMOTE_ADDR=f"10.{number // 250}.{number % 250}.1")
        self.client.force_login(self.user)
        self.stripe = stripe
        self.intent_id = None

    def add(self, product, quantity=1):
        response = self.client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
        assert response.status_code == 302

    def add_voucher(self, code):
        self.client.post(reverse("basket:vouchers-add"), {"code": code})

    def authorise(self):
        self.client.post(
            reverse("checkout:shipping-address"),
            {"first_name": "Ada", "last_name": "Buyer", "line1": "1 Canal Street", "line4": "Manchester",
             "postcode": "M1 3HE", "country": "GB"},
        )
        self.client.post(reverse("checkout:shipping-method"), {"method_code": "farm-pickup"})
        page = self.client.get(reverse("checkout:payment-details"))
        assert page.status_code == 200, page
        self.intent_id = page.context["payment"].intent_id
        answer = self.client.post(
            reverse("checkout:payment-confirm"),
            {"token": self.stripe.card_token(CARD_OK), "payment_intent": self.intent_id},
        ).json()
        assert answer["status"] == "requires_capture", answer

    def place(self):
        started = time.perf_counter()
        response = self.client.post(reverse("checkout:preview"), {"action": "place_order", "payment_intent": self.intent_id})
        return response, time.perf_counter() - started


@pytest.fixture
def shop(local_stripe):
    create_country()
    grower = create_grower("Last Leaf")
    make_payable(grower, local_stripe.connect)
    return grower


def test_twenty_checkouts_for_the_last_unit_give_one_order_and_nineteen_clean_refusals(shop, local_stripe):
    product = create_listed_product(shop, "The last microgreens tray", price="9.99", stock=1)
    buyers = [Buyer(f"buyer{i}@example.com", local_stripe) for i in range(20)]
    for buyer in buyers:
        buyer.add(product)
        buyer.authorise()

    results = run_together([buyer.place for buyer in buyers])

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    order = Order.objects.get()
    record = StockRecord.objects.get(product=product)
    assert (record.num_in_stock, record.num_allocated) == (1, 1)
    winners = [b for b, (response, _) in zip(buyers, results) if response.url == reverse("checkout:thank-you")]
    assert [w.user for w in winners] == [order.user]
    basket_url = reverse("basket:summary")
    for buyer, (response, _) in zip(buyers, results):
        if buyer in winners:
            continue
        assert response.status_code == 302 and response.url == basket_url
        assert "no longer available" in buyer.client.get(basket_url).content.decode()
    # One capture, nineteen holds released; nothing else charged at Stripe.
    statuses = {p.intent_id: gateway.retrieve_payment_intent(p.intent_id)["status"] for p in Payment.objects.all()}
    assert sorted(statuses.values()) == ["canceled"] * 19 + ["succeeded"]
    assert Payment.objects.get(status="succeeded").order == order


def test_two_baskets_with_the_same_products_in_opposite_order_do_not_deadlock(shop, local_stripe):
    first = create_listed_product(shop, "Pea shoots", price="2.50", stock=50)
    second = create_listed_product(shop, "Sunflower shoots", price="2.75", stock=50)
    for round_number in range(3):
        a = Buyer(f"a{round_number}@example.com", local_stripe)
        b = Buyer(f"b{round_number}@example.com", local_stripe)
        a.add(first)
        a.add(second)
        b.add(second)
        b.add(first)
        a.authorise()
        b.authorise()
        results = run_together([a.place, b.place])
        assert [r[0].url for r in results] == [reverse("checkout:thank-you")] * 2, results
    assert Order.objects.count() == 6
    assert StockRecord.objects.get(product=first).num_allocated == 6
    assert StockRecord.objects.get(product=second).num_allocated == 6


def test_a_single_use_voucher_in_five_concurrent_checkouts_is_applied_once(shop, local_stripe):
    product = create_listed_product(shop, "Basil", price="10.00", stock=50)
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    offer = ConditionalOffer.objects.create(
        name="Launch", offer_type=ConditionalOffer.VOUCHER,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=Decimal("20")),
    )
    voucher = Voucher.objects.create(name="Launch", code="LAUNCH20", usage=Voucher.SINGLE_USE,
                                     start_datetime="2020-01-01T00:00Z", end_datetime="2099-01-01T00:00Z")
    voucher.offers.add(offer)
    buyers = [Buyer(f"v{i}@example.com", local_stripe) for i in range(5)]
    for buyer in buyers:
        buyer.add(product)
        buyer.add_voucher("LAUNCH20")
        buyer.authorise()
        assert Payment.objects.get(intent_id=buyer.intent_id).amount == 800  # the discount is in the price

    results = run_together([buyer.place for buyer in buyers])

    assert not [r for r in results if isinstance(r, Exception)]
    assert VoucherApplication.objects.filter(voucher=voucher).count() == 1
    discounted = Order.objects.filter(discounts__voucher_id=voucher.pk)
    assert discounted.count() == 1
    # Every order placed was charged what it says, and nobody else was charged.
    captured = Payment.objects.filter(status="succeeded")
    assert sorted(p.order_id for p in captured) == sorted(Order.objects.values_list("pk", flat=True))
    for payment in captured:
        assert payment.amount_captured == int(payment.order.total_incl_tax * 100)


def test_one_basket_placed_twice_at_once_gives_one_order(shop, local_stripe):
    product = create_listed_product(shop, "Chard", price="3.00", stock=10)
    buyer = Buyer("double@example.com", local_stripe)
    buyer.add(product)
    buyer.authorise()
    results = run_together([buyer.place, buyer.place])
    assert not [r for r in results if isinstance(r, Exception)]
    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=product).num_allocated == 1
    assert Payment.objects.get().amount_captured == 300


def test_a_webhook_delivered_five_times_at_once_has_one_effect(shop, local_stripe):
    product = create_listed_product(shop, "Kale", price="4.00", stock=10)
    buyer = Buyer("disputer@example.com", local_stripe)
    buyer.add(product)
    buyer.authorise()
    buyer.place()
    payment = Payment.objects.get()
    event = {
        "id": "evt_concurrent_1", "object": "event", "type": "charge.dispute.created", "created": int(time.time()),
        "data": {"object": {"id": "dp_c1", "object": "dispute", "payment_intent": payment.intent_id,
                            "amount": 400, "reason": "fraudulent", "status": "needs_response"}},
    }
    body = json.dumps(event).encode()

    def deliver():
        header = gateway.sign_webhook(body, int(time.time()))
        return Client().post("/payments/stripe/webhook/", data=body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=header).status_code

    assert run_together([deliver] * 5) == [200] * 5
    assert WebhookEvent.objects.count() == 1
    assert WebhookEvent.objects.get().status == WebhookEvent.PROCESSED
    assert Dispute.objects.count() == 1
    assert payment.order.notes.filter(message__contains="dp_c1").count() == 1
