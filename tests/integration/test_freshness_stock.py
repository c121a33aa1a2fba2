"""Freshness against the database: the strategy, VibeLux lots, the search index, the stored batches and the daily sweep.

Every test passes the day it judges by (``today=``) or builds its dates from
the local date, so none depends on when it runs.
"""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from storefront.caching.keys import current_generation
from storefront.commerce import freshness
from storefront.search.search_indexes import IN_STOCK, OUT_OF_STOCK, ProductIndex
from storefront.search.testing import make_grower, make_produce
from tests.factories import create_grower
from tests.vibelux_standin import connect, crop_cycle, harvest, lettuce
from vibelux.ingest import ingest_batch

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Default = get_class("partner.strategy", "Default")

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def produce(title, harvested, shelf_life, stock=10):
    grower = make_grower(f"{title} growers", city="Leeds")
    return make_produce(title, grower, num_in_stock=stock, harvest_date=harvested, shelf_life_days=shelf_life)


def loaded(product):
    """The product as pages load it: with its class and stock records."""
    return Product.objects.select_related("product_class").prefetch_related("stockrecords").get(pk=product.pk)


def test_the_strategy_sells_produce_up_to_its_best_before_day_and_not_after():
    basil = loaded(produce("Basil", days_ago(0), 4))  # best before: 4 days from today
    day = timezone.localdate()

    before = Default(today=day).fetch_for_product(basil).availability
    assert before.is_available_to_buy and before.num_available == 10
    assert before.freshness.text.startswith("Harvested today · Best before")

    last_day = Default(today=day + timedelta(days=4)).fetch_for_product(basil).availability
    assert last_day.is_purchase_permitted(10) == (True, "")  # the best-before day itself is sellable

    after = Default(today=day + timedelta(days=5)).fetch_for_product(basil).availability
    assert not after.is_available_to_buy
    assert str(after.message) == "Past its best-before"
    permitted, reason = after.is_purchase_permitted(1)
    assert not permitted and str(reason) == f"past its best-before date ({freshness.short_date(day + timedelta(days=4))})"


def test_a_product_without_a_harvest_date_is_sold_as_oscar_sells_it():
    grower = make_grower("Plain growers", city="Leeds")
    plain = loaded(make_produce("Plain basil", grower, num_in_stock=3))
    availability = Default(today=timezone.localdate() + timedelta(days=400)).fetch_for_product(plain).availability
    assert availability.is_available_to_buy and availability.num_available == 3
    assert not availability.freshness.known


def test_vibelux_lots_decide_when_a_product_has_them():
    grower = create_grower("Thistle Light Farms")
    rex = lettuce(grower, "Rex", stock=0, shelf_life=9)
    # The product's own harvest date says "fresh", but its stock is the lots'.
    from vibelux.listings import set_attribute

    set_attribute(rex, "harvest_date", timezone.localdate())
    connection = connect(grower)
    ingest_batch(connection, [
        ("crop_cycle", crop_cycle()),
        ("harvest", harvest("hv-old", lot="LOT-OLD", yield_kg=0.45, harvest_date=days_ago(12).isoformat())),  # 3, expired
        ("harvest", harvest("hv-new", lot="LOT-NEW", yield_kg=1.5, harvest_date=days_ago(2).isoformat())),  # 10 heads
    ])
    record = StockRecord.objects.get(product=rex)
    assert record.num_in_stock == 13 and record.next_best_before == days_ago(2) + timedelta(days=9)

    today = timezone.localdate()
    availability = Default(today=today).fetch_for_product(loaded(rex)).availability
    assert availability.num_available == 10  # the expired lot's 3 heads are not sold
    assert availability.freshness.harvested == days_ago(2)

    later = Default(today=days_ago(2) + timedelta(days=10)).fetch_for_product(loaded(rex)).availability
    assert not later.is_available_to_buy and str(later.message) == "Past its best-before"


def test_the_search_index_says_in_stock_only_of_stock_within_its_best_before():
    fresh = produce("Fresh basil", days_ago(1), 5)
    stale = produce("Stale basil", days_ago(6), 5)
    documents = {p.pk: p._search_document for p in ProductIndex().prepare_chunk([fresh, stale])}
    assert (documents[fresh.pk]["availability"], documents[fresh.pk]["num_in_stock"]) == (IN_STOCK, 10)
    assert (documents[stale.pk]["availability"], documents[stale.pk]["num_in_stock"]) == (OUT_OF_STOCK, 0)


