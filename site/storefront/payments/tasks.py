"""Celery tasks of the payments layer. Each is idempotent: running it twice has one effect."""

import logging

from celery import shared_task
from oscar.core.loading import get_model

from . import gateway

logger = logging.getLogger(__name__)


@shared_task
def process_webhook_event(event_pk):
    """Apply a stored Stripe event (the row lock and its status make a rerun a no-op)."""
    from .webhooks import process_event

    return process_event(event_pk)


@shared_task(bind=True, autoretry_for=(gateway.PaymentUnavailable,), retry_backoff=True, max_retries=8)
def pay_sellers(self, order_id):
    """Transfer each grower's share of a captured order (unique rows and idempotency keys: once)."""
    from .services import pay_sellers as pay

    Order = get_model("order", "Order")
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        logger.warning("Order %s is gone; no transfers", order_id)
        return {}
    return {str(partner): status for partner, status in pay(order).items()}


@shared_task
def reconcile_payments():
    """The periodic reconciliation (see reconcile.py); returns the findings as text lines."""
    from .reconcile import reconcile

    return [str(finding) for finding in reconcile().findings]
