"""The main pages at a phone's width (375 px): a screenshot of each, and nothing wider than the screen.

The demo content (catalogue, pages, blog, the partner site) is loaded once
through the demo loaders, because its real images, long titles and blocks are
what overflow when a page does; a buyer then walks to the basket and the
checkout address page and a seller opens the dashboard. Every page is
measured before any assertion, so one run names every page that overflows.
Screenshots go to test-artifacts/browser/phone-<page>.png.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from haystack import connections
from oscar.core.loading import get_model

from storefront.cms.models import BlogIndexPage, BlogPage, LandingPage
from storefront.demo.loaders.catalogue import load_catalogue
from storefront.demo.loaders.pages import load_pages
from storefront.payments.models import SellerAccount
from storefront.search.indexing import rebuild
from storefront.themes.demo import load_partner_site
from tests.browser.conftest import ARTIFACTS, horizontal_overflow
from tests.factories import PASSWORD, create_country, create_user

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

CONTENT = Path(settings.BASE_DIR) / "content"

pytestmark = [pytest.mark.browser]


@pytest.fixture
def demo(plugin_host):
    plugin_host.register_installed("site_catalogue", "energy_badges")
    connections["default"].get_backend().refresh_interval = 0
    quiet = lambda message: None  # noqa: E731
    load_catalogue(CONTENT, quiet)
    load_pages(CONTENT, quiet)
    load_partner_site(CONTENT, quiet)
    rebuild()
    create_country()
    create_user("phone.buyer@example.com")
    seller = create_user("phone.seller@example.com")
    seller.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    grower = Partner.objects.filter(stockrecords__isnull=False).distinct().first()
    grower.users.add(seller)
    # Checkout refuses a grower who cannot receive payments yet: this one has finished Stripe's onboarding.
    SellerAccount.objects.create(partner=grower, account_id="acct_phone_width", charges_enabled=True,
                                 payouts_enabled=True, details_submitted=True)
    product = Product.objects.filter(stockrecords__partner=grower, stockrecords__num_in_stock__gt=0).first()
    category = max(Category.objects.all(), key=lambda c: c.product_set.count())
    return {"product": product, "category": category}


def path_of(cms_page):
    """A CMS page's path, without the demo site's own host and port (the live server has its own)."""
    return cms_page.get_url_parts()[2]


def sign_in(page, base, email):
    page.goto(base + reverse("customer:login"))
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", PASSWORD)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()


def test_main_pages_fit_a_phone(phone, live_server, demo):
    base = live_server.url
    port = base.rsplit(":", 1)[1]
    overflow = {}

    def measure(name, url=None):
        if url is not None:
            response = phone.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
        phone.wait_for_load_state("load")
        # Lazy images load only near the viewport: scroll through so the full-page screenshot shows them.
        phone.evaluate("""async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 600) {
                window.scrollTo(0, y);
                await new Promise((done) => setTimeout(done, 30));
            }
            window.scrollTo(0, 0);
        }""")
        phone.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
        overflow[name] = horizontal_overflow(phone)

    measure("home", base + "/")
    measure("landing-page", base + path_of(LandingPage.objects.live().first()))
    measure("blog", base + path_of(BlogIndexPage.objects.live().first()))
    measure("blog-post", base + path_of(BlogPage.objects.live().first()))
    measure("category", base + demo["category"].get_absolute_url())
    measure("product", base + demo["product"].get_absolute_url())
    measure("search", base + "/shop/search/?q=basil")

    sign_in(phone, base, "phone.buyer@example.com")
    phone.goto(base + demo["product"].get_absolute_url())
    phone.locator("#add_to_basket_form button[type=submit]").click()
    phone.wait_for_load_state()
    measure("basket", base + reverse("basket:summary"))
    phone.goto(base + reverse("checkout:index"))
    phone.wait_for_selector("#new_shipping_address")
    measure("checkout-address")

    phone.context.clear_cookies()
    sign_in(phone, base, "phone.seller@example.com")
    measure("seller-dashboard", base + reverse("dashboard:index"))
    measure("seller-products", base + reverse("dashboard:catalogue-product-list"))

    measure("partner-home", f"http://partner.localhost:{port}/")

    wide = {name: pixels for name, pixels in overflow.items() if pixels > 0}
    assert not wide, f"wider than a 375 px screen (pixels of overflow): {wide}"
