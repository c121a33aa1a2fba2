"""Background jobs of the commerce core. Each task is idempotent and safe to retry."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from .analytics import VIEW_COUNT_KEYS

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

    order = Order.objects.select_related("user").filter(pk=order_id).first()
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
        "lines": order.lines.all(),
        "status_path": reverse("customer:order", kwargs={"order_number": order.number}) if order.user_id else "",
    }
    OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
    return "sent"


@shared_task
def flush_product_views():
    """Move product view counts from the cache into Oscar's ProductRecord.

    Views are counted in the cache (see analytics.py) so a product page view
    never writes to the database; this task folds them in, in one transaction.
    """
    ProductRecord = get_model("analytics", "ProductRecord")
    product_ids = cache.get(VIEW_COUNT_KEYS) or set()
    if not product_ids:
        return 0
    cache.delete(VIEW_COUNT_KEYS)
    flushed, pending = 0, set()
    with transaction.atomic():
        for product_id in sorted(product_ids):
            key = f"storefront:product-views:{product_id}"
            count = cache.get(key) or 0
            if not count:
                continue
            if cache.decr(key, count) > 0:
                # Viewed while being flushed: that view saw a count above 1 and did not
                # put the product back in the set, so keep it there for the next flush.
                pending.add(product_id)
            updated = ProductRecord.objects.filter(product_id=product_id).update(num_views=F("num_views") + count)
            if not updated:
                ProductRecord.objects.create(product_id=product_id, num_views=count)
            flushed += count
    if pending:
        cache.set(VIEW_COUNT_KEYS, (cache.get(VIEW_COUNT_KEYS) or set()) | pending, timeout=None)
    return flushed
