"""Fixtures for tests that talk to a local Stripe: localstripe and the Connect stand-in.

localstripe runs in a child process bound to 127.0.0.1 on a free port, with
its state in a temporary folder of its own, for the whole test session, and
is stopped at the end (storefront.payments.localserver does the work). Tests
that cannot start it are skipped with the reason.

tests/conftest.py registers this module as a pytest plugin, so every test can
ask for the fixtures (local_stripe, connect_standin) by name; the helpers
(make_payable, fill_basket, checkout_to_payment, confirm_card, type_card_in_browser) and the test
card numbers are imported as usual.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from storefront.payments import gateway
from storefront.payments.localserver import start
from tests.stripe_connect_standin import ConnectStandin

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"  # attaches fine, declined when charged
CARD_3DS = "4000002500003155"


@pytest.fixture(scope="session")
def localstripe_process(tmp_path_factory):
    try:
        server = start(state_dir=tmp_path_factory.mktemp("localstripe"))
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"localstripe could not be started: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def connect_standin_server():
    standin = ConnectStandin().start()
    yield standin
    standin.stop()


@pytest.fixture
def connect_standin(connect_standin_server):
    connect_standin_server.reset()
    return connect_standin_server


@pytest.fixture
def local_stripe(localstripe_process, connect_standin, settings):
    """Point the gateway at localstripe (payments) and the stand-in (Connect) for one test."""
    settings.STRIPE_API_BASE = localstripe_process.url
    settings.STRIPE_CONNECT_API_BASE = connect_standin.url
    settings.STRIPE_JS_URL = localstripe_process.js_url
    settings.STRIPE_LOCAL = True
    settings.STRIPE_NETWORK_RETRIES = 0
    return LocalStripe(localstripe_process, connect_standin)


class LocalStripe:
    """What a test does in the buyer's browser, against localstripe."""

    def __init__(self, process, connect):
        self.process = process
        self.connect = connect
        self.url = process.url

    def _post(self, path, data, *, as_json=False, secret=False):
        body = json.dumps(data).encode() if as_json else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.url + path, data=body)
        if secret:
            request.add_header("Authorization", "Bearer sk_test_localstripe")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            return json.load(exc)

    def card_token(self, number=CARD_OK, exp_month="12", exp_year="2034"):
        """What the payment page does in test mode (Stripe.js createToken(card) with real keys)."""
        token = self._post(
            "/v1/tokens",
            {"card[number]": number, "card[exp_month]": exp_month, "card[exp_year]": exp_year, "card[cvc]": "123",
             "key": "pk_test_localstripe"},
        )
        return token["id"]

    def authenticate(self, intent_id, client_secret, success=True):
        """What stripe.confirmCardPayment does for 3-D Secure when the buyer clicks through."""
        return self._post(
            f"/v1/payment_intents/{intent_id}/_authenticate?success={'true' if success else 'false'}",
            {"key": "pk_test_localstripe", "client_secret": client_secret},
            as_json=True,
        )

    def intent(self, intent_id):
        return gateway.retrieve_payment_intent(intent_id)


# Driving the checkout in WebTest, as a buyer would.

def make_payable(partner, connect, *, commission_percent=None):
    """Give a grower a connected account that can receive transfers (as after onboarding)."""
    from storefront.payments.models import SellerAccount

    account = connect.add_account()
    return SellerAccount.objects.create(
        partner=partner,
        account_id=account["id"],
        charges_enabled=True,
        payouts_enabled=True,
        details_submitted=True,
        commission_percent=commission_percent,
    )


def fill_basket(app, items):
    """items: [(product, quantity)], added through the product pages."""
    for product, quantity in items:
        form = app.get(product.get_absolute_url()).forms["add_to_basket_form"]
        form["quantity"] = quantity
        form.submit()


def checkout_to_payment(app, shipping_code="farm-pickup"):
    """From the basket to the payment page: shipping address, then a shipping method."""
    from django.urls import reverse

    page = app.get(reverse("checkout:index")).maybe_follow()
    if "new_shipping_address" in page.forms:
        form = page.forms["new_shipping_address"]
        form["first_name"] = "Ada"
        form["last_name"] = "Buyer"
        form["line1"] = "1 Canal Street"
        form["line4"] = "Manchester"
        form["postcode"] = "M1 3HE"
        page = form.submit().maybe_follow()
    method_forms = [f for f in page.forms.values() if "method_code" in f.fields]
    if method_forms:
        chosen = next((f for f in method_forms if f["method_code"].value == shipping_code), method_forms[0])
        page = chosen.submit().maybe_follow()
    return page


def confirm_card(app, page, stripe, number=CARD_OK, token=None):
    """What the payment page's script does: token, then payment-confirm. Returns (status code, JSON).

    Like the script, it swaps in the fresh intent a declined card leaves behind.
    `token` is a card token made beforehand (default: one for `number`).
    """
    from django.urls import reverse

    form = page.forms["payment-form"]
    response = app.post(
        reverse("checkout:payment-confirm"),
        {
            "token": token or stripe.card_token(number),
            "payment_intent": form["payment_intent"].value,
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value,
        },
        expect_errors=True,
    )
    if response.json.get("payment_intent"):
        form["payment_intent"] = response.json["payment_intent"]
    return response.status_code, response.json


def type_card_in_browser(page, number=CARD_OK, expiry="12/34", cvc="123"):
    """What a buyer types into the payment page's card fields in test mode (a Playwright page)."""
    page.wait_for_selector("#card-number")
    page.fill("#card-number", number)
    page.fill("#card-expiry", expiry)
    page.fill("#card-cvc", cvc)
