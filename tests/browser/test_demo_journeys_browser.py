"""The buyer's journeys in a real browser, on the demo exactly as `manage.py load_demo` ships it.

No factory adds a country, a user, a grower's payment account or a setting:
the test database holds what `bash bin/demo` loads, and the buyer does what a
new buyer of the demo does, in chromium, against the live test server and
localstripe. Each step is timed; the times and the screenshots' names are
written to test-artifacts/browser/demo-journeys.json (and printed), and each
step leaves a screenshot test-artifacts/browser/demo-<journey>-<step>.png.

The factory-based browser tests beside this module keep testing the same
pages on data they build themselves.
"""

import io
import json
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from haystack import connections
from oscar.core.loading import get_model

from tests.browser.conftest import ARTIFACTS, allow_local_stripe
from tests.localstripe_server import CARD_3DS, CARD_DECLINED, CARD_OK, type_card_in_browser

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

pytestmark = [pytest.mark.browser]

DEMO_BUYER = ("buyer@example.com", "buyer-demo-pass")  # README's demo users
TIMES = {}


@pytest.fixture(scope="module", autouse=True)
def _write_times():
    yield
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "demo-journeys.json").write_text(json.dumps(TIMES, indent=2))
    for journey, steps in TIMES.items():
        print(f"\n{journey}: " + ", ".join(f"{s['step']} {s['seconds']:.2f} s" for s in steps))


class Journey:
    """Times each step of one journey and screenshots the page at its end."""

    def __init__(self, name, page):
        self.name, self.page = name, page
        TIMES[name] = []

    def step(self, step):
        journey = self

        class _Step:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, kind, value, traceback):
                seconds = time.perf_counter() - self.started
                shot = f"demo-{journey.name}-{step}.png"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                journey.page.screenshot(path=str(ARTIFACTS / shot))
                TIMES[journey.name].append({"step": step, "seconds": round(seconds, 3), "screenshot": shot,
                                            "ok": kind is None})
                return False

        return _Step()


@pytest.fixture
def demo(live_server, local_stripe, settings):
    """The demo content, loaded by the command bin/demo runs, into the live server's database."""
    # The payment page loads localstripe's Stripe.js shim from its own port (bin/demo allows it the same way).
    allow_local_stripe(settings, local_stripe)
    # bin/demo pays growers through localstripe, so it sells for growers without a Connect account
    # (settings/dev.py); the test settings' default is production's.
    settings.STOREFRONT_REQUIRE_PAYABLE_SELLERS = False
    connections["default"].get_backend().refresh_interval = 0
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


def sign_in(page, base, email, password):
    page.goto(base + reverse("customer:login"))
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()


def add_to_basket(page, base, product_url):
    page.goto(base + product_url)
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()


def fill_address(page, phone="0161 496 0000"):
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Buyer")
    page.fill("#id_line1", "1 Canal Street")
    page.fill("#id_line4", "Manchester")
    page.fill("#id_postcode", "M1 3HE")
    if page.locator("#id_country").count():  # Oscar shows no country field while the shop ships to one country
        page.select_option("#id_country", label="United Kingdom")
    page.fill("#id_phone_number", phone)
    page.locator("#new_shipping_address button[type=submit]").click()
    page.wait_for_load_state()


def to_payment(page, base, phone="0161 496 0000"):
    page.goto(base + reverse("checkout:index"))
    if page.locator("#new_shipping_address").count():
        fill_address(page, phone)
    else:  # a returning buyer ships to the address of their last order
        page.locator("form:has(button[type=submit]) button[type=submit]").first.click()
    page.locator("form:has(input[name=method_code]) button[type=submit]").first.click()
    page.wait_for_url("**" + reverse("checkout:payment-details"))


def pay(page, number, expiry):
    """Type the card as a buyer does on the test-mode payment page ("12/30" or "12/2030") and pay."""
    type_card_in_browser(page, number, expiry=expiry)
    page.click("#pay-button")


def product_urls_from_two_growers(page):
    """The first card's product and the first card of another grower, from the page's cards."""
    cards = page.locator(".product_pod")
    first_grower, urls = None, []
    for index in range(cards.count()):
        card = cards.nth(index)
        grower = card.locator(".product-card__grower a").inner_text().strip()
        if not card.locator("#add_to_basket_form, form[action*='basket']").count():
            continue
        if first_grower is None or (grower != first_grower and len(urls) == 1):
            urls.append(card.locator(".product-card__title a").get_attribute("href"))
            first_grower = first_grower or grower
        if len(urls) == 2:
            return urls
    raise AssertionError("no two growers' products on the page")


