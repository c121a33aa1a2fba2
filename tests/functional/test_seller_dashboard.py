"""Sellers (growers) see only their own products, stock and orders in the
dashboard; another seller's are 403 or 404, on the list and on the detail."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from oscar.test import factories

from tests.factories import create_grower, create_listed_product, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sellers():
    mine = create_grower("Green Vault Farms", seller_email="me@greenvault.example")
    theirs = create_grower("Light Farm", seller_email="them@lightfarm.example")
    my_product = create_listed_product(mine, "Pea shoots")
    their_product = create_listed_product(theirs, "Sunflower shoots")
    buyer = create_user("buyer@example.com")
    my_order = factories.create_order(user=buyer, basket=basket_with(my_product))
    their_order = factories.create_order(user=buyer, basket=basket_with(their_product))
    return {"me": mine.seller, "my_product": my_product, "their_product": their_product,
            "my_order": my_order, "their_order": their_order}


def basket_with(product):
    basket = factories.create_basket(empty=True)
    basket.add_product(product, 1)
    return basket


def test_product_list_shows_only_the_sellers_own_products(django_app, two_sellers):
    page = django_app.get(reverse("dashboard:catalogue-product-list"), user=two_sellers["me"])
    assert "Pea shoots" in page.text
    assert "Sunflower shoots" not in page.text


def test_another_sellers_product_is_not_editable(django_app, two_sellers):
    url = reverse("dashboard:catalogue-product", kwargs={"pk": two_sellers["their_product"].pk})
    response = django_app.get(url, user=two_sellers["me"], expect_errors=True)
    assert response.status_code in (403, 404)
    own = reverse("dashboard:catalogue-product", kwargs={"pk": two_sellers["my_product"].pk})
    assert django_app.get(own, user=two_sellers["me"]).status_code == 200


def test_order_list_shows_only_the_sellers_own_orders(django_app, two_sellers):
    page = django_app.get(reverse("dashboard:order-list"), user=two_sellers["me"])
    assert str(two_sellers["my_order"].number) in page.text
    assert str(two_sellers["their_order"].number) not in page.text


def test_another_sellers_order_detail_is_refused(django_app, two_sellers):
    url = reverse("dashboard:order-detail", kwargs={"number": two_sellers["their_order"].number})
    response = django_app.get(url, user=two_sellers["me"], expect_errors=True)
    assert response.status_code in (403, 404)
    own = reverse("dashboard:order-detail", kwargs={"number": two_sellers["my_order"].number})
    assert django_app.get(own, user=two_sellers["me"]).status_code == 200


def test_staff_see_every_order(django_app, two_sellers):
    staff = create_user("staff@example.com", staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_order", content_type__app_label="order"))
    page = django_app.get(reverse("dashboard:order-list"), user=staff)
    assert str(two_sellers["my_order"].number) in page.text and str(two_sellers["their_order"].number) in page.text


@pytest.mark.parametrize("name", ["dashboard:users-index", "dashboard:partner-list", "dashboard:offer-list"])
def test_staff_only_sections_are_refused_to_sellers(django_app, two_sellers, name):
    response = django_app.get(reverse(name), user=two_sellers["me"], expect_errors=True)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response.location
