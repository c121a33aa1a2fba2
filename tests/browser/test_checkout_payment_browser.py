"""The payment page's own script in a real browser, against localstripe's Stripe.js shim.

The page is written for what Stripe.js and the shim share (Card Element,
createToken, confirmCardPayment); this proves the shim side end to end:
the buyer types a card, 3-D Secure is passed in the shim's dialog, a
declined card shows its message and the next card goes through. Needs the
system chromium and Playwright; skips with the reason otherwise.
"""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.payments import gateway
from storefront.payments.models import Payment
from tests.factories import PASSWORD, create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import CARD_3DS, CARD_DECLINED, CARD_OK, make_payable

Order = get_model("order", "Order")

pytestmark = [pytest.mark.browser]


@pytest.fixture
def tab(page):
    """The browser page of tests/browser/conftest.py (system chromium, screenshot kept)."""
    return page


@pytest.fixture
def shop(local_stripe, live_server, settings):
    # The page loads the shim from localstripe's port: allow it like js.stripe.com.
    policy = {key: list(value) for key, value in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}
    for directive in ("script-src", "connect-src", "frame-src"):
        policy[directive].append(local_stripe.url)
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": policy}
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
    tab.wait_for_selector("#card-element input[placeholder=number]")


def type_card(tab, number):
    for field, value in (("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"), ("postal_code", "M13HE")):
        tab.fill(f"#card-element input[placeholder={field}]", value)


def test_card_payment_in_the_browser(tab, shop):
    to_payment_page(tab, shop)
    type_card(tab, CARD_OK)
    tab.click("#pay-button")
    tab.wait_for_url("**" + reverse("checkout:thank-you"))
    order = Order.objects.get()
    assert order.number in tab.content()
    assert gateway.retrieve_payment_intent(Payment.objects.get(order=order).intent_id)["status"] == "succeeded"
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
