"""The basket page and add to basket: Oscar's behaviour, with their lookups done once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.test.factories import create_offer
from oscar.core.loading import get_model

from tests.factories import create_grower, create_listed_product

pytestmark = pytest.mark.django_db

Condition = get_model("offer", "Condition")
Range = get_model("offer", "Range")


@pytest.fixture
def basil():
    return create_listed_product(create_grower("Green Vault Farms"), "Genovese basil", price="4.50")


def offer_for_every_product(name, count):
    """A site offer whose condition is `count` items from a range of every product."""
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    condition = Condition.objects.create(range=everything, type=Condition.COUNT, value=count)
    return create_offer(name=name, product_range=everything, condition=condition)


def add(client, product, quantity=1):
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})


def test_the_new_basket_total_shows_on_the_page_the_buyer_is_sent_to(basil):
    buyer = Client()
    response = add(buyer, basil, quantity=2)
    assert response.status_code == 302
    page = buyer.get(response.url).content.decode()
    assert "have been added to your basket" in page
    assert "Your basket total is now" in page and "9.00" in page
    again = buyer.get(reverse("basket:summary")).content.decode()
    assert "Your basket total is now" not in again  # shown once, as any message


def test_a_changed_quantity_shows_the_new_total_too(basil):
    buyer = Client()
    add(buyer, basil)
    page = buyer.get(reverse("basket:summary"))
    formset = page.context["formset"]
    data = {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000,
        "form-0-id": formset.forms[0].instance.pk, "form-0-quantity": 3,
    }
    response = buyer.post(reverse("basket:summary"), data)
    assert response.status_code == 302
    assert "Your basket total is now" in buyer.get(response.url).content.decode()


def test_the_basket_page_looks_offers_up_once_and_still_shows_what_to_spend_for_one(basil):
    offer_for_every_product("Three for less", 3)
    buyer = Client()
    add(buyer, basil)
    with CaptureQueriesContext(connection) as captured:
        page = buyer.get(reverse("basket:summary")).content.decode()
    offer_lookups = [q for q in captured if 'FROM "offer_conditionaloffer"' in q["sql"]]
    assert len(offer_lookups) == 1
    assert "Buy 2 more products from Everything" in page


def test_an_empty_basket_costs_no_query_on_a_page():
    visitor = Client()
    visitor.get(reverse("basket:summary"))
    with CaptureQueriesContext(connection) as captured:
        assert visitor.get(reverse("basket:summary")).status_code == 200
    assert not [q["sql"] for q in captured if 'FROM "basket_' in q["sql"] or 'FROM "offer_' in q["sql"]]


def test_a_products_options_still_reach_the_basket_line(basil):
    Option = get_model("catalogue", "Option")
    Line = get_model("basket", "Line")
    message = Option.objects.create(name="Gift message", code="gift-message", type=Option.TEXT, required=False)
    basil.product_class.options.add(message)
    buyer = Client()
    response = buyer.post(reverse("basket:add", kwargs={"pk": basil.pk}), {"quantity": 1, "gift-message": "Happy birthday"})
    assert response.status_code == 302
    line = Line.objects.get(product=basil)
    assert [(a.option.code, a.value) for a in line.attributes.all()] == [("gift-message", "Happy birthday")]


def test_adding_to_a_basket_with_lines_looks_offers_up_once_and_reports_an_offer_gained(basil):
    offer_for_every_product("Two for less", 2)
    buyer = Client()
    add(buyer, basil)
    buyer.get(reverse("basket:summary"))  # shows (and so clears) the first addition's messages
    with CaptureQueriesContext(connection) as captured:
        response = add(buyer, basil)
    assert len([q for q in captured if 'FROM "offer_conditionaloffer"' in q["sql"]]) == 1
    page = buyer.get(response.url).content.decode()
    assert "Your basket now qualifies for the" in page and "<strong>Two for less</strong> offer." in page
