"""Cached fragments of the product page (storefront.caching.fragments).

A visitor with a basket, a message or a viewing history is not served whole
pages from the page cache; the product itself and its category trail, the
same for every anonymous visitor, come from cached fragments instead.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_product

from storefront.caching.fragments import CSRF_PLACEHOLDER, fragment_key
from storefront.caching.keys import bump_generation
from tests.factories import create_grower, create_user
from tests.vibelux_standin import connect, crop_cycle, lettuce
from vibelux.ingest import ingest_batch

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.STOREFRONT_FRAGMENT_CACHE_SECONDS = 300  # the cache and the process's copies are emptied per test (conftest)


@pytest.fixture
def product():
    return create_product(title="Genovese Basil", price="4.50", num_in_stock=20)


def tables_read(captured):
    return [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in captured if " FROM " in q["sql"]]


def without_tokens(html):
    return TOKEN.sub("TOKEN", html)


def test_a_second_view_serves_the_product_from_fragments_without_loading_what_they_show(product):
    visitor = Client()
    first = visitor.get(product.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        second = visitor.get(product.get_absolute_url())  # with a viewing history now: no whole-page cache
    assert first.status_code == second.status_code == 200
    assert without_tokens(first.content.decode()) == without_tokens(second.content.decode())
    read = tables_read(captured)
    for table in ("catalogue_productimage", "catalogue_productattributevalue", "reviews_productreview",
                  "catalogue_productrecommendation"):
        assert table not in read
    # The category trail. (The header menu counts each category's products, which tests, with the
    # category cache off, do on every request: storefront.commerce.catalogue.shown.)
    assert not [q for q in captured if "catalogue_productcategory" in q["sql"] and "COUNT(" not in q["sql"]]
    assert read.count("catalogue_product") == 1 and read.count("partner_stockrecord") == 1


def test_every_visitor_gets_a_working_token_of_their_own_in_a_cached_fragment(product):
    Client().get(product.get_absolute_url())  # renders and stores the fragments
    buyer = Client(enforce_csrf_checks=True)
    page = buyer.get(product.get_absolute_url()).content.decode()
    assert CSRF_PLACEHOLDER not in page
    token = TOKEN.search(page).group(1)
    response = buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Basket.objects.filter(lines__product=product).exists()


def test_a_stock_change_shows_at_once_without_a_purge(product):
    visitor = Client()
    assert 'id="add_to_basket_form"' in visitor.get(product.get_absolute_url()).content.decode()
    StockRecord.objects.filter(product=product).update(num_in_stock=0)  # no signal, no purge
    page = visitor.get(product.get_absolute_url()).content.decode()
    assert 'id="add_to_basket_form"' not in page
    assert "Notify me" in page


def test_a_purge_refreshes_what_fragments_show(product):
    visitor = Client()
    visitor.get(product.get_absolute_url())
    Product.objects.filter(pk=product.pk).update(description="<p>Picked at dawn.</p>")  # keeps date_updated
    assert 'id="product_description"' not in visitor.get(product.get_absolute_url()).content.decode()
    bump_generation()  # what any purging save does
    assert 'id="product_description"' in visitor.get(product.get_absolute_url()).content.decode()


def test_signed_in_buyers_are_never_served_fragments(django_app, product):
    django_app.get(product.get_absolute_url())
    django_app.get(product.get_absolute_url())  # cached for anonymous visitors now
    staff = create_user("staff@example.com", staff=True)
    assert "Edit this product" in django_app.get(product.get_absolute_url(), user=staff).text
    django_app.reset()
    assert "Edit this product" not in django_app.get(product.get_absolute_url()).text


def test_keys_differ_by_host_site_theme_language_and_facts():
    class Named:
        def __init__(self, pk=None, name=None):
            self.pk, self.name = pk, name

    def key(host="localhost", site=1, theme="grown", facts=(1, "", ())):
        request = RequestFactory().get("/shop/", HTTP_HOST=host)
        request._page_cache_generation = 7
        request._wagtail_site, request.theme = Named(pk=site), Named(name=theme)
        return fragment_key(request, "product-content", facts)

    keys = {key(), key(host="partner.localhost"), key(site=2), key(theme="harvest"), key(facts=(1, "", ((1, "4.50", 0, 0),)))}
    assert len(keys) == 5
    assert key() == key()


def test_the_vibelux_panel_in_a_cached_fragment_signs_buyers_up(django_app):
    grower = create_grower("Thistle Light Farms", seller_email="seller@thistle.example")
    rex = lettuce(grower, "Rex", pack_size=1, stock=0)
    expected = timezone.localdate() + timedelta(days=10)
    ingest_batch(connect(grower), [("crop_cycle", crop_cycle(expected=expected.isoformat(), forecast_kg=42))])
    django_app.get(rex.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        page = django_app.get(rex.get_absolute_url())
    assert "vibelux_cropcycle" not in tables_read(captured)  # the panel came with the fragment
    assert "about 42 kg" in page.html.select_one(".vibelux-forecast").text
    form = page.forms["vibelux-signup"]
    form["email"] = "chef@example.com"
    assert "We will email chef@example.com" in form.submit().follow().text


def test_the_empty_mini_basket_is_shared_but_a_visitors_own_basket_is_not(product):
    def mini_basket(page):
        return page.split('class="basket-mini', 1)[1].split('class="btn-group"', 1)[0]

    visitor = Client()
    visitor.get(product.get_absolute_url())  # stores the empty mini-basket
    assert "0.00" in mini_basket(visitor.get(product.get_absolute_url()).content.decode())
    visitor.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    assert "9.00" in mini_basket(visitor.get(product.get_absolute_url()).content.decode())
    assert "0.00" in mini_basket(Client().get(product.get_absolute_url()).content.decode())
