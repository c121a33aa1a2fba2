"""A buyer registers, browses, searches, fills a basket and places an order."""

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import create_country, create_grower, create_listed_product
from tests.localstripe_server import confirm_card, make_payable

Order = get_model("order", "Order")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(local_stripe):
    create_country()
    grower = create_grower("Green Vault Farms")
    make_payable(grower, local_stripe.connect)  # growers who cannot be paid are not sold
    herbs = Category.add_root(name="Herbs", slug="herbs")
    basil = create_listed_product(grower, "Genovese basil", price="3.20", category=herbs)
    create_listed_product(grower, "Thai basil", price="3.60", category=herbs)
    # Index updates run after commit, which a test transaction never does: index now.
    from storefront.search.indexing import rebuild

    rebuild()
    return {"grower": grower, "category": herbs, "basil": basil}


def register(app, email="new.buyer@example.com", password="a-long-test-password"):
    page = app.get(reverse("customer:register"))
    form = page.forms["register_form"]
    form["email"] = email
    form["password1"] = password
    form["password2"] = password
    return form.submit().follow()


def test_buyer_registers_browses_searches_and_places_an_order(django_app, catalogue, local_stripe,
                                                            django_capture_on_commit_callbacks):
    register(django_app)
    assert "new.buyer@example.com" in django_app.get(reverse("customer:profile-view")).text

    listing = django_app.get(catalogue["category"].get_absolute_url())
    assert listing.status_code == 200 and "Herbs" in listing.text

    results = django_app.get(reverse("search:search"), {"q": "basil"})
    assert results.status_code == 200
    assert "Genovese basil" in results.text

    product_page = django_app.get(catalogue["basil"].get_absolute_url())
    product_page.forms["add_to_basket_form"].submit().follow()
    basket = django_app.get(reverse("basket:summary"))
    assert "Genovese basil" in basket.text

    page = django_app.get(reverse("checkout:index")).maybe_follow()
    form = page.forms["new_shipping_address"]
    form["first_name"] = "Ada"
    form["last_name"] = "Grower"
    form["line1"] = "1 Canal Street"
    form["line4"] = "Manchester"
    form["postcode"] = "M1 3HE"
    page = form.submit().maybe_follow()

    # Two shipping methods: the buyer chooses farm pickup.
    assert "Chilled delivery" in page.text and "Farm pickup" in page.text
    choice = next(f for f in page.forms.values() if "method_code" in f.fields and f["method_code"].value == "farm-pickup")
    page = choice.submit().maybe_follow()
    assert page.request.path == reverse("checkout:payment-details")
    confirm_card(django_app, page, local_stripe)  # what Stripe.js does with the card the buyer types
    with django_capture_on_commit_callbacks(execute=True):
        page = page.forms["payment-form"].submit().maybe_follow()

    order = Order.objects.get()
    assert order.user.email == "new.buyer@example.com"
    assert order.lines.get().product == catalogue["basil"]
    assert order.shipping_code == "farm-pickup"
    assert order.number in page.text
    # The confirmation email went out through the Celery task, once.
    confirmations = [m for m in mail.outbox if order.number in m.subject or order.number in m.body]
    assert len(confirmations) == 1
    assert confirmations[0].to == ["new.buyer@example.com"]


def test_category_listing_shows_its_products(django_app, catalogue):
    listing = django_app.get(catalogue["category"].get_absolute_url())
    assert "Genovese basil" in listing.text and "Thai basil" in listing.text
