"""How fresh a stock record's produce is, and how much of it may be sold today: the one rule.

Produce past its best-before is not sold. A stock record's stock is made of
batches (``storefront.plugins.types.StockBatch``): the lots a plugin tracks
(VibeLux harvests, through the ``storefront_stock_batches`` hook), or, for a
record no plugin answers, one batch that is the whole stock, harvested on the
product's ``harvest_date`` attribute and good until that date plus its
``shelf_life_days``. A batch is sellable up to and including its best-before
day. ``assess()`` turns a record's batches, its free stock and today's date
into a ``Freshness``: what may be sold, and the dates a buyer is shown.
The pricing strategy (availability), the search index (the availability
facet), the product card and page ("Harvested 2 days ago · Best before
9 Dec") and the daily sweep all go through ``assess()``; nothing else decides.

The batches are kept on the stock record (``StockRecord.batches``, with
``next_best_before``, the next date a batch with stock runs out), so pricing a
listing, a product page or a basket costs no query beyond the stock records
it loads anyway. ``refresh()`` rewrites them from their sources; it runs when
those change (a product saved with a new harvest date or shelf life, a stock
record created, a plugin's lots changed, the demo loaded) and in the daily
sweep, which also catches a write that went round these.

The sweep (``sweep()``, the beat task ``sweep_past_best_before``) finds the
stock whose ``next_best_before`` has passed, re-indexes those products and
purges the page cache once; it also rewrites every record's batches from
their sources, so a change that skipped ``refresh()`` is repaired within a
day. Run twice, the second run finds nothing to do.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import dateformat, timezone
from oscar.core.loading import get_model

from storefront.plugins.types import StockBatch

logger = logging.getLogger(__name__)

HARVEST_DATE, SHELF_LIFE = "harvest_date", "shelf_life_days"
CHUNK = 500  # stock records per query in refresh() and the sweep


# --- the rule -------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """What ``assess()`` found for one stock record on one day.

    ``sellable``: the units that may be sold today (None: stock is not
    tracked and nothing is past its best-before, so there is no limit).
    ``past_best_before``: there is stock, but all of it is past its
    best-before. ``harvested`` and ``best_before`` are the dates of the batch
    being sold (the oldest still good), or of the newest batch when none is.
    """

    today: date
    harvested: date | None = None
    best_before: date | None = None
    sellable: int | None = None
    past_best_before: bool = False

    @property
    def known(self):
        return self.harvested is not None or self.best_before is not None

    @property
    def days_since_harvest(self):
        return None if self.harvested is None else (self.today - self.harvested).days

    @property
    def days_left(self):
        """Days from today to the best-before day (0: today is the last day it is sold)."""
        return None if self.best_before is None else (self.best_before - self.today).days

    @property
    def harvested_text(self):
        days = self.days_since_harvest
        if days is None:
            return ""
        if days == 0:
            return "Harvested today"
        if days == 1:
            return "Harvested yesterday"
        if days > 1:
            return f"Harvested {days} days ago"
        return f"Harvest date {short_date(self.harvested)}"  # a date ahead of today: shown as given

    @property
    def best_before_text(self):
        # Past, the same words: the availability beside it says "Past its best-before", the template marks it.
        return f"Best before {short_date(self.best_before)}" if self.best_before is not None else ""

    @property
    def text(self):
        """"Harvested 2 days ago · Best before 9 Dec", or the part that is known."""
        return " · ".join(part for part in (self.harvested_text, self.best_before_text) if part)


def short_date(value):
    return dateformat.format(value, "j M")


def is_good(batch, today):
    """A batch is sold up to and including its best-before day."""
    return batch.best_before is None or batch.best_before >= today


def assess(batches, free_stock, today):
    """The Freshness of stock made of ``batches`` with ``free_stock`` units free (None: stock not tracked)."""
    if not batches:
        return Freshness(today, sellable=free_stock)
    whole = next((batch for batch in batches if batch.quantity is None), None)
    has_stock = free_stock is None or free_stock > 0
    if whole is not None:
        good = is_good(whole, today)
        sellable = free_stock if good else 0
        return Freshness(today, whole.harvested, whole.best_before, sellable, past_best_before=has_stock and not good)
    good = [batch for batch in batches if batch.quantity > 0 and is_good(batch, today)]
    in_batches = sum(batch.quantity for batch in good)
    sellable = in_batches if free_stock is None else max(0, min(free_stock, in_batches))
    shown = good[0] if good else max(batches, key=lambda batch: (batch.harvested or date.min, batch.best_before or date.min))
    left_over = any(batch.quantity > 0 for batch in batches)
    return Freshness(today, shown.harvested, shown.best_before, sellable,
                     past_best_before=has_stock and left_over and not good)


def free_stock(num_in_stock, num_allocated, tracked=True):
    if not tracked:
        return None
    return max(0, (num_in_stock or 0) - (num_allocated or 0))


def of_values(batches_json, num_in_stock, num_allocated, today, tracked=True):
    """``assess()`` from a stock record's stored columns (what a values() query or the search index reads)."""
    return assess(load_batches(batches_json), free_stock(num_in_stock, num_allocated, tracked), today)


