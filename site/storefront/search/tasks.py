"""Celery tasks of the search app: index updates and saved-search alerts.

Index updates never run inside a request: receivers.py queues
update_products_index after the transaction that changed a product, its stock
or its grower commits. Every task is idempotent: indexing a product twice
leaves one document; an alert records when it was sent.
"""

import logging
import threading
from contextlib import contextmanager

from celery import shared_task
from django.db import transaction

from .backends.base import SearchUnavailable

logger = logging.getLogger(__name__)
TASK_CHUNK = 1000


@shared_task(bind=True, autoretry_for=(SearchUnavailable,), retry_backoff=True, max_retries=8)
def update_products_index(self, product_ids):
    """Re-index these products (removing any that are gone or no longer browsable)."""
    from .indexing import reindex_products

    updated, removed = reindex_products(product_ids)
    return {"updated": updated, "removed": removed}


_paused = threading.local()


@contextmanager
def index_updates_paused():
    """Queue no index updates in this block: for bulk loads that rebuild the index afterwards."""
    previous = getattr(_paused, "value", False)
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = previous


def queue_reindex(product_ids):
    """Queue a re-index of these products once the current transaction commits.

    The one entry point for "this product's searchable data changed": product
    and stock receivers use it, and so should plugins whose index fields change.
    """
    if getattr(_paused, "value", False):
        return
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    # one task per thousand products: small messages, and a retry redoes only its share
    for start in range(0, len(ids), TASK_CHUNK):
        chunk = ids[start : start + TASK_CHUNK]
        transaction.on_commit(lambda chunk=chunk: update_products_index.delay(chunk))


@shared_task
def send_saved_search_alerts():
    """Email each buyer the products that newly match their saved searches."""
    from .alerts import send_alerts

    return send_alerts()
