"""The payment page's own script in a real browser, against localstripe's Stripe.js shim.

In test mode the page has its own card fields (the number with spaces, the
expiry as MM/YY or MM/YYYY) and gets the token from the local server; 3-D
Secure uses the shim's confirmCardPayment. This proves that side end to end:
the buyer types a card as people do, 3-D Secure is passed in the shim's
dialog, a declined card shows its message and the next card goes through,
and a mistyped expiry is explained before anything is sent. Needs the
system chromium and Playwright; skips with the reason otherwise.
"""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.payments import gateway
from storefront.payments.models import Payment
from tests.browser.conftest import allow_local_stripe
from tests.factories import PASSWORD, create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import CARD_3DS, CARD_DECLINED, CARD_OK, make_payable, type_card_in_browser

Order = get_model("order", "Order")

pytestmark = [pytest.mark.browser]


@pytest.fixture
def tab(page):
    """The browser page of tests/browser/conftest.py (system chromium, screenshot kept)."""
    return page


@pytest.fixture
def shop(local_stripe, live_server, settings):
    allow_local_stripe(settings, local_stripe)
    create_country()
    grower = create_grower("Browser Basil Co")
    make_payable(grower, local_stripe.connect)
    product = create_listed_product(grower, "Lemon basil", price="3.80")
    create_user("browser@example.com")
    return {"product": product, "url": live_server.url}


def to_payment_page(tab, shop):
    url = shop["url"]
    tab.goto(url + reverse("customer:login"))
    tab.fill("#id_login-username", "browser@example.com")
    tab.fill("#id_login-password", PASSWORD)
    tab.locator("button[name=login_submit]").click()
    tab.goto(url + shop["product"].get_absolute_url())
    tab.locator("#add_to_basket_form button[type=submit]").click()
    tab.goto(url + reverse("checkout:index"))
    tab.fill("#id_first_name", "Ada")
    tab.fill("#id_last_name", "Buyer")
    tab.fill("#id_line1", "1 Canal Street")
    tab.fill("#id_line4", "Manchester")
    tab.fill("#id_postcode", "M1 3HE")
    tab.locator("#new_shipping_address button[type=submit]").click()
    tab.locator("form:has(input[name=method_code][value=farm-pickup]) button[type=submit]").click()
    tab.wait_for_url("**" + reverse("checkout:payment-details"))


def type_card(tab, number, expiry="12/34"):
    type_card_in_browser(tab, number, expiry)


@pytest.mark.parametrize("expiry", ["12/34", "12/2034"])
def test_card_payment_in_the_browser(tab, shop, expiry):
    to_payment_page(tab, shop)
    type_card(tab, "4242 4242 4242 4242", expiry)  # as printed on the card, and both ways of writing the year
    tab.click("#pay-button")
    tab.wait_for_url("**" + reverse("checkout:thank-you"))
    order = Order.objects.get()
    assert order.number in tab.content()
    assert "Paid by card ending 4242" in tab.content()
    intent = gateway.retrieve_payment_intent(Payment.objects.get(order=order).intent_id)
    assert intent["status"] == "succeeded"
    assert tab.js_errors == []


def test_a_mistyped_expiry_is_explained_and_nothing_is_sent(tab, shop):
    to_payment_page(tab, shop)
    type_card(tab, CARD_OK, "13/2034")
    tab.click("#pay-button")
    tab.wait_for_selector("#card-errors:has-text('MM/YY or MM/YYYY')")
    assert Payment.objects.get().status == "requires_payment_method"  # no card reached the intent
    type_card(tab, CARD_OK, "12/2034")
    tab.click("#pay-button")
    tab.wait_for_url("**" + reverse("checkout:thank-you"))
    assert Order.objects.count() == 1
    assert tab.js_errors == []


def test_3d_secure_in_the_browser(tab, shop):
    to_payment_page(tab, shop)
    type_card(tab, CARD_3DS)
    tab.click("#pay-button")
    tab.click("text=Complete authentication")  # the shim's 3-D Secure dialog
    tab.wait_for_url("**" + reverse("checkout:thank-you"))
    assert Order.objects.count() == 1
    assert tab.js_errors == []


def test_declined_card_then_another_card_in_the_browser(tab, shop):
    to_payment_page(tab, shop)
    type_card(tab, CARD_DECLINED)
    tab.click("#pay-button")
    tab.wait_for_selector("#card-errors:has-text('declined')")
    assert not Order.objects.exists()
    type_card(tab, CARD_OK)
    tab.click("#pay-button")
    tab.wait_for_url("**" + reverse("checkout:thank-you"))
    assert Order.objects.count() == 1
    assert tab.js_errors == []