def of_stockrecord(stockrecord, today, tracked=True):
    return of_values(stockrecord.batches, stockrecord.num_in_stock, stockrecord.num_allocated, today, tracked)


def next_best_before(batches, today):
    """The soonest best-before, today or later, of a batch with stock left: the next day what is sellable changes."""
    dates = [
        batch.best_before for batch in batches
        if batch.best_before is not None and batch.best_before >= today and (batch.quantity is None or batch.quantity > 0)
    ]
    return min(dates, default=None)


# --- stored form ----------------------------------------------------------------------


def _day(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def load_batches(stored):
    """StockBatch tuples from ``StockRecord.batches`` (a JSON list of [harvested, best_before, quantity])."""
    batches = []
    for item in stored or ():
        harvested, best_before, quantity = (list(item) + [None, None, None])[:3]
        batches.append(StockBatch(_day(harvested), _day(best_before), None if quantity is None else int(quantity)))
    return tuple(batches)


def dump_batches(batches):
    return [
        [batch.harvested.isoformat() if batch.harvested else None,
         batch.best_before.isoformat() if batch.best_before else None,
         batch.quantity]
        for batch in batches
    ]


def batch_from_attributes(harvest_date, shelf_life_days):
    """The one batch of a record judged by its product's attributes, or None without a harvest date."""
    harvest_date = _attribute_date(harvest_date)
    if harvest_date is None:
        return None
    try:
        days = int(shelf_life_days) if shelf_life_days not in (None, "") else None
    except (TypeError, ValueError):
        days = None
    best_before = harvest_date + timedelta(days=days) if days is not None and days >= 0 else None
    return StockBatch(harvest_date, best_before, None)


def _attribute_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


# --- keeping the stored batches current -----------------------------------------------


def _plugin_batches(stockrecord_ids):
    """``{stockrecord_id: (StockBatch, ...)}`` from every installed plugin (the first to answer a record wins)."""
    from storefront.plugins.host import get_host
    from storefront.plugins.scope import Scope

    found = {}
    if not stockrecord_ids:
        return found
    for result in get_host().call("storefront_stock_batches", scope=Scope(), stockrecord_ids=list(stockrecord_ids)):
        for pk, batches in result.items():
            found.setdefault(int(pk), tuple(sorted(batches, key=lambda b: (b.harvested or date.min, b.best_before or date.min))))
    return found


def _attribute_batches(product_ids):
    """``{product_id: StockBatch or None}`` from the harvest date and shelf life attributes, in one query."""
    AttributeValue = get_model("catalogue", "ProductAttributeValue")
    values = {}
    rows = AttributeValue.objects.filter(product_id__in=product_ids, attribute__code__in=(HARVEST_DATE, SHELF_LIFE))
    for product_id, code, as_date, as_integer, as_float, as_text in rows.values_list(
        "product_id", "attribute__code", "value_date", "value_integer", "value_float", "value_text"
    ):
        value = next((v for v in (as_date, as_integer, as_float, as_text) if v not in (None, "")), None)
        values.setdefault(product_id, {})[code] = value
    return {pk: batch_from_attributes(v.get(HARVEST_DATE), v.get(SHELF_LIFE)) for pk, v in values.items()}


def refresh(stockrecord_ids=None, product_ids=None, today=None):
    """Rewrite the batches of these stock records (or of these products' records) from their sources.

    Returns ``(changed, expired)``: the product ids whose records' batches
    changed, and those whose ``next_best_before`` had passed. A few queries
    per CHUNK records, whatever their number: the records, the attributes,
    the plugins' batches (one hook call), one bulk update. A plugin that
    fails in the hook is logged and skipped (the host's guarded call): its
    records are judged by their products' attributes until the next refresh.
    """
    if stockrecord_ids is None and product_ids is None:
        raise ValueError("refresh() needs stock record ids or product ids; sweep() does every record")
    StockRecord = get_model("partner", "StockRecord")
    today = today or timezone.localdate()
    field, ids = ("pk", stockrecord_ids) if stockrecord_ids is not None else ("product_id", product_ids)
    ids = sorted({int(pk) for pk in ids})
    changed, expired = set(), set()
    for start in range(0, len(ids), CHUNK):
        rows = StockRecord.objects.filter(**{f"{field}__in": ids[start:start + CHUNK]}).order_by("pk").values_list(
            "pk", "product_id", "product__parent_id", "batches", "next_best_before"
        )
        chunk_changed, chunk_expired = _refresh_rows(rows, today)
        changed |= chunk_changed
        expired |= chunk_expired
    return changed, expired


def _refresh_rows(rows, today):
    StockRecord = get_model("partner", "StockRecord")
    rows = list(rows)
    changed, expired = set(), set()
    if not rows:
        return changed, expired
    supplied = _plugin_batches([pk for pk, *_ in rows])
    from_attributes = _attribute_batches({pid for _, product_id, parent_id, *_ in rows for pid in (product_id, parent_id) if pid})
    updates = []
    for pk, product_id, parent_id, stored, stored_next in rows:
        if pk in supplied:
            batches = supplied[pk]
        else:
            batch = from_attributes.get(product_id) or from_attributes.get(parent_id)
            batches = (batch,) if batch is not None else ()
        owner = parent_id or product_id
        if stored_next is not None and stored_next < today:
            expired.add(owner)
        new, new_next = dump_batches(batches), next_best_before(batches, today)
        if new != (stored or []) or new_next != stored_next:
            if new != (stored or []):
                changed.add(owner)
            updates.append(StockRecord(pk=pk, batches=new, next_best_before=new_next))
    if updates:
        # bulk_update sends no signals: callers re-index and purge what they changed (sweep() does).
        StockRecord.objects.bulk_update(updates, ["batches", "next_best_before"], batch_size=CHUNK)
    return changed, expired


def sweep(today=None):
    """The daily pass: stock gone past its best-before since the last pass, and every record's batches rechecked.

    Re-indexes the products whose stock expired or whose batches were
    repaired, and purges the page cache once if there were any; returns
    ``{"expired": [product ids], "repaired": [product ids]}``. Idempotent:
    a second pass on the same day changes nothing and queues nothing.
    """
    from storefront.caching.purge import purge_pages
    from storefront.search.tasks import queue_reindex

    StockRecord = get_model("partner", "StockRecord")
    today = today or timezone.localdate()
    changed, expired = set(), set()
    last = 0
    with transaction.atomic():
        while True:
            rows = list(
                StockRecord.objects.filter(pk__gt=last).order_by("pk")
                .values_list("pk", "product_id", "product__parent_id", "batches", "next_best_before")[:CHUNK]
            )
            if not rows:
                break
            last = rows[-1][0]
            chunk_changed, chunk_expired = _refresh_rows(rows, today)
            changed |= chunk_changed
            expired |= chunk_expired
        touched = changed | expired
        if touched:
            queue_reindex(touched)
            purge_pages("stock went past its best-before" if expired else "stock batches repaired")
    if changed - expired:
        logger.warning("Freshness sweep repaired the stored batches of products %s", sorted(changed - expired))
    return {"expired": sorted(expired), "repaired": sorted(changed - expired)}


# --- receivers (connected in CommerceConfig.ready) ---------------------------------------


def _refresh_product(product_id):
    Product = get_model("catalogue", "Product")
    refresh(product_ids={product_id, *Product.objects.filter(parent_id=product_id).values_list("pk", flat=True)})


def _attribute_changed(sender, instance, raw=False, **kwargs):
    """One harvest date or shelf life value saved or deleted (``attribute.save_value``): the batches follow."""
    if raw:
        return
    attribute = getattr(instance, "attribute", None)
    if attribute is not None and attribute.code in (HARVEST_DATE, SHELF_LIFE):
        _refresh_product(instance.product_id)


def _product_saved(sender, instance, raw=False, **kwargs):
    """A product saved with a new harvest date or shelf life (the seller dashboard's form): the batches follow.

    Oscar writes a product's attributes in bulk (no signals) just after the
    product row, so after this signal: they are written here first, and the
    batches computed from them. Oscar's own write that follows stores the
    same values again. Attributes saved without saving the product
    (``product.attr.save()`` alone) reach the batches in the daily sweep.
    """
    container = instance.__dict__.get("attr")
    if raw or container is None or not (container._dirty & {HARVEST_DATE, SHELF_LIFE}):
        return
    container.save()
    _refresh_product(instance.pk)


def _stockrecord_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        changed, _ = refresh(stockrecord_ids=[instance.pk])
        if changed:  # the saved instance is priced next (a dashboard form, a test): give it what was stored
            instance.refresh_from_db(fields=["batches", "next_best_before"])


def connect_receivers():
    from django.db.models.signals import post_delete, post_save

    AttributeValue = get_model("catalogue", "ProductAttributeValue")
    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="freshness-product-saved")
    post_save.connect(_attribute_changed, sender=AttributeValue, dispatch_uid="freshness-attribute-saved")
    post_delete.connect(_attribute_changed, sender=AttributeValue, dispatch_uid="freshness-attribute-deleted")
    post_save.connect(_stockrecord_created, sender=StockRecord, dispatch_uid="freshness-stockrecord-created")
