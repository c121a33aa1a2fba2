"""Background jobs of the commerce core. Each task is idempotent and safe to retry."""

import logging

from celery import shared_task
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from .analytics import COUNTED, count_key, pending_key

logger = logging.getLogger(__name__)

ORDER_PLACED = "ORDER_PLACED"


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_order_placed_email(self, order_id):
    """Email the buyer their order confirmation, once.

    The ORDER_PLACED communication event recorded on the order is the marker
    that the email went out; a retried or duplicated task sees it and stops.
    """
    Order = get_model("order", "Order")
    CommunicationEvent = get_model("order", "CommunicationEvent")
    CommunicationEventType = get_model("communication", "CommunicationEventType")
    OrderDispatcher = get_class("order.utils", "OrderDispatcher")

    order = Order.objects.select_related("user", "site").filter(pk=order_id).first()
    if order is None:
        logger.warning("Order %s no longer exists; no confirmation sent", order_id)
        return "missing"
    event_type, _ = CommunicationEventType.objects.get_or_create(
        code=ORDER_PLACED, defaults={"name": "Order placed", "category": CommunicationEventType.ORDER_RELATED}
    )
    if CommunicationEvent.objects.filter(order=order, event_type=event_type).exists():
        return "already-sent"
    context = {
        "user": order.user,
        "order": order,
        "lines": order.lines.select_related("partner"),
        # The site the order was placed on (main or white-label) signs the email;
        # Oscar's own "site" in the context is always the default one.
        "order_site": order.site or Site.objects.get_current(),
        "status_path": reverse("customer:order", kwargs={"order_number": order.number}) if order.user_id else "",
    }
    OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
    return "sent"


@shared_task
def flush_product_counts():
    """Move product view and basket addition counts from the cache into Oscar's ProductRecord.

    They are counted in the cache (see analytics.py) so neither a product page
    view nor an addition to a basket writes to the database; this task folds
    them in, in one transaction. Returns how many events it folded in.
    """
    return sum(_flush(event, field) for event, field in COUNTED.items())


def _flush(event, field):
    ProductRecord = get_model("analytics", "ProductRecord")
    product_ids = cache.get(pending_key(event)) or set()
    if not product_ids:
        return 0
    cache.delete(pending_key(event))
    flushed, pending = 0, set()
    with transaction.atomic():
        for product_id in sorted(product_ids):
            key = count_key(event, product_id)
            count = cache.get(key) or 0
            if not count:
                continue
            if cache.decr(key, count) > 0:
                # Counted while being flushed: that event saw a count above 1 and did not
                # put the product back in the set, so keep it there for the next flush.
                pending.add(product_id)
            updated = ProductRecord.objects.filter(product_id=product_id).update(**{field: F(field) + count})
            if not updated:
                ProductRecord.objects.create(product_id=product_id, **{field: count})
            flushed += count
    if pending:
        cache.set(pending_key(event), (cache.get(pending_key(event)) or set()) | pending, timeout=None)
    return flushed


@shared_task
def sweep_past_best_before():
    """Daily, just after midnight: stock gone past its best-before stops showing "In stock".

    Re-indexes the products whose stock expired since the last sweep and
    purges the page cache once (storefront.commerce.freshness.sweep); a
    second run the same day finds nothing. Returns the product ids.
    """
    from .freshness import sweep

    return sweep()
