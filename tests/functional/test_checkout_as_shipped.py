"""A buyer finishes an order, as the demo ships: country, phone, card, confirmation, email, account.

Driven through the pages with WebTest (the card steps the page's script does
are done against localstripe, see tests/localstripe_server.py), on the main
site and on the white-label partner site:

* the address form ships to the United Kingdom and both shipping methods
  are offered for a UK address;
* UK phone numbers are accepted as people type them and stored as E.164, a
  nonsense one is an error on the phone field;
* the card expiry is read as MM/YY and MM/YYYY (by the payment page's own
  script, run with node) and both pay;
* every card the payment page lists behaves as it says, the declined one
  with a clear message and no order;
* the thank-you page, the account's order page and the email say "Paid by
  card ending 4242" and name each line's grower and town;
* the email's text part is plain text, and it is signed with the name of
  the site the order was placed on;
* checkout and account pages are in the site's layout and theme.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Site

from storefront.payments.models import Payment
from storefront.themes.models import ThemeSettings
from tests.factories import create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import CARD_3DS, CARD_OK, confirm_card, fill_basket, make_payable

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")

pytestmark = pytest.mark.django_db

PARTNER_HOST = "partner.localhost"
CHECKOUT_JS = Path(settings.BASE_DIR) / "site/storefront/payments/static/storefront_payments/checkout.js"
BASIL = "Sweet basil 'Genovese', 100 g"
LETTUCE = "Butterhead lettuce 'Rex', 1 head"


@pytest.fixture
def shop(local_stripe):
    create_country()
    main = Site.objects.get(is_default_site=True)
    main.site_name = "Grown Indoors"  # as the demo's page loader names it
    main.save()
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=main.root_page, site_name="Harvest Market")
    ThemeSettings.objects.create(site=partner, theme="harvest")
    railway = create_grower("Railway Arches Farm", region="London", city="London")
    thistle = create_grower("Thistle Light Farms", region="Scotland", city="Dundee")
    for grower in (railway, thistle):
        make_payable(grower, local_stripe.connect)
    return {
        "basil": create_listed_product(railway, BASIL, price="3.20"),
        "lettuce": create_listed_product(thistle, LETTUCE, price="1.40"),
        "stripe": local_stripe,
    }


@pytest.fixture
def buyer_app(django_app):
    django_app.set_user(create_user("buyer@example.com"))
    return django_app


def on_partner_site(app):
    app.extra_environ = {**app.extra_environ, "HTTP_HOST": PARTNER_HOST}
    return app


def submit_address(app, phone="0161 496 0000"):
    """The shipping address step with a UK address; returns the page it leads to."""
    page = app.get(reverse("checkout:index")).maybe_follow()
    form = page.forms["new_shipping_address"]
    form["first_name"] = "Ada"
    form["last_name"] = "Buyer"
    form["line1"] = "1 Canal Street"
    form["line4"] = "Manchester"
    form["postcode"] = "M1 3HE"
    form["phone_number"] = phone
    return form.submit().maybe_follow()


def to_payment(app, phone="0161 496 0000", method="chilled-delivery"):
    page = submit_address(app, phone)
    chosen = next(f for f in page.forms.values() if "method_code" in f.fields and f["method_code"].value == method)
    return chosen.submit().maybe_follow()


def place(page):
    return page.forms["payment-form"].submit().maybe_follow()


def text_of(element):
    return " ".join(element.get_text(" ").split())


def listed_test_cards(page):
    """{what the page says the card does: card number} from the payment page's test-card list."""
    cards = {}
    for item in page.html.select(".payment-form__test-cards li"):
        number = item.code.get_text().replace(" ", "")
        cards[text_of(item).split(item.code.get_text(), 1)[1].strip()] = number
    return cards


