"""Stripe webhooks: verify, store once, answer fast; process in Celery after commit.

The endpoint does three things and returns: checks the signature (and its
timestamp, within STRIPE_WEBHOOK_TOLERANCE seconds), stores the event under a
unique constraint on Stripe's event id, and queues processing once the row
is committed. A second delivery of the same event hits the constraint and is
acknowledged without effect, however many arrive at once.

Handlers read the state in the event and only ever move the storefront
forward (payment statuses by rank, account flags by event time, disputes by
their own unique id), so events delivered out of order cannot undo a newer
state. An event for a payment the storefront has not recorded yet stays
pending and is processed again by reconciliation.
"""

import logging

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from . import gateway, services
from .models import Dispute, Payment, WebhookEvent

logger = logging.getLogger(__name__)


class Deferred(Exception):
    """The event refers to something not recorded yet; try again later."""


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = gateway.verify_webhook(request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""))
    except gateway.WebhookSignatureError as exc:
        logger.warning("Webhook refused: %s", exc)
        return JsonResponse({"error": f"Signature check failed: {exc}"}, status=400)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)

    handled = event["type"] in HANDLERS
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                stripe_created=int(event.get("created") or 0),
                payload=event,
                status=WebhookEvent.PENDING if handled else WebhookEvent.IGNORED,
                detail="" if handled else "event type not handled by the storefront",
                processed_at=None if handled else timezone.now(),
            )
    except IntegrityError:
        return JsonResponse({"received": True, "duplicate": True})
    if handled:
        event_pk = stored.pk
        transaction.on_commit(lambda: _queue(event_pk))
    return JsonResponse({"received": True, "status": stored.status})


def _queue(event_pk):
    from .tasks import process_webhook_event

    process_webhook_event.delay(event_pk)


def process_event(event_pk):
    """Apply one stored event, once. Returns the event's status afterwards."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.status != WebhookEvent.PENDING:
            return event.status
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        try:
            with transaction.atomic():
                detail = handler(event.payload["data"]["object"], event) if handler else "unhandled type"
        except Deferred as exc:
            event.detail = str(exc)
            event.save(update_fields=["attempts", "detail"])
            return event.status
        except Exception as exc:  # a bug or bad data: record it, do not lose the event
            logger.exception("Webhook event %s (%s) failed", event.event_id, event.type)
            event.status = WebhookEvent.FAILED
            event.detail = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            event.status = WebhookEvent.IGNORED if detail and detail.startswith("ignored") else WebhookEvent.PROCESSED
            event.detail = detail or ""
        event.processed_at = timezone.now()
        event.save(update_fields=["status", "detail", "attempts", "processed_at"])
        return event.status


def _payment_for(intent_id, metadata=None):
    payment = Payment.objects.select_for_update().filter(intent_id=intent_id).first() if intent_id else None
    if payment is None:
        if (metadata or {}).get("basket"):
            raise Deferred(f"payment {intent_id} is not recorded yet")
        return None
    return payment


def on_payment_intent(intent, event):
    payment = _payment_for(intent.get("id"), intent.get("metadata"))
    if payment is None:
        return "ignored: not a storefront payment"
    changed = []
    if payment.advance_status(intent.get("status", "")):
        changed.append("status")
    if event.type == "payment_intent.succeeded":
        received = gateway.amount_received_of(intent)
        if received > payment.amount_captured:
            payment.amount_captured = received
            changed.append("amount_captured")
        charge_id = gateway.charge_id_of(intent)
        if charge_id and not payment.charge_id:
            payment.charge_id = charge_id
            changed.append("charge_id")
    error = (intent.get("last_payment_error") or {}).get("message")
    if event.type == "payment_intent.payment_failed" and error and payment.status != "succeeded":
        payment.last_error = error[:255]
        changed.append("last_error")
    if changed:
        payment.save(update_fields=changed + ["updated_at"])
    return f"payment {payment.intent_id}: {payment.status}"


def on_charge_refunded(charge, event):
    payment = _payment_for(charge.get("payment_intent"))
    if payment is None:
        return "ignored: not a storefront payment"
    refunded = int(charge.get("amount_refunded") or 0)
    if refunded > payment.stripe_amount_refunded:
        payment.stripe_amount_refunded = refunded
        payment.save(update_fields=["stripe_amount_refunded", "updated_at"])
    if payment.stripe_amount_refunded > payment.amount_refunded:
        return f"refunded at Stripe beyond the storefront's refunds: {payment.stripe_amount_refunded} > {payment.amount_refunded}"
    return f"refunds agree: {payment.stripe_amount_refunded}"


def on_dispute_created(dispute, event):
    payment = _payment_for(dispute.get("payment_intent"))
    if payment is None:
        return "ignored: not a storefront payment"
    record, created = Dispute.objects.get_or_create(
        dispute_id=dispute["id"],
        defaults={
            "payment": payment,
            "amount": int(dispute.get("amount") or 0),
            "reason": dispute.get("reason") or "",
            "status": dispute.get("status") or "",
        },
    )
    if not created:
        return f"dispute {record.dispute_id} already recorded"
    payment.disputed = True
    payment.save(update_fields=["disputed", "updated_at"])
    if payment.order_id:
        get_model("order", "OrderNote").objects.create(
            order_id=payment.order_id,
            note_type="System",
            message=f"Dispute {record.dispute_id} opened by the buyer's bank: {record.reason or 'no reason given'}, "
            f"{record.amount} {payment.currency.upper()} (minor units).",
        )
    return f"dispute {record.dispute_id} recorded"


def on_account_updated(account, event):
    updated = services.apply_account_state(account, event_created=event.stripe_created)
    if updated is None:
        return "ignored: not a storefront seller account"
    return f"account {updated.account_id}: charges {updated.charges_enabled}, payouts {updated.payouts_enabled}"


HANDLERS = {
    "payment_intent.succeeded": on_payment_intent,
    "payment_intent.payment_failed": on_payment_intent,
    "payment_intent.canceled": on_payment_intent,
    "charge.refunded": on_charge_refunded,
    "charge.dispute.created": on_dispute_created,
    "account.updated": on_account_updated,
}
