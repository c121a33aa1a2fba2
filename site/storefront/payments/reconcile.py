"""Reconciliation: find money that Stripe and the storefront disagree about, and repair it.

Run by the `reconcile_payments` command and the periodic task. It looks at
records older than STOREFRONT_RECONCILE_GRACE_SECONDS (younger ones may
belong to a checkout in flight) and:

* payments captured at Stripe with no order (the order's transaction rolled
  back after the capture): refunds them in full;
* payments authorised with no order (the buyer left, or placing failed):
  cancels them so the card hold is released;
* captured orders whose sellers' transfers are missing or failed: sends them;
* refunds left pending (Stripe unreachable): asks Stripe again, same key;
* webhook events left pending (their payment was not recorded yet): replays them;
* charges refunded at Stripe beyond the storefront's own refunds: reports them.

Every repair uses the same idempotency keys as the normal path, so running
reconciliation twice, or alongside the normal path, has one effect.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from oscar.core.loading import get_model

from . import gateway, services
from .models import Payment, Refund, Transfer, WebhookEvent

logger = logging.getLogger(__name__)


@dataclass
class Finding:
    kind: str
    subject: str
    action: str

    def __str__(self):
        return f"{self.kind}: {self.subject} -> {self.action}"


@dataclass
class Report:
    findings: list = field(default_factory=list)

    def add(self, kind, subject, action):
        finding = Finding(kind, subject, action)
        self.findings.append(finding)
        logger.info("reconcile %s", finding)
        return finding


def reconcile(*, dry_run=False, grace_seconds=None, now=None):
    grace = settings.STOREFRONT_RECONCILE_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = (now or timezone.now()) - timedelta(seconds=grace)
    report = Report()
    _orphan_payments(report, cutoff, dry_run)
    _missing_transfers(report, cutoff, dry_run)
    _pending_refunds(report, cutoff, dry_run)
    _pending_events(report, cutoff, dry_run)
    _outside_refunds(report)
    return report


def _orphan_payments(report, cutoff, dry_run):
    candidates = Payment.objects.filter(order__isnull=True, resolution="", created_at__lt=cutoff).exclude(
        status="canceled"
    )
    for payment in candidates.order_by("pk"):
        try:
            intent = gateway.retrieve_payment_intent(payment.intent_id)
        except gateway.GatewayError as exc:
            report.add("unreachable", payment.intent_id, f"not checked: {exc}")
            continue
        status = intent["status"]
        if status == "succeeded":
            received = gateway.amount_received_of(intent)
            if dry_run:
                report.add("captured without order", payment.intent_id, f"would refund {received}")
                continue
            try:
                gateway.create_refund(
                    intent_id=payment.intent_id,
                    amount=received,
                    idempotency_key=f"basket-{payment.basket_id}-attempt-{payment.attempt}-orphan-refund",
                    metadata={"reason": "captured without an order"},
                )
            except gateway.GatewayError as exc:
                report.add("captured without order", payment.intent_id, f"refund failed: {exc}")
                continue
            with transaction.atomic():
                payment = Payment.objects.select_for_update().get(pk=payment.pk)
                payment.advance_status("succeeded")
                payment.amount_captured = received
                payment.amount_refunded = received
                payment.resolution = "refunded in full: captured without an order"
                payment.save()
            report.add("captured without order", payment.intent_id, f"refunded {received}")
        elif status == "requires_capture":
            if dry_run:
                report.add("authorised without order", payment.intent_id, "would cancel")
                continue
            services.release_payment(payment, reason="reconciliation: no order")
            payment.refresh_from_db()
            if payment.status == "canceled":
                Payment.objects.filter(pk=payment.pk).update(resolution="released: authorised without an order")
                report.add("authorised without order", payment.intent_id, "canceled")
            else:
                report.add("authorised without order", payment.intent_id, "cancel failed; retried next run")
        elif not dry_run:
            services.sync_payment_from_intent(payment, intent)


def _missing_transfers(report, cutoff, dry_run):
    Order = get_model("order", "Order")
    captured = Order.objects.filter(stripe_payment__amount_captured__gt=0, date_placed__lt=cutoff)
    lacking = captured.annotate(
        transfers=Count("seller_transfers", distinct=True),
        unpaid=Count("seller_transfers", filter=~Q(seller_transfers__status=Transfer.PAID), distinct=True),
        sellers=Count("lines__partner", distinct=True),
    ).filter(Q(unpaid__gt=0) | Q(transfers__lt=F("sellers")))
    for order in lacking.order_by("pk"):
        if dry_run:
            report.add("transfers not sent", order.number, "would send")
            continue
        try:
            statuses = services.pay_sellers(order)
        except gateway.PaymentUnavailable as exc:
            report.add("transfers not sent", order.number, f"Stripe unreachable: {exc}")
            continue
        report.add("transfers not sent", order.number, ", ".join(f"partner {p}: {s}" for p, s in statuses.items()))


def _pending_refunds(report, cutoff, dry_run):
    for refund in Refund.objects.filter(status=Refund.PENDING, created_at__lt=cutoff).order_by("pk"):
        if dry_run:
            report.add("refund pending", refund.idempotency_key, "would ask Stripe again")
            continue
        try:
            done = services.execute_refund(refund.pk)
        except (gateway.PaymentUnavailable, services.RefundError) as exc:
            report.add("refund pending", refund.idempotency_key, f"still failing: {exc}")
            continue
        report.add("refund pending", refund.idempotency_key, done.status)


def _pending_events(report, cutoff, dry_run):
    from .webhooks import process_event

    # Events wait only for their payment's row, which is written within seconds.
    event_cutoff = min(cutoff, timezone.now() - timedelta(seconds=60))
    for event in WebhookEvent.objects.filter(status=WebhookEvent.PENDING, received_at__lt=event_cutoff).order_by("pk"):
        if dry_run:
            report.add("webhook pending", event.event_id, "would replay")
            continue
        report.add("webhook pending", event.event_id, process_event(event.pk))


def _outside_refunds(report):
    for payment in Payment.objects.filter(stripe_amount_refunded__gt=F("amount_refunded")).order_by("pk"):
        report.add(
            "refunded outside the storefront",
            payment.intent_id,
            f"Stripe says {payment.stripe_amount_refunded}, the storefront {payment.amount_refunded}: "
            "check the sellers' transfers by hand",
        )
