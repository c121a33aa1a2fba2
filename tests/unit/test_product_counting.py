"""A product page view writes nothing to the database and an addition to a basket writes only the basket;
both are counted in the cache and folded into Oscar's ProductRecord by a task."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from storefront.commerce.tasks import flush_product_counts
from tests.factories import create_grower, create_listed_product, create_user

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")

pytestmark = pytest.mark.django_db


def test_viewing_a_product_does_not_write(client, django_assert_num_queries, django_capture_on_commit_callbacks):
    product = create_listed_product(create_grower("Green Vault Farms"), "Pea shoots")
    client.get(product.get_absolute_url())  # warm caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert not ProductRecord.objects.exists()


def test_flushing_moves_counts_into_product_records(client):
    grower = create_grower("Green Vault Farms")
    peas = create_listed_product(grower, "Pea shoots")
    radish = create_listed_product(grower, "Radish shoots")
    for _ in range(3):
        client.get(peas.get_absolute_url())
    client.get(radish.get_absolute_url())

    assert flush_product_counts() == 4
    assert ProductRecord.objects.get(product=peas).num_views == 3
    assert ProductRecord.objects.get(product=radish).num_views == 1

    # A second flush with no new views changes nothing; new views add up.
    assert flush_product_counts() == 0
    client.get(peas.get_absolute_url())
    assert flush_product_counts() == 1
    assert ProductRecord.objects.get(product=peas).num_views == 4


def test_a_view_during_a_flush_is_flushed_next_time(client, monkeypatch):
    from django.core.cache import cache

    from storefront.commerce import tasks

    peas = create_listed_product(create_grower("Green Vault Farms"), "Pea shoots")
    for _ in range(2):
        client.get(peas.get_absolute_url())

    class ViewLandsDuringFlush:
        """The cache, with another buyer's view between the flush's read and its decrement."""

        def __getattr__(self, name):
            return getattr(cache, name)

        def decr(self, key, delta=1):
            client.get(peas.get_absolute_url())
            return cache.decr(key, delta)

    monkeypatch.setattr(tasks, "cache", ViewLandsDuringFlush())
    assert flush_product_counts() == 2
    monkeypatch.setattr(tasks, "cache", cache)
    assert flush_product_counts() == 1
    assert ProductRecord.objects.get(product=peas).num_views == 3


def writes(captured):
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_adding_to_a_basket_writes_the_basket_and_counts_the_addition_in_the_cache(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peas = create_listed_product(create_grower("Green Vault Farms"), "Pea shoots")
    add = reverse("basket:add", kwargs={"pk": peas.pk})
    with CaptureQueriesContext(connection) as captured:
        assert client.post(add, {"quantity": 1}).status_code == 302
    assert not [sql for sql in writes(captured) if "analytics_" in sql]
    client.post(add, {"quantity": 2})

    assert flush_product_counts() == 2
    record = ProductRecord.objects.get(product=peas)
    assert (record.num_basket_additions, record.num_views) == (2, 0)


def test_a_signed_in_users_own_records_are_written_at_once(client):
    peas = create_listed_product(create_grower("Green Vault Farms"), "Pea shoots")
    buyer = create_user("buyer@example.com")
    client.force_login(buyer)
    client.get(peas.get_absolute_url())
    client.post(reverse("basket:add", kwargs={"pk": peas.pk}), {"quantity": 1})
    record = UserRecord.objects.get(user=buyer)
    assert (record.num_product_views, record.num_basket_additions) == (1, 1)
    assert UserProductView.objects.filter(user=buyer, product=peas).count() == 1
    assert not ProductRecord.objects.exists()  # the product's counts wait for the flush
    assert flush_product_counts() == 2
