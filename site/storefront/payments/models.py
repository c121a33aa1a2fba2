"""What the storefront knows about money at Stripe.

Amounts are integers in the currency's smallest unit (pence) everywhere in this
app; Oscar's Decimal prices are converted once, in ``split.to_minor_units``.
Unique constraints, not application checks, are what make retries safe: one
payment per basket attempt, one webhook row per Stripe event id, one transfer
per order and seller, one reversal per refund and transfer.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class SellerAccount(models.Model):
    """A grower's Stripe Express account and the platform's commission on their sales."""

    partner = models.OneToOneField("partner.Partner", on_delete=models.CASCADE, related_name="stripe_account")
    account_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    # Percent of the grower's lines the platform keeps; None: the platform default.
    commission_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Stripe's `created` of the last account.updated applied, so an older event
    # delivered late never overwrites a newer state.
    synced_event_created = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "seller Stripe account"

    def __str__(self):
        return f"{self.partner} ({self.account_id or 'not connected'})"

    @property
    def can_be_paid(self):
        return bool(self.account_id) and self.charges_enabled and self.payouts_enabled


class Payment(models.Model):
    """One Stripe PaymentIntent for one basket (a new attempt when the old intent is dead)."""

    # PaymentIntent statuses in the order they move forward; canceled and
    # succeeded are final. Webhooks only ever move a payment forward.
    STATUS_RANK = {
        "requires_payment_method": 0,
        "requires_confirmation": 1,
        "requires_action": 2,
        "processing": 3,
        "requires_capture": 4,
        "canceled": 5,
        "succeeded": 5,
    }
    STATUS_CHOICES = [(status, status.replace("_", " ")) for status in STATUS_RANK]

    basket = models.ForeignKey("basket.Basket", on_delete=models.PROTECT, related_name="stripe_payments")
    attempt = models.PositiveIntegerField(default=1)
    order = models.OneToOneField(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="stripe_payment"
    )
    intent_id = models.CharField(max_length=64, unique=True)
    client_secret = models.CharField(max_length=128)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, default="requires_payment_method")
    charge_id = models.CharField(max_length=64, blank=True)
    amount_captured = models.PositiveBigIntegerField(default=0)
    amount_refunded = models.PositiveBigIntegerField(default=0)
    # What Stripe last said was refunded (charge.refunded), to spot refunds made
    # outside the storefront.
    stripe_amount_refunded = models.PositiveBigIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    # The card that authorised the intent, as the buyer may be shown it
    # ("Paid by card ending 4242"): Stripe's brand code and last four digits.
    card_brand = models.CharField(max_length=32, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    disputed = models.BooleanField(default=False)
    # Set by reconciliation when it refunded or released a payment with no order.
    resolution = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["basket", "attempt"], name="payment_one_intent_per_basket_attempt"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount_captured")), name="payment_refund_within_capture"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.intent_id} ({self.status}, {self.amount} {self.currency})"

    @property
    def transfer_group(self):
        return f"basket-{self.basket_id}"

    @property
    def card_label(self):
        """The card as a buyer is shown it: card ending 4242 (or just card when it is not known)."""
        return f"card ending {self.card_last4}" if self.card_last4 else "card"

    @property
    def refundable(self):
        return self.amount_captured - self.amount_refunded

    def advance_status(self, status):
        """Move to `status` if it is further along; return whether it changed."""
        if status not in self.STATUS_RANK or status == self.status:
            return False
        if self.STATUS_RANK[status] <= self.STATUS_RANK.get(self.status, -1):
            return False
        self.status = status
        return True


class WebhookEvent(models.Model):
    """A Stripe event as received. The unique event id makes delivery idempotent."""

    PENDING, PROCESSED, IGNORED, FAILED = "pending", "processed", "ignored", "failed"
    STATUS_CHOICES = [(s, s) for s in (PENDING, PROCESSED, IGNORED, FAILED)]

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    stripe_created = models.BigIntegerField(default=0)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING)
    detail = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_id} {self.type} ({self.status})"


class Transfer(models.Model):
    """A grower's share of one order, sent to their connected account after capture."""

    PENDING, PAID, FAILED = "pending", "paid", "failed"
    STATUS_CHOICES = [(s, s) for s in (PENDING, PAID, FAILED)]

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="seller_transfers")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="stripe_transfers")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="transfers")
    gross = models.PositiveBigIntegerField(help_text="The grower's lines, in minor units")
    commission = models.PositiveBigIntegerField(help_text="What the platform keeps")
    amount = models.PositiveBigIntegerField(help_text="gross - commission: what is transferred")
    commission_basis_points = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    destination = models.CharField(max_length=64, blank=True)
    transfer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING)
    amount_reversed = models.PositiveBigIntegerField(default=0)
    commission_returned = models.PositiveBigIntegerField(default=0)
    refunded_gross = models.PositiveBigIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    # Part of the idempotency key. Stripe replays a refused request's error for
    # the same key, so a definite refusal moves to the next attempt; a network
    # failure does not (the transfer may have been made).
    attempt = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="transfer_one_per_order_and_seller"),
            models.CheckConstraint(condition=Q(amount=models.F("gross") - models.F("commission")), name="transfer_adds_up"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.order.number} -> {self.partner}: {self.amount} {self.currency} ({self.status})"

    @property
    def idempotency_key(self):
        return f"order-{self.order.number}-transfer-partner-{self.partner_id}"

    @property
    def net_amount(self):
        return self.amount - self.amount_reversed

    @property
    def net_commission(self):
        return self.commission - self.commission_returned


class Refund(models.Model):
    """Money given back to the buyer: the whole order or chosen lines."""

    PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
    STATUS_CHOICES = [(s, s) for s in (PENDING, SUCCEEDED, FAILED)]

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="stripe_refunds")
    sequence = models.PositiveIntegerField(help_text="1 for the order's first refund, then 2, ...")
    amount = models.PositiveBigIntegerField()
    # {order line id: quantity}; empty for "the rest of the order".
    lines = models.JSONField(default=dict, blank=True)
    includes_shipping = models.BooleanField(default=False)
    shipping = models.PositiveBigIntegerField(default=0, help_text="The part of the amount that is shipping")
    refund_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING)
    reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "sequence"], name="refund_sequence_per_order")]
        ordering = ["order", "sequence"]

    def __str__(self):
        return f"Refund {self.sequence} of order {self.order.number}: {self.amount} ({self.status})"

    @property
    def idempotency_key(self):
        return f"order-{self.order.number}-refund-{self.sequence}"


class TransferReversal(models.Model):
    """The part of a grower's transfer taken back for one refund."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="reversals")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="reversals")
    gross = models.PositiveBigIntegerField(help_text="The grower's refunded lines")
    amount = models.PositiveBigIntegerField(help_text="Reversed from the grower")
    commission_returned = models.PositiveBigIntegerField(help_text="Borne by the platform")
    reversal_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, default="pending")
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["refund", "transfer"], name="reversal_one_per_refund_and_transfer")]

    @property
    def idempotency_key(self):
        return f"{self.refund.idempotency_key}-reverse-partner-{self.transfer.partner_id}"


class Dispute(models.Model):
    """A chargeback opened by the buyer's bank (charge.dispute.created)."""

    dispute_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    amount = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
