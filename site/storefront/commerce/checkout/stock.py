"""Stock checks at order placement, under row locks.

Oscar's OrderCreator allocates stock with an atomic F() update but never checks
that the stock is still free: two buyers of the last unit would both get an
order. Before the order is written, the basket's stock records are locked
(SELECT ... FOR UPDATE, in primary-key order so two checkouts of the same
products in any order cannot deadlock) and what is free is checked again. On
SQLite the lock is a no-op, but its IMMEDIATE transactions already serialise
writers. What is free is what may be sold today (storefront.commerce.freshness):
produce past its best-before is not, even in a basket filled before midnight.
"""

from collections import defaultdict

from django.utils import timezone
from oscar.core.loading import get_model

from storefront.commerce import freshness

StockRecord = get_model("partner", "StockRecord")


class OutOfStock(Exception):
    """Some lines of the basket cannot be supplied; `shortages` says which and how many are free."""

    def __init__(self, shortages, expired=()):
        self.shortages = shortages  # [(title, asked, free)]
        parts = [
            f"{title}: past its best-before" if title in expired
            else f"{title}: {free} left, {asked} asked" if free > 0 else f"{title}: sold out"
            for title, asked, free in shortages
        ]
        super().__init__(
            "Sorry, some items are no longer available (" + "; ".join(parts) + "). "
            "Nothing was charged and your basket is kept: change the quantities and check out again."
        )


def lock_and_check_stock(basket, today=None):
    """Lock the basket's stock records and raise OutOfStock if any line cannot be supplied.

    Must run inside the transaction that places the order: the locks are held
    until it commits, so the allocation that follows sees the same numbers.
    """
    asked = defaultdict(int)
    titles = {}
    for line in basket.all_lines():
        if line.stockrecord_id is None or not line.product.get_product_class().track_stock:
            continue
        asked[line.stockrecord_id] += line.quantity
        titles[line.stockrecord_id] = line.product.get_title()
    if not asked:
        return []
    today = today or timezone.localdate()
    records = list(StockRecord.objects.select_for_update().filter(pk__in=asked).order_by("pk"))
    found = {record.pk for record in records}
    shortages = [(titles[pk], asked[pk], 0) for pk in asked if pk not in found]
    expired = set()
    for record in records:
        fresh = freshness.of_stockrecord(record, today)
        free = min(record.net_stock_level, fresh.sellable if fresh.sellable is not None else record.net_stock_level)
        if free < asked[record.pk]:
            shortages.append((titles[record.pk], asked[record.pk], max(free, 0)))
            if fresh.past_best_before:
                expired.add(titles[record.pk])
    if shortages:
        raise OutOfStock(shortages, expired)
    return records