def test_new_buyer_searches_filters_buys_from_two_growers_and_pays(page, demo):
    base = demo
    journey = Journey("buyer", page)
    with journey.step("register"):
        page.goto(base + reverse("customer:register"))
        page.fill("#id_email", "first.buyer@example.com")
        page.fill("#id_password1", "a-long-buyer-password")
        page.fill("#id_password2", "a-long-buyer-password")
        page.locator("button[name=registration_submit]").click()
        page.wait_for_load_state()
        assert get_user_model().objects.filter(email="first.buyer@example.com").exists()

    with journey.step("search"):
        page.goto(base + "/")
        page.fill("header input[name=q], nav input[name=q]", "basil")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*q=basil.*"))
        assert page.locator(".search-products .product_pod").count() > 0

    with journey.step("facet"):
        before = int(re.search(r"Found (\d+)", page.inner_text(".search-count")).group(1))
        page.locator(".search-facets a", has_text="Organic").first.click()
        page.wait_for_url(re.compile(r".*selected_facets=.*"))
        after = int(re.search(r"Found (\d+)", page.inner_text(".search-count")).group(1))
        assert 0 < after < before

    with journey.step("location"):
        page.goto(base + "/shop/search/?q=basil&location=M1&radius=50")
        growers = set(page.locator(".search-products .product-card__grower a").all_inner_texts())
        assert "Ancoats Microgreens" in growers
        assert page.locator(".search-distance").count() > 0

    with journey.step("basket"):
        page.goto(base + "/shop/search/?q=basil")
        for url in product_urls_from_two_growers(page):
            add_to_basket(page, base, url)
        page.goto(base + reverse("basket:summary"))
        assert page.locator(".basket-grower").count() == 2
        assert page.locator(".basket-grower__subtotal").count() == 2

    with journey.step("address"):
        to_payment(page, base, phone="0161 496 0000")

    with journey.step("pay-mm-yy"):
        pay(page, CARD_OK, "12/30")
        page.wait_for_url("**" + reverse("checkout:thank-you"))
        assert "ending 4242" in page.content()
    order = Order.objects.get(user__email="first.buyer@example.com")
    assert len({line.partner_id for line in order.lines.all()}) == 2

    with journey.step("order-page"):
        page.goto(base + reverse("customer:order", kwargs={"order_number": order.number}))
        for line in order.lines.all():
            assert line.partner_name in page.content()

    with journey.step("pay-mm-yyyy"):
        page.goto(base + "/shop/search/?q=lettuce")
        add_to_basket(page, base, page.locator(".product_pod .product-card__title a").first.get_attribute("href"))
        to_payment(page, base, phone="+44 161 496 0000")
        pay(page, CARD_OK, "12/2030")
        page.wait_for_url("**" + reverse("checkout:thank-you"))
    assert Order.objects.filter(user__email="first.buyer@example.com").count() == 2
    assert page.js_errors == []


def test_demo_buyer_passes_3d_secure_and_a_declined_card_places_no_order(page, demo):
    base = demo
    journey = Journey("cards", page)
    sign_in(page, base, *DEMO_BUYER)
    product = Product.objects.filter(is_public=True, stockrecords__num_in_stock__gt=5).order_by("pk").first()

    with journey.step("declined"):
        add_to_basket(page, base, product.get_absolute_url())
        to_payment(page, base)
        pay(page, CARD_DECLINED, "12/30")
        page.wait_for_selector("#card-errors:has-text('declined')", timeout=20000)
        assert not Order.objects.filter(user__email=DEMO_BUYER[0]).exists()

    with journey.step("3d-secure"):
        page.goto(base + reverse("checkout:payment-details"))
        pay(page, CARD_3DS, "12/30")
        page.click("text=Complete authentication")  # localstripe's 3-D Secure dialog
        page.wait_for_url("**" + reverse("checkout:thank-you"), timeout=30000)
    assert Order.objects.filter(user__email=DEMO_BUYER[0]).count() == 1


def test_growers_directory_and_a_grower_page(page, demo):
    base = demo
    journey = Journey("growers", page)
    with journey.step("directory"):
        page.goto(base + reverse("growers:list"))
        assert page.locator(".grower-card").count() == 10
    with journey.step("filter-region"):
        page.select_option("#id_region", label="North West")
        page.locator(".growers-filter button[type=submit]").click()
        page.wait_for_url(re.compile(r".*region=North.*"))
        assert page.locator(".grower-card__name a").all_inner_texts() == ["Ancoats Microgreens"]
    with journey.step("grower-page"):
        page.locator(".grower-card__name a").first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().strip() == "Ancoats Microgreens"
        assert page.locator(".product_pod").count() > 0
        assert set(page.locator(".product-card__grower a").all_inner_texts()) == {"Ancoats Microgreens"}


def test_phone_width_listing_and_product_page(phone, demo):
    base = demo
    journey = Journey("phone", phone)
    screen = phone.viewport_size["height"]
    with journey.step("listing"):
        phone.goto(base + reverse("catalogue:index"))
        assert phone.locator(".sidebar-toggle").is_visible()
        assert not phone.locator("#sidebar-filters").is_visible()
        first = phone.locator(".product_pod").first.bounding_box()
        assert first["y"] < screen, f"the first product starts {first['y']:.0f} px down a {screen} px screen"
    with journey.step("filters-open"):
        phone.locator(".sidebar-toggle").click()
        phone.wait_for_selector("#sidebar-filters.show")
        assert phone.locator("#sidebar-filters").is_visible()
    with journey.step("product"):
        url = phone.locator(".product_pod .product-card__title a").first.get_attribute("href")
        phone.goto(base + url)
        button = phone.locator("#add_to_basket_form button[type=submit]").bounding_box()
        assert button["y"] + button["height"] <= screen, "Add to basket is below the first screen"