def card_fields_from_page_script(number, expiry, cvc="123"):
    """What the payment page's script (checkout.js, run with node) sends to /v1/tokens for what was typed."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed: the payment page's script cannot be run outside a browser")
    script = (
        f"const read = require({json.dumps(str(CHECKOUT_JS))}).readCard"
        f"({json.dumps(number)}, {json.dumps(expiry)}, {json.dumps(cvc)}, new Date(2026, 0, 15));"
        "process.stdout.write(JSON.stringify(read));"
    )
    result = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
    assert "error" not in result, result
    return result["card"]


# The country and the shipping methods

def test_the_checkout_ships_to_the_united_kingdom_with_both_shipping_methods(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    address_page = buyer_app.get(reverse("checkout:shipping-address"))
    # One shipping country: Oscar ships to it without asking (no empty Country select).
    assert "country" not in address_page.forms["new_shipping_address"].fields

    methods_page = submit_address(buyer_app)
    assert methods_page.request.path == reverse("checkout:shipping-method")
    offered = {f["method_code"].value for f in methods_page.forms.values() if "method_code" in f.fields}
    assert offered == {"chilled-delivery", "farm-pickup"}
    assert "Chilled delivery" in methods_page.text and "Farm pickup" in methods_page.text

    payment_page = next(
        f for f in methods_page.forms.values() if "method_code" in f.fields and f["method_code"].value == "farm-pickup"
    ).submit().maybe_follow()
    assert "United Kingdom" in text_of(payment_page.html.select_one("address"))


# Phone numbers

UK_FORMS = [
    ("0161 496 0000", "+441614960000"),
    ("01614960000", "+441614960000"),
    ("+44 161 496 0000", "+441614960000"),
    ("(0161) 496 0000", "+441614960000"),
    ("07700 900123", "+447700900123"),
]


@pytest.mark.parametrize("typed, stored", UK_FORMS)
def test_uk_phone_numbers_are_accepted_as_typed_and_stored_normalised(buyer_app, shop, typed, stored):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = submit_address(buyer_app, typed)
    assert page.request.path == reverse("checkout:shipping-method"), page.text[:2000]

    # The account's address book reads them the same way, and stores E.164.
    create_page = buyer_app.get(reverse("customer:address-create"))
    form = next(f for f in create_page.forms.values() if "phone_number" in f.fields)
    for field, value in (("first_name", "Ada"), ("last_name", "Buyer"), ("line1", "1 Canal Street"),
                         ("line4", "Manchester"), ("postcode", "M1 3HE"), ("phone_number", typed)):
        form[field] = value
    if "country" in form.fields:
        form["country"] = "GB"
    saved = form.submit()
    assert saved.status_code == 302, saved.text[:2000]
    address = UserAddress.objects.get(user__email="buyer@example.com")
    assert UserAddress.objects.filter(pk=address.pk, phone_number=stored).exists()
    assert address.phone_number.as_e164 == stored


@pytest.mark.parametrize("typed", ["12345", "0161 496", "call me after six", "+44 1"])
def test_a_nonsense_phone_number_is_an_error_on_the_phone_field(buyer_app, shop, typed):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = submit_address(buyer_app, typed)
    assert page.status_code == 200 and page.request.path == reverse("checkout:shipping-address")
    errors = page.context["form"].errors
    assert list(errors) == ["phone_number"]
    assert errors["phone_number"][0].startswith(f"Phone number: “{typed}” is not a valid phone number.")
    assert "0161 496 0000" in errors["phone_number"][0]  # says how to type one
    assert f"“{typed}” is not a valid phone number" in page.text  # shown on the page


# The card expiry, the listed test cards, and what the buyer is told

@pytest.mark.parametrize("expiry", ["12/30", "12/2030"])
def test_the_expiry_as_mm_yy_or_mm_yyyy_pays(buyer_app, shop, expiry, django_capture_on_commit_callbacks):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = to_payment(buyer_app)
    field = page.html.select_one("#card-expiry")
    assert field is not None and not field.has_attr("name")  # never posted to the shop
    assert "MM/YY or MM/YYYY" in text_of(page.html.select_one("label[for=card-expiry]"))
    assert page.html.select_one("#card-element")["data-token-url"] == shop["stripe"].url + "/v1/tokens"

    card = card_fields_from_page_script("4242 4242 4242 4242", expiry)
    assert (card["number"], card["exp_month"], card["exp_year"]) == (CARD_OK, "12", "2030")
    token = shop["stripe"].card_token(card["number"], card["exp_month"], card["exp_year"])
    status, body = confirm_card(buyer_app, page, shop["stripe"], token=token)
    assert (status, body["status"]) == (200, "requires_capture")
    with django_capture_on_commit_callbacks(execute=True):
        done = place(page)
    order = Order.objects.get()
    assert done.request.path == reverse("checkout:thank-you") and order.number in done.text


@pytest.mark.parametrize("label, status, outcome", [
    ("accepted", 200, "requires_capture"),
    ("declined", 402, None),
    ("asks for 3-D Secure", 200, "requires_action"),
])
def test_each_test_card_the_page_lists_does_what_it_says(buyer_app, shop, label, status, outcome):
    fill_basket(buyer_app, [(shop["lettuce"], 1)])
    page = to_payment(buyer_app)
    cards = listed_test_cards(page)
    assert set(cards) == {"accepted", "declined", "asks for 3-D Secure"}
    assert "4000000000000002" not in cards.values()  # localstripe authorises it: it must not be listed as declined

    answer_status, body = confirm_card(buyer_app, page, shop["stripe"], cards[label])
    assert answer_status == status
    if outcome:
        assert body["status"] == outcome
        return
    assert body["error"] == (
        "Your card was declined. Nothing was charged; please check the card details or try another card."
    )
    refused = place(page)
    assert "declined" in refused.text.lower() or "not been authorised" in refused.text
    assert not Order.objects.exists()
    assert Payment.objects.filter(status="canceled").count() == 1  # the declined attempt, its hold released


def test_the_confirmation_says_paid_by_card_ending_4242(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = to_payment(buyer_app)
    confirm_card(buyer_app, page, shop["stripe"], CARD_OK)
    done = place(page)
    payment = Payment.objects.get(order__isnull=False)
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    summary = text_of(done.html.select_one(".order-payment"))
    assert summary.startswith("Paid by card ending 4242") and "£9.70" in summary
    assert "Allocation of" not in done.text and payment.intent_id not in done.text


def test_the_3d_secure_card_still_pays_and_is_named_by_its_last_digits(buyer_app, shop):
    fill_basket(buyer_app, [(shop["basil"], 1)])
    page = to_payment(buyer_app)
    status, body = confirm_card(buyer_app, page, shop["stripe"], CARD_3DS)
    assert body["status"] == "requires_action"
    payment = Payment.objects.get()
    shop["stripe"].authenticate(payment.intent_id, body["client_secret"], success=True)
    done = place(page)
    assert done.request.path == reverse("checkout:thank-you")
    assert "Paid by card ending 3155" in text_of(done.html.select_one(".order-payment"))


# Lines name their grower; the email is plain in its text part and signed by the site

def place_two_growers_order(app, shop, django_capture_on_commit_callbacks):
    fill_basket(app, [(shop["basil"], 2), (shop["lettuce"], 1)])
    page = to_payment(app)
    confirm_card(app, page, shop["stripe"], CARD_OK)
    with django_capture_on_commit_callbacks(execute=True):
        done = place(page)
    return Order.objects.get(), done


def line_texts(page):
    return sorted(text_of(title) for title in page.html.select(".order-line__title"))


GROWN_BY = sorted([f"{BASIL} — Railway Arches Farm, London", f"{LETTUCE} — Thistle Light Farms, Dundee"])


def test_lines_name_the_grower_and_town_on_the_thank_you_and_account_pages(buyer_app, shop,
                                                                            django_capture_on_commit_callbacks):
    order, done = place_two_growers_order(buyer_app, shop, django_capture_on_commit_callbacks)
    assert line_texts(done) == GROWN_BY
    detail = buyer_app.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert line_texts(detail) == GROWN_BY
    assert text_of(detail.html.select_one(".order-payment")).startswith("Paid by card ending 4242")
    # The phone number typed at checkout was stored normalised on the order.
    assert Order.objects.filter(pk=order.pk, shipping_address__phone_number="+441614960000").exists()


def test_the_email_has_a_plain_text_part_and_an_html_part_signed_by_the_site(buyer_app, shop,
                                                                              django_capture_on_commit_callbacks):
    order, _ = place_two_growers_order(buyer_app, shop, django_capture_on_commit_callbacks)
    (email,) = [m for m in mail.outbox if order.number in m.subject]
    assert email.subject == f"Your Grown Indoors order {order.number}"
    text = email.body
    assert f" * {BASIL} — Railway Arches Farm, London" in text  # a real apostrophe: no HTML escaping
    assert f" * {LETTUCE} — Thistle Light Farms, Dundee" in text
    assert "&#x27;" not in text and "&amp;" not in text and "<" not in text
    assert "Paid by card ending 4242" in text
    assert text.rstrip().endswith("The Grown Indoors team")
    assert "example.com" not in text

    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert "Sweet basil &#x27;Genovese&#x27;, 100 g" in html  # escaped, as HTML should be
    assert "Railway Arches Farm, London" in html and "Paid by card ending 4242" in html
    assert "The Grown Indoors team" in html and "example.com" not in html


def test_an_order_on_the_partner_site_is_that_sites_and_its_email_is_signed_by_it(buyer_app, shop,
                                                                                   django_capture_on_commit_callbacks):
    on_partner_site(buyer_app)
    order, done = place_two_growers_order(buyer_app, shop, django_capture_on_commit_callbacks)
    assert (order.site.domain, order.site.name) == (PARTNER_HOST, "Harvest Market")
    assert "theme-harvest" in done.text and line_texts(done) == GROWN_BY
    (email,) = [m for m in mail.outbox if order.number in m.subject]
    assert email.subject == f"Your Harvest Market order {order.number}"
    assert email.body.rstrip().endswith("The Harvest Market team")
    assert "The Harvest Market team" in email.alternatives[0][0]
    assert "Grown Indoors" not in email.body


def test_each_wagtail_site_keeps_a_django_site_of_its_name(shop):
    from django.contrib.sites.models import Site as DjangoSite

    assert DjangoSite.objects.get(pk=settings.SITE_ID).name == "Grown Indoors"
    partner = Site.objects.get(hostname=PARTNER_HOST)
    partner.site_name = "Harvest Market North"
    partner.save()
    assert DjangoSite.objects.get(domain=PARTNER_HOST).name == "Harvest Market North"
    partner.port = 8080
    partner.save()  # a new address: a mirror of its own (orders placed before keep the old one)
    assert DjangoSite.objects.get(domain=f"{PARTNER_HOST}:8080").name == "Harvest Market North"
    assert DjangoSite.objects.get(pk=settings.SITE_ID).name == "Grown Indoors"


# The site's layout on checkout and account pages, on both sites

def assert_in_site_layout(page, theme):
    html = page.html
    assert html.select_one("header.site-header .site-brand .site-brand__mark") is not None, page.request.path
    assert html.select_one("nav.site-nav") is not None and html.select_one("footer.site-footer") is not None
    assert f"theme-{theme}" in html.select_one("html")["class"]
    assert html.select_one("header.header") is None  # Oscar's bare checkout header


@pytest.mark.parametrize("host, theme, brand", [("localhost", "grown", "Grown Indoors"),
                                                (PARTNER_HOST, "harvest", "Harvest Market")])
def test_checkout_and_account_pages_are_in_the_sites_layout(buyer_app, shop, host, theme, brand,
                                                            django_capture_on_commit_callbacks):
    buyer_app.extra_environ = {**buyer_app.extra_environ, "HTTP_HOST": host}
    fill_basket(buyer_app, [(shop["basil"], 1)])
    address_page = buyer_app.get(reverse("checkout:shipping-address"))
    assert_in_site_layout(address_page, theme)
    assert address_page.html.select_one(".checkout-steps [aria-current=step]").get_text(" ").split()[-2:] == [
        "Shipping", "address"]
    payment_page = to_payment(buyer_app)
    assert_in_site_layout(payment_page, theme)
    confirm_card(buyer_app, payment_page, shop["stripe"], CARD_OK)
    with django_capture_on_commit_callbacks(execute=True):
        done = place(payment_page)
    assert_in_site_layout(done, theme)
    assert brand in text_of(done.html.select_one(".site-brand"))
    order = Order.objects.get()

    for name, kwargs in (("customer:profile-view", {}), ("customer:order-list", {}),
                         ("customer:order", {"order_number": order.number}), ("customer:address-list", {})):
        page = buyer_app.get(reverse(name, kwargs=kwargs))
        assert_in_site_layout(page, theme)
        assert brand in text_of(page.html.select_one(".site-brand"))
        active = page.html.select_one(".account-profile .sidebar .nav-pills .nav-link.active")
        assert active is not None and active.get_text(strip=True), name  # the account menu