def test_saving_a_harvest_date_or_shelf_life_rewrites_the_stock_records_batches():
    basil = produce("Basil", days_ago(1), 5)
    record = StockRecord.objects.get(product=basil)
    assert record.batches == [[days_ago(1).isoformat(), (days_ago(1) + timedelta(days=5)).isoformat(), None]]

    product = Product.objects.get(pk=basil.pk)
    product.attr.shelf_life_days = "2"
    product.save()  # as the seller dashboard's product form saves it
    record.refresh_from_db()
    assert record.batches[0][1] == (days_ago(1) + timedelta(days=2)).isoformat()
    assert record.next_best_before == days_ago(1) + timedelta(days=2)


@pytest.fixture
def recorded(monkeypatch, settings):
    """What a sweep queued: the products re-indexed and whether the page cache was purged."""
    settings.STOREFRONT_PAGE_CACHE = True
    queued = []
    monkeypatch.setattr("storefront.search.tasks.queue_reindex", lambda ids: queued.append(sorted(ids)))
    return queued


def test_the_sweep_reindexes_and_purges_exactly_the_products_that_expired(recorded, django_capture_on_commit_callbacks):
    expiring = produce("Basil", days_ago(4), 3)  # best before yesterday
    lasting = produce("Mint", days_ago(4), 8)
    undated = make_produce("Chives", make_grower("Chive growers", city="Leeds"))
    # Yesterday's state: the records were last written yesterday, when the basil was still good.
    freshness.refresh(product_ids=[expiring.pk, lasting.pk, undated.pk], today=days_ago(1))
    assert StockRecord.objects.get(product=expiring).next_best_before == days_ago(1)

    generation = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        result = freshness.sweep(today=timezone.localdate())
    assert result == {"expired": [expiring.pk], "repaired": []}
    assert recorded == [[expiring.pk]]
    assert current_generation() != generation  # the page cache was purged
    assert StockRecord.objects.get(product=expiring).next_best_before is None
    document = ProductIndex().prepare_chunk([Product.objects.get(pk=expiring.pk)])[0]._search_document
    assert document["availability"] == OUT_OF_STOCK

    generation = current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = freshness.sweep(today=timezone.localdate())
    assert again == {"expired": [], "repaired": []}
    assert recorded == [[expiring.pk]] and callbacks == [] and current_generation() == generation


def test_the_sweep_repairs_batches_a_bulk_write_skipped(recorded, django_capture_on_commit_callbacks):
    basil = produce("Basil", days_ago(1), 5)
    StockRecord.objects.filter(product=basil).update(batches=[], next_best_before=None)  # as a bulk import leaves it
    with django_capture_on_commit_callbacks(execute=True):
        result = freshness.sweep(today=timezone.localdate())
    assert result == {"expired": [], "repaired": [basil.pk]}
    assert StockRecord.objects.get(product=basil).batches[0][0] == days_ago(1).isoformat()


def test_the_periodic_task_is_in_the_beat_schedule_and_runs_the_sweep(settings):
    from storefront.commerce.tasks import sweep_past_best_before

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-past-best-before"]
    assert entry["task"] == "storefront.commerce.tasks.sweep_past_best_before"
    assert entry["schedule"].hour == {0}  # daily, just after midnight
    produce("Basil", days_ago(1), 5)
    assert sweep_past_best_before.delay().get() == {"expired": [], "repaired": []}


def test_card_and_fragment_keys_change_with_the_day(monkeypatch):
    from storefront.caching.fragments import fragment_key
    from storefront.search.cards import card_key
    from storefront.search.service import card_facts

    basil = produce("Basil", days_ago(1), 5)
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    facts = card_facts([basil.pk])[basil.pk]
    today = timezone.localdate()
    keys = {}
    for day in (today, today + timedelta(days=1)):
        monkeypatch.setattr(timezone, "localdate", lambda day=day: day)
        keys[day] = (card_key(request, facts), fragment_key(request, "product-content", (basil.pk,)))
    assert keys[today][0] != keys[today + timedelta(days=1)][0]
    assert keys[today][1] != keys[today + timedelta(days=1)][1]
