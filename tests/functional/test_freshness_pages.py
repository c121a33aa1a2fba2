"""Freshness on the pages a buyer meets: cards and product pages say how fresh produce is; past its best-before it is not sold.

The clock is controlled: dates are built from the local date, and a test that
lets time pass replaces ``django.utils.timezone.localdate`` with a later day.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from haystack import connections
from oscar.core.loading import get_model

from storefront.commerce.freshness import short_date
from storefront.search.indexing import rebuild
from storefront.search.testing import make_grower, make_produce
from tests.factories import create_user

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")


@pytest.fixture(autouse=True)
def fresh_index():
    connections["default"].get_backend().refresh_interval = 0


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def herbs():
    """Basil harvested yesterday (good for 4 more days) and mint past its best-before since yesterday."""
    grower = make_grower("Aire Valley Greens", city="Leeds")
    basil = make_produce("Genovese basil", grower, category="Herbs", harvest_date=days_ago(1), shelf_life_days=5)
    mint = make_produce("Garden mint", grower, category="Herbs", harvest_date=days_ago(6), shelf_life_days=5)
    rebuild()
    return basil, mint


def later(monkeypatch, days):
    """Let ``days`` pass: every later call to timezone.localdate() answers that day."""
    day = timezone.localdate() + timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *args: day)
    return day


def card_of(page, product):
    return next(card for card in page.html.select("article.product_pod") if product.get_title() in card.text)


def test_cards_and_the_product_page_say_how_fresh_the_produce_is(django_app, herbs):
    basil, mint = herbs
    best_before = short_date(days_ago(1) + timedelta(days=5))
    listing = django_app.get(Category.objects.get(name="Herbs").get_absolute_url())
    basil_card = card_of(listing, basil)
    assert basil_card.select_one(".freshness").text.strip() == f"Harvested yesterday · Best before {best_before}"
    assert "In stock" in basil_card.text and basil_card.select("form[action*='basket']")
    mint_card = card_of(listing, mint)
    assert mint_card.select_one(".freshness").text.strip() == \
        f"Harvested 6 days ago · Best before {short_date(days_ago(1))}"
    assert "text-danger" in mint_card.select_one(".freshness")["class"]
    assert "Past its best-before" in mint_card.select_one(".availability").text
    assert not mint_card.select("form[action*='basket']")

    page = django_app.get(basil.get_absolute_url())
    assert page.html.select_one(".product_main .freshness").text.strip() == \
        f"Harvested yesterday · Best before {best_before}"
    assert page.html.select_one("#add_to_basket_form") is not None

    stale = django_app.get(mint.get_absolute_url())
    assert "Past its best-before" in stale.html.select_one(".product_main .availability").text
    assert stale.html.select_one("#add_to_basket_form") is None


def test_the_in_stock_facet_leaves_out_produce_past_its_best_before(django_app, herbs):
    basil, mint = herbs
    herbs_url = Category.objects.get(name="Herbs").get_absolute_url()
    page = django_app.get(herbs_url, {"selected_facets": "availability:In stock"})
    assert [t.text.strip() for t in page.html.select("article.product_pod h3")] == [basil.get_title()]
    page = django_app.get(herbs_url, {"selected_facets": "availability:Out of stock"})
    assert [t.text.strip() for t in page.html.select("article.product_pod h3")] == [mint.get_title()]


def test_a_card_rendered_yesterday_is_not_served_today(django_app, herbs, monkeypatch, settings):
    settings.SEARCH_CARD_CACHE_SECONDS = 3600
    basil, _ = herbs
    url = Category.objects.get(name="Herbs").get_absolute_url()
    assert "Harvested yesterday" in card_of(django_app.get(url), basil).text
    later(monkeypatch, 1)
    assert "Harvested 2 days ago" in card_of(django_app.get(url), basil).text


def test_add_to_basket_refuses_produce_that_went_past_its_best_before(django_app, herbs, monkeypatch):
    basil, _ = herbs
    best_before = days_ago(1) + timedelta(days=5)
    page = django_app.get(basil.get_absolute_url())  # loaded while the basil is good...
    later(monkeypatch, 5)  # ...and submitted the day after its best-before
    response = page.forms["add_to_basket_form"].submit().maybe_follow()
    assert f"past its best-before date ({short_date(best_before)})" in response.text
    assert django_app.get(reverse("basket:summary")).context["basket"].num_lines == 0


def test_the_basket_and_checkout_refuse_a_line_that_went_past_its_best_before(herbs, monkeypatch):
    basil, _ = herbs
    buyer = Client()
    buyer.force_login(create_user("buyer@example.com"))
    buyer.post(reverse("basket:add", kwargs={"pk": basil.pk}), {"quantity": 2})
    assert buyer.get(reverse("basket:summary")).context["basket"].num_lines == 1

    later(monkeypatch, 5)
    basket = buyer.get(reverse("basket:summary")).content.decode()
    assert "&#x27;Genovese basil&#x27; is no longer available" in basket
    response = buyer.get(reverse("checkout:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("basket:summary")
    text = response.content.decode()
    assert "is no longer available to buy (past its best-before date" in text


def test_a_harvest_date_edited_in_the_seller_dashboard_decides_at_once(django_app):
    from tests.factories import create_grower

    grower = create_grower("Green Vault Farms", seller_email="seller@greenvault.example")
    basil = make_produce("Genovese basil", grower, category="Herbs", harvest_date=days_ago(1), shelf_life_days=5)
    page = django_app.get(reverse("dashboard:catalogue-product", kwargs={"pk": basil.pk}), user=grower.seller)
    form = page.forms["create_update_product_form"]
    form["attr_harvest_date"] = days_ago(9).isoformat()
    assert form.submit(user=grower.seller).status_code == 302

    product_page = django_app.get(basil.get_absolute_url())
    assert "Past its best-before" in product_page.html.select_one(".product_main .availability").text
    assert product_page.html.select_one("#add_to_basket_form") is None


def test_placing_an_order_refuses_stock_that_went_past_its_best_before_since_the_basket(herbs):
    """The last check, under the stock rows' locks, counts only what may be sold that day."""
    from oscar.apps.basket.models import Basket
    from oscar.apps.partner.strategy import Default

    from storefront.commerce.checkout.stock import OutOfStock, lock_and_check_stock

    basil, _ = herbs
    basket = Basket.objects.create()
    basket.strategy = Default()  # priced as the day the buyer filled it: still fresh
    basket.add_product(basil, 2)
    assert lock_and_check_stock(basket, today=days_ago(0))  # within its best-before: the rows, locked
    with pytest.raises(OutOfStock, match="Genovese basil: past its best-before"):
        lock_and_check_stock(basket, today=days_ago(-5))
