"""Celery tasks: process a stored webhook event, pull a grower, find due pulls, tell buyers a forecast is listed.

Every task is idempotent: an event is processed once (its row is locked and
its status checked), a pull is one at a time per grower (pull.py), and a
buyer is emailed once per sign-up (``notified_at``).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from . import contract, ingest, pull
from .models import ForecastSignup, WebhookEvent

logger = logging.getLogger("vibelux.tasks")


def process_event(event_pk):
    """Apply a stored event once; returns its final status. Bad data marks it failed with the reason."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().select_related("connection__partner").get(pk=event_pk)
        if event.status != WebhookEvent.RECEIVED:
            return event.status
        outcome = ingest.Outcome()
        try:
            with transaction.atomic():
                with ingest.paused_indexing():
                    ingest.apply_event(event.connection, event.event_type, event.payload["data"], outcome)
                ingest.after_commit(outcome)
            event.status = WebhookEvent.PROCESSED
            event.outcome = outcome.summary()
        except (contract.ContractError, ingest.IngestError) as exc:
            event.status = WebhookEvent.FAILED
            event.outcome = str(exc)[:4000]
            logger.warning("VibeLux event %s could not be applied: %s", event.event_id, exc)
        event.processed_at = timezone.now()
        event.save(update_fields=["status", "outcome", "processed_at"])
        return event.status


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def process_webhook_event(self, event_pk):
    try:
        return process_event(event_pk)
    except WebhookEvent.DoesNotExist:
        return "missing"
    except Exception as exc:  # database trouble: the event stays "received", so a retry is safe
        raise self.retry(exc=exc)


@shared_task(acks_late=True)
def pull_vibelux_connection(connection_id):
    result = pull.pull_connection(connection_id)
    return {"status": result.status, "detail": result.detail, "pages": result.pages}


@shared_task
def pull_due_vibelux_connections():
    """Beat entry: queue a pull for each connection whose next pull is due."""
    queued = []
    for connection_id in pull.due_connections():
        pull_vibelux_connection.delay(connection_id)
        queued.append(connection_id)
    return queued


@shared_task(acks_late=True)
def notify_forecast_signups(product_id):
    """Email the buyers who asked to hear when this product is listed, once each."""
    from oscar.core.loading import get_model

    from .display import in_stock

    Product = get_model("catalogue", "Product")
    product = Product.objects.filter(pk=product_id, is_public=True).first()
    if product is None or product.pk not in in_stock([product]):  # stock within its best-before, as sold
        return 0
    sent = 0
    for signup in ForecastSignup.objects.filter(product=product, notified_at__isnull=True).order_by("pk"):
        with transaction.atomic():
            claimed = ForecastSignup.objects.filter(pk=signup.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            )
            if not claimed:
                continue
            send_mail(
                f"{product.get_title()} is now available",
                f"The harvest you were waiting for is listed: {product.get_title()}.\n\n"
                f"{getattr(settings, 'WAGTAILADMIN_BASE_URL', '')}{product.get_absolute_url()}\n",
                None,
                [signup.email],
            )
            sent += 1
    return sent
