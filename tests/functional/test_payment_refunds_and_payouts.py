"""Refunds, sellers' payouts and Stripe onboarding from the dashboard.

Orders are placed through the real checkout against localstripe; Connect
calls go to the stand-in. Amounts are in pence.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.payments import gateway, services
from storefront.payments.models import Payment, Refund, SellerAccount, Transfer
from tests.factories import create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import checkout_to_payment, confirm_card, fill_basket, make_payable

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(request, django_app, local_stripe, django_capture_on_commit_callbacks):
    """Leafy sells 2 basil at 3.20 (12.5 %), Fungi 1 oyster at 6.75 (10 %): a 13.15 charge.

    Parametrised indirectly with {"fungi_transfers": False}, Fungi's account
    loses its transfers capability at Stripe before the order is placed.
    """
    options = getattr(request, "param", {})
    create_country()
    leafy = create_grower("Leafy Towers", seller_email="leafy@example.com")
    fungi = create_grower("Fungi Vault", seller_email="fungi@example.com")
    make_payable(leafy, local_stripe.connect, commission_percent=Decimal("12.5"))
    fungi_account = make_payable(fungi, local_stripe.connect)
    if not options.get("fungi_transfers", True):
        local_stripe.connect.accounts[fungi_account.account_id]["capabilities"]["transfers"] = "inactive"
    basil = create_listed_product(leafy, "Genovese basil", price="3.20")
    oyster = create_listed_product(fungi, "Oyster mushrooms", price="6.75")
    django_app.set_user(create_user("buyer@example.com"))
    fill_basket(django_app, [(basil, 2), (oyster, 1)])
    page = checkout_to_payment(django_app)
    confirm_card(django_app, page, local_stripe)
    with django_capture_on_commit_callbacks(execute=True):
        page.forms["payment-form"].submit()
    order = Order.objects.get()
    return {
        "order": order, "leafy": leafy, "fungi": fungi, "stripe": local_stripe,
        "basil_line": order.lines.get(product=basil), "oyster_line": order.lines.get(product=oyster),
    }


def transfers_of(order):
    return {t.partner.name: t for t in Transfer.objects.filter(order=order).select_related("partner")}


def test_partial_then_full_refund_reverses_transfers_and_returns_commission(paid_order):
    order, stripe = paid_order["order"], paid_order["stripe"]
    first = services.refund_order(order, lines={paid_order["basil_line"].pk: 1}, reason="one bunch wilted")
    assert (first.amount, first.status) == (320, Refund.SUCCEEDED)
    leafy = transfers_of(order)["Leafy Towers"]
    # 320 of Leafy's 640: half the 80 commission comes back, 280 is reversed.
    assert (leafy.amount_reversed, leafy.commission_returned, leafy.refunded_gross) == (280, 40, 320)
    reversal = first.reversals.get()
    assert reversal.status == "succeeded" and reversal.reversal_id
    assert stripe.connect.transfers[leafy.transfer_id]["amount_reversed"] == 280

    rest = services.refund_order(order, reason="order cancelled")
    assert rest.amount == 1315 - 320
    transfers = transfers_of(order)
    assert (transfers["Leafy Towers"].net_amount, transfers["Leafy Towers"].net_commission) == (0, 0)
    assert (transfers["Fungi Vault"].net_amount, transfers["Fungi Vault"].net_commission) == (0, 0)
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == payment.amount_captured == 1315
    at_stripe = gateway.payments_client().refunds.list(params={"payment_intent": payment.intent_id})
    assert sum(refund["amount"] for refund in at_stripe.data) == 1315
    with pytest.raises(services.RefundError, match="Nothing is left to refund"):
        services.refund_order(order)


def test_a_refund_can_never_exceed_what_is_left(paid_order):
    order, line = paid_order["order"], paid_order["basil_line"]
    with pytest.raises(services.RefundError, match="3 asked, only 2 left"):
        services.refund_order(order, lines={line.pk: 3})
    services.refund_order(order, lines={line.pk: 2})
    with pytest.raises(services.RefundError, match="1 asked, only 0 left"):
        services.refund_order(order, lines={line.pk: 1})
    with pytest.raises(services.RefundError, match="not a line of order"):
        services.refund_order(order, lines={999999: 1})
    assert Payment.objects.get(order=order).amount_refunded == 640
    assert Refund.objects.filter(order=order).count() == 1


def test_refused_refund_gives_back_its_reservation(paid_order, settings):
    order = paid_order["order"]
    payment = Payment.objects.get(order=order)
    Payment.objects.filter(pk=payment.pk).update(intent_id="pi_unknown_at_stripe")
    with pytest.raises(services.RefundError, match="Stripe refused the refund"):
        services.refund_order(order, lines={paid_order["oyster_line"].pk: 1})
    payment.refresh_from_db()
    assert payment.amount_refunded == 0
    assert Refund.objects.get().status == Refund.FAILED
    assert transfers_of(order)["Fungi Vault"].amount_reversed == 0


def test_seller_refunds_own_lines_from_the_dashboard_only(paid_order, django_app):
    order = paid_order["order"]
    django_app.set_user(paid_order["leafy"].users.get())
    page = django_app.get(reverse("storefront_payments:refund", args=[order.number]))
    form = page.forms["refund_form"]
    assert f"line-{paid_order['oyster_line'].pk}" not in form.fields  # Fungi's line is not theirs
    assert "whole" not in form.fields
    form[f"line-{paid_order['basil_line'].pk}"] = "1"
    done = form.submit().follow()
    assert "Refunded 3.20 GBP" in done.text
    assert Payment.objects.get(order=order).amount_refunded == 320

    form = done.forms["refund_form"]
    form[f"line-{paid_order['basil_line'].pk}"] = "5"
    assert "5 asked, only 1 left" in form.submit().follow().text


def test_seller_sees_only_their_payouts_and_staff_sees_commission_per_period(paid_order, django_app):
    django_app.set_user(paid_order["fungi"].users.get())
    page = django_app.get(reverse("storefront_payments:payouts"))
    table = page.html.find(id="payouts").text
    assert "Fungi Vault" in table and "Leafy Towers" not in table
    assert "6.75" in table and "0.68" in table and "6.07" in table
    assert page.html.find(id="commission") is None
    # Another seller's order is not theirs to refund.
    other = create_grower("Elsewhere", seller_email="else@example.com")
    django_app.set_user(other.users.get())
    django_app.get(reverse("storefront_payments:refund", args=[paid_order["order"].number]), status=404)

    django_app.set_user(create_user("staff@example.com", staff=True))
    page = django_app.get(reverse("storefront_payments:payouts"), {"period": "month"})
    commission = page.html.find(id="commission").text
    assert "1.48" in commission  # 0.80 + 0.68 of commission this month
    assert "Payouts" in django_app.get(reverse("dashboard:index")).text


def test_buyer_cannot_open_the_payouts_dashboard(paid_order, django_app):
    django_app.set_user(create_user("nosy@example.com"))
    django_app.get(reverse("storefront_payments:payouts"), status=403)
    django_app.set_user(None)
    django_app.reset()
    response = django_app.get(reverse("storefront_payments:payouts"), status=302)
    assert "login" in response.location


def test_grower_connects_a_stripe_express_account_from_the_dashboard(django_app, local_stripe):
    grower = create_grower("New Leaf", seller_email="new@example.com")
    django_app.set_user(grower.users.get())
    page = django_app.get(reverse("storefront_payments:payouts"))
    assert "Connect with Stripe" in page.text
    redirect = page.forms[f"onboarding-{grower.pk}"].submit()
    account = SellerAccount.objects.get(partner=grower)
    assert redirect.location.startswith(local_stripe.connect.url + "/connect/onboarding/" + account.account_id)
    assert not account.can_be_paid
    # The grower finishes onboarding at Stripe, which sends them back.
    local_stripe.connect.complete_onboarding(account.account_id)
    back = django_app.get(reverse("storefront_payments:onboarding-return", args=[grower.pk])).follow()
    assert "New Leaf can now be paid" in back.text
    account.refresh_from_db()
    assert account.charges_enabled and account.payouts_enabled and account.can_be_paid
    # Once paid-ready, the dashboard offers no second onboarding; a new link reuses the account.
    assert f"onboarding-{grower.pk}" not in back.forms
    services.onboarding_link(grower, email="new@example.com", return_url="http://testserver/", refresh_url="http://testserver/")
    assert len(local_stripe.connect.calls("POST", "/v1/accounts")) == 1
    assert len(local_stripe.connect.calls("POST", "/v1/account_links")) == 2


@pytest.mark.parametrize("paid_order", [{"fungi_transfers": False}], indirect=True)
def test_transfer_to_a_grower_without_transfers_fails_and_reconciliation_sends_it_later(paid_order):
    order, stripe = paid_order["order"], paid_order["stripe"]
    transfers = transfers_of(order)
    assert transfers["Leafy Towers"].status == Transfer.PAID
    assert transfers["Fungi Vault"].status == Transfer.FAILED
    assert "capabilities" in transfers["Fungi Vault"].last_error
    # Running the payout again changes nothing for Leafy: the same key gives the same transfer.
    assert services.pay_sellers(order) == {paid_order["leafy"].pk: Transfer.PAID, paid_order["fungi"].pk: Transfer.FAILED}
    assert len(stripe.connect.transfers) == 1
    account = SellerAccount.objects.get(partner=paid_order["fungi"])
    stripe.connect.complete_onboarding(account.account_id)
    from storefront.payments.reconcile import reconcile

    report = reconcile(grace_seconds=0)
    assert any(f.kind == "transfers not sent" and order.number == f.subject for f in report.findings)
    assert {t.status for t in Transfer.objects.filter(order=order)} == {Transfer.PAID}
    assert sorted(t["amount"] for t in stripe.connect.transfers.values()) == [560, 607]
    assert reconcile(grace_seconds=0).findings == []


def test_staff_set_a_growers_commission_in_the_admin_and_it_applies_to_the_split(django_app, local_stripe):
    grower = create_grower("Rate Farm")
    account = make_payable(grower, local_stripe.connect)
    admin = create_user("admin@example.com", staff=True)
    admin.is_superuser = True
    admin.save()
    django_app.set_user(admin)
    page = django_app.get(reverse("admin:storefront_payments_selleraccount_changelist"))
    form = page.forms["changelist-form"]
    form["form-0-commission_percent"] = "7.5"
    form.submit("_save").follow()
    account.refresh_from_db()
    assert account.commission_percent == Decimal("7.5")
    assert services.commission_basis_points([grower.pk]) == {grower.pk: 750}
    # Records of what happened at Stripe are read-only.
    django_app.get(reverse("admin:storefront_payments_payment_add"), status=403)
