"""The storefront's everyday journeys in a real browser, against the live test server.

A buyer registers, searches, narrows by a facet, buys from two growers and
pays through localstripe's Stripe.js shim, then finds the order in their
account; a marketer edits and publishes a landing page in the Wagtail admin;
a seller sets a product's stock to zero in Oscar's dashboard; the partner
host name shows its own theme. Each test builds only the data it needs with
factories (the partner site with its demo loader) and leaves a screenshot of
its last page in test-artifacts/browser/ (the `page` fixture).
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from haystack import connections
from oscar.core.loading import get_model

from storefront.cms.factories import create_home_page, create_landing_page
from storefront.search.indexing import rebuild
from storefront.search.testing import make_grower, make_produce
from tests.browser.conftest import allow_local_stripe
from tests.factories import PASSWORD, create_country, create_grower, create_listed_product, create_user
from tests.localstripe_server import CARD_OK, make_payable, type_card_in_browser

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")

pytestmark = [pytest.mark.browser]


def sign_in(page, base, email, password=PASSWORD):
    page.goto(base + reverse("customer:login"))
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def two_growers_catalogue(local_stripe, settings):
    """Basil from two organic growers in Yorkshire and London, and one grower's basil that is not organic."""
    allow_local_stripe(settings, local_stripe)
    connections["default"].get_backend().refresh_interval = 0
    create_country()
    leeds = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire", certifications="organic")
    london = make_grower("Thames Vertical Farm", city="London", region="London", certifications="organic")
    other = make_grower("Kentish Glasshouse", city="Canterbury", region="South East", certifications="")
    for grower in (leeds, london):
        make_payable(grower, local_stripe.connect)
    products = {
        "genovese": make_produce("Genovese Basil", leeds, price="4.50"),
        "thai": make_produce("Thai Basil", london, price="6.00"),
        "lemon": make_produce("Lemon Basil", other, price="3.00"),
    }
    rebuild()
    return products


def test_buyer_registers_searches_filters_buys_from_two_growers_and_sees_the_order(
        page, live_server, two_growers_catalogue):
    base = live_server.url
    page.goto(base + reverse("customer:register"))
    page.fill("#id_email", "new.buyer@example.com")
    page.fill("#id_password1", "a-long-buyer-password")
    page.fill("#id_password2", "a-long-buyer-password")
    page.locator("button[name=registration_submit]").click()
    page.wait_for_url(re.compile(r".*/shop/accounts/.*|.*/$"))

    page.goto(base + "/shop/search/?q=basil")
    assert page.locator(".search-products h3 a").count() == 3
    page.locator(".search-facets a", has_text="Organic").first.click()
    page.wait_for_url(re.compile(r".*selected_facets=.*"))
    titles = sorted(t.strip() for t in page.locator(".search-products h3 a").all_inner_texts())
    assert titles == ["Genovese Basil", "Thai Basil"]
    narrowed = page.url

    for title in titles:
        page.goto(narrowed)
        page.locator(".search-products h3 a", has_text=title).click()
        page.locator("#add_to_basket_form button[type=submit]").click()
        page.wait_for_load_state()

    page.goto(base + reverse("basket:summary"))
    assert "Genovese Basil" in page.content() and "Thai Basil" in page.content()
    page.goto(base + reverse("checkout:index"))
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Buyer")
    page.fill("#id_line1", "1 Canal Street")
    page.fill("#id_line4", "Manchester")
    page.fill("#id_postcode", "M1 3HE")
    page.locator("#new_shipping_address button[type=submit]").click()
    page.locator("form:has(input[name=method_code][value=farm-pickup]) button[type=submit]").click()
    page.wait_for_url("**" + reverse("checkout:payment-details"))
    type_card_in_browser(page, CARD_OK, "12/34")
    page.click("#pay-button")
    page.wait_for_url("**" + reverse("checkout:thank-you"))

    order = Order.objects.get()
    assert order.user.email == "new.buyer@example.com"
    assert {line.partner_name for line in order.lines.all()} == {"Aire Valley Greens", "Thames Vertical Farm"}
    page.goto(base + reverse("customer:order-list"))
    page.locator(f"a:has-text('{order.number}')").first.click()
    page.wait_for_url("**" + reverse("customer:order", kwargs={"order_number": order.number}))
    assert "Genovese Basil" in page.content() and "Thai Basil" in page.content()
    assert page.js_errors == []


def test_marketer_edits_and_publishes_a_landing_page(page, live_server):
    home = create_home_page(title="Home")
    landing = create_landing_page(home, title="For restaurants", slug="for-restaurants",
                                  intro="Herbs cut the morning you order.")
    marketer = create_user("marketer@example.com")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    base = live_server.url

    page.goto(base + reverse("wagtailadmin_login"))
    page.fill("#id_username", "marketer@example.com")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(base + reverse("wagtailadmin_home"))
    page.goto(base + reverse("wagtailadmin_pages:edit", args=[landing.pk]))
    page.fill("#id_intro", "Microgreens on your pass before service, every weekday.")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_selector(".messages .success, .w-message--success, [data-w-messages-target=container] .success")

    page.goto(base + landing.url_path.replace(home.url_path, "/", 1))
    assert "Microgreens on your pass before service" in page.content()
    assert "Herbs cut the morning you order." not in page.content()


def test_seller_sets_stock_to_zero_and_the_product_shows_out_of_stock(page, live_server):
    grower = create_grower("Green Vault Farms", seller_email="seller@greenvault.example")
    # Oscar's product form wants a product in at least one category.
    product = create_listed_product(grower, "Pea shoots", stock=12, category=Category.add_root(name="Microgreens"))
    base = live_server.url

    page.goto(base + product.get_absolute_url())
    assert page.locator("p.availability.instock").count() == 1

    sign_in(page, base, "seller@greenvault.example")
    page.goto(base + reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}))
    page.locator("a[href='#product_stock']").click()
    page.fill("#id_stockrecords-0-num_in_stock", "0")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(re.compile(re.escape(reverse("dashboard:catalogue-product-list")) + r"(\?.*)?$"))
    assert StockRecord.objects.get(product=product).num_in_stock == 0

    page.goto(base + product.get_absolute_url())
    assert page.locator("p.availability.outofstock").count() == 1
    assert page.locator("#add_to_basket_form button[type=submit]").count() == 0


def test_partner_host_shows_its_own_theme(page, live_server, plugin_host, tmp_path):
    from storefront.themes.demo import load_partner_site

    plugin_host.register_installed("site_catalogue")
    create_home_page(title="Home")
    load_partner_site(tmp_path, lambda message: None)
    port = live_server.url.rsplit(":", 1)[1]

    page.goto(f"http://localhost:{port}/")
    main_classes = page.locator("html").get_attribute("class")
    main_background = page.evaluate("() => getComputedStyle(document.querySelector('header') || document.body).backgroundColor")
    assert "theme-harvest" not in main_classes

    page.goto(f"http://partner.localhost:{port}/")
    assert "theme-harvest" in page.locator("html").get_attribute("class")
    assert "Fresh from the indoor farms" in page.content()
    partner_background = page.evaluate("() => getComputedStyle(document.querySelector('header') || document.body).backgroundColor")
    assert partner_background != main_background
    assert page.locator("link[href*='themes/harvest']").count() >= 1
