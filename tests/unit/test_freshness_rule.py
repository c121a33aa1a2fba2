"""The freshness rule (storefront.commerce.freshness): what may be sold on a given day, and how it is described."""

from datetime import date, timedelta

import pytest

from storefront.commerce.freshness import (
    Freshness, assess, batch_from_attributes, dump_batches, load_batches, next_best_before,
)
from storefront.plugins.types import StockBatch

TODAY = date(2026, 12, 4)


def days(n):
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("harvested", "expected"),
    [(days(0), "Harvested today"), (days(-1), "Harvested yesterday"), (days(-2), "Harvested 2 days ago"),
     (days(-12), "Harvested 12 days ago"), (days(1), "Harvest date 5 Dec")],
)
def test_harvested_text(harvested, expected):
    assert Freshness(TODAY, harvested=harvested).harvested_text == expected


def test_the_text_joins_harvest_and_best_before():
    fresh = Freshness(TODAY, harvested=days(-2), best_before=days(5), sellable=4)
    assert fresh.text == "Harvested 2 days ago · Best before 9 Dec"
    assert Freshness(TODAY, best_before=days(0)).text == "Best before 4 Dec"
    assert Freshness(TODAY, harvested=days(-9), best_before=days(-1)).text == "Harvested 9 days ago · Best before 3 Dec"
    assert Freshness(TODAY).text == "" and not Freshness(TODAY).known


def test_a_whole_stock_batch_is_sold_up_to_and_including_its_best_before_day():
    batch = batch_from_attributes(days(-7), 7)
    assert batch == StockBatch(days(-7), days(0), None)
    on_the_day = assess([batch], 12, TODAY)
    assert (on_the_day.sellable, on_the_day.past_best_before) == (12, False)
    day_after = assess([batch], 12, days(1))
    assert (day_after.sellable, day_after.past_best_before) == (0, True)
    assert day_after.best_before_text == "Best before 4 Dec"
    # Nothing held: out of stock, not "past its best-before".
    assert assess([batch], 0, days(1)).past_best_before is False


def test_stock_without_a_harvest_date_is_sold_as_held():
    assert batch_from_attributes(None, 7) is None
    fresh = assess([], 5, TODAY)
    assert (fresh.sellable, fresh.past_best_before, fresh.known) == (5, False, False)
    # A harvest date without a shelf life is shown, and never expires.
    assert assess([batch_from_attributes("2026-11-01", None)], 5, TODAY).sellable == 5


def test_lots_sell_only_what_the_lots_within_their_best_before_hold():
    lots = [StockBatch(days(-9), days(-1), 3), StockBatch(days(-2), days(5), 10), StockBatch(days(-1), days(6), 4)]
    fresh = assess(lots, 20, TODAY)
    assert fresh.sellable == 14  # the expired lot's 3 packs are not sold
    assert (fresh.harvested, fresh.best_before) == (days(-2), days(5))  # the oldest lot still good is on sale
    assert assess(lots, 6, TODAY).sellable == 6  # never more than the stock record holds free
    assert assess(lots, 20, days(6)).sellable == 4
    expired = assess(lots, 20, days(7))
    assert (expired.sellable, expired.past_best_before, expired.best_before) == (0, True, days(6))


def test_lots_all_sold_are_out_of_stock_whatever_the_record_says():
    sold = [StockBatch(days(-1), days(6), 0)]
    fresh = assess(sold, 50, TODAY)  # 50 typed in beside the lots: not sold while lots track the stock
    assert (fresh.sellable, fresh.past_best_before) == (0, False)


def test_stock_not_tracked_has_no_limit_until_its_best_before():
    assert assess([StockBatch(days(-1), days(2), None)], None, TODAY).sellable is None
    assert assess([StockBatch(days(-5), days(-1), None)], None, TODAY).past_best_before is True


def test_next_best_before_is_the_next_day_what_is_sellable_changes():
    lots = [StockBatch(days(-9), days(-1), 3), StockBatch(days(-2), days(5), 0), StockBatch(days(-1), days(6), 4)]
    assert next_best_before(lots, TODAY) == days(6)  # past or empty lots do not count
    assert next_best_before([StockBatch(days(-3), days(0), None)], TODAY) == days(0)
    assert next_best_before([StockBatch(days(-3), days(-1), None)], TODAY) is None


def test_batches_round_trip_through_their_stored_form():
    lots = (StockBatch(days(-2), days(5), 10), StockBatch(None, None, None))
    stored = dump_batches(lots)
    assert stored == [["2026-12-02", "2026-12-09", 10], [None, None, None]]
    assert load_batches(stored) == lots
