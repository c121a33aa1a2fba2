"""The payment flows: the database side of each Stripe call, under row locks.

Lock order, everywhere: a Payment row, then stock records by primary key, then
vouchers (inside Oscar's OrderCreator), then Transfer rows by primary key.
Taking locks in one order is what keeps concurrent checkouts and refunds from
deadlocking.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from . import gateway
from .models import Payment, Refund, SellerAccount, Transfer, TransferReversal
from .split import (
    SaleLine,
    from_minor_units,
    percent_to_basis_points,
    refund_for_quantity,
    reversal_for_refund,
    split_charge,
    to_minor_units,
)

logger = logging.getLogger(__name__)

REUSABLE_STATUSES = {"requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"}


class RefundError(ValueError):
    """A refund request that cannot be honoured; the message says why."""


# The split

def default_basis_points():
    return percent_to_basis_points(Decimal(str(settings.STOREFRONT_PLATFORM_COMMISSION_PERCENT)))


def commission_basis_points(partner_ids):
    """{partner id: basis points} for growers with their own commission rate."""
    rates = SellerAccount.objects.filter(partner_id__in=partner_ids, commission_percent__isnull=False)
    return {account.partner_id: percent_to_basis_points(account.commission_percent) for account in rates}


def split_order(order, charge=None):
    """Who gets what of the order's charge: a Split of payees and the platform's part.

    The charge is the order total unless given (e.g. what was actually
    captured). Lines are counted at what the buyer paid for them, discounts
    included.
    """
    currency = order.currency
    charge = to_minor_units(order.total_incl_tax, currency) if charge is None else charge
    lines = [
        SaleLine(payee=line.partner_id, amount=to_minor_units(line.line_price_incl_tax, currency))
        for line in order.lines.all()
        if line.partner_id is not None
    ]
    partner_ids = {line.payee for line in lines}
    return split_charge(charge, lines, commission_basis_points(partner_ids), default_basis_points())


# Which growers can be paid

def unpayable_partners(partner_ids):
    """The partners among `partner_ids` whose Stripe account cannot receive transfers."""
    if not settings.STOREFRONT_REQUIRE_PAYABLE_SELLERS:
        return []
    Partner = get_model("partner", "Partner")
    payable = {
        account.partner_id
        for account in SellerAccount.objects.filter(partner_id__in=partner_ids)
        if account.can_be_paid
    }
    return list(Partner.objects.filter(pk__in=set(partner_ids) - payable).order_by("name"))


def unpayable_basket_lines(basket):
    """Basket lines whose grower cannot be paid, with the grower: [(line, partner)]."""
    lines = [line for line in basket.all_lines() if line.stockrecord_id]
    blocked = {partner.pk: partner for partner in unpayable_partners({line.stockrecord.partner_id for line in lines})}
    return [(line, blocked[line.stockrecord.partner_id]) for line in lines if line.stockrecord.partner_id in blocked]


# PaymentIntents

def payment_for_basket(basket, amount, currency):
    """The basket's live Payment for `amount`, creating the Stripe intent if needed.

    The intent is reused while it can still be paid and the amount is the same;
    when the basket changed or the intent died (canceled, expired) a new
    attempt is made. The idempotency key names the basket, the attempt and
    the amount, so two tabs (or a retried request) get the same intent.
    """
    latest = Payment.objects.filter(basket=basket).order_by("-attempt").first()
    if latest and latest.order_id is None and latest.status in REUSABLE_STATUSES:
        if latest.amount == amount and latest.currency == currency.lower():
            return latest
        release_payment(latest, reason="the basket changed")
    attempt = latest.attempt + 1 if latest else 1
    key = f"basket-{basket.pk}-attempt-{attempt}-{amount}-{currency.lower()}"
    intent = gateway.create_payment_intent(
        amount=amount,
        currency=currency,
        idempotency_key=key,
        metadata={"basket": str(basket.pk), "attempt": str(attempt)},
        transfer_group=f"basket-{basket.pk}",
    )
    try:
        with transaction.atomic():
            return Payment.objects.create(
                basket=basket,
                attempt=attempt,
                intent_id=intent["id"],
                client_secret=intent["client_secret"],
                amount=amount,
                currency=currency.lower(),
                status=intent["status"],
            )
    except IntegrityError:
        # Another request made the same attempt first (same key: same intent).
        return Payment.objects.get(basket=basket, attempt=attempt)


def release_payment(payment, reason):
    """Cancel an uncaptured intent at Stripe so the buyer's card hold is released."""
    try:
        intent = gateway.cancel_payment_intent(payment.intent_id)
    except gateway.PaymentUnavailable:
        # Reconciliation cancels it later; the hold lapses at Stripe anyway.
        logger.warning("Could not cancel %s (%s); reconciliation will retry", payment.intent_id, reason)
        return False
    except gateway.GatewayError as exc:
        # Already canceled or captured at Stripe: take Stripe's word for the state.
        logger.info("Cancel of %s refused (%s): %s", payment.intent_id, reason, exc)
        try:
            intent = gateway.retrieve_payment_intent(payment.intent_id)
        except gateway.GatewayError:
            return False
    sync_payment_from_intent(payment, intent)
    return True


def sync_payment_from_intent(payment, intent):
    """Copy an intent's status (forward only) and error onto the Payment row."""
    fields = []
    if payment.advance_status(intent["status"]):
        fields.append("status")
    error = (intent.get("last_payment_error") or {}).get("message") or ""
    if error and error != payment.last_error:
        payment.last_error = error[:255]
        fields.append("last_error")
    charge_id = gateway.charge_id_of(intent)
    if charge_id and charge_id != payment.charge_id:
        payment.charge_id = charge_id
        fields.append("charge_id")
    if fields:
        payment.save(update_fields=fields + ["updated_at"])
    return payment


def authorise_with_token(payment, token_id):
    """Confirm the payment with the card token from the page; returns the intent status.

    Raises gateway.CardDeclined / PaymentUnavailable / GatewayError. A declined
    attempt is retired (canceled) and the error carries `next_payment`, a fresh
    intent for the same basket and amount that the page retries with: a clean
    intent per card tried behaves the same on Stripe and on localstripe (which
    cannot confirm an intent again after a decline).
    """
    try:
        intent, card = gateway.confirm_with_token(payment.intent_id, token_id)
    except gateway.CardDeclined as exc:
        payment.last_error = exc.user_message[:255]
        payment.save(update_fields=["last_error", "updated_at"])
        release_payment(payment, reason="card declined")
        exc.next_payment = payment_for_basket(payment.basket, payment.amount, payment.currency)
        raise
    # What the buyer is shown later ("Paid by card ending 4242"), never the number.
    if (payment.card_brand, payment.card_last4) != (card["brand"], card["last4"]):
        payment.card_brand, payment.card_last4 = card["brand"], card["last4"]
        payment.save(update_fields=["card_brand", "card_last4", "updated_at"])
    sync_payment_from_intent(payment, intent)
    return intent["status"]


def record_capture(payment, intent, order):
    """Link the captured intent to its order (inside the order's transaction)."""
    payment.order = order
    payment.amount_captured = gateway.amount_received_of(intent)
    payment.advance_status(intent["status"])
    payment.charge_id = gateway.charge_id_of(intent) or payment.charge_id
    payment.last_error = ""
    payment.save()


# Transfers to sellers

def plan_transfers(order):
    """Create the order's Transfer rows from its split (once: the rows are unique per seller)."""
    payment = Payment.objects.get(order=order)
    split = split_order(order, charge=payment.amount_captured)
    accounts = {a.partner_id: a for a in SellerAccount.objects.filter(partner_id__in=[p.id for p in split.payees])}
    for payee in split.payees:
        account = accounts.get(payee.id)
        Transfer.objects.get_or_create(
            order=order,
            partner_id=payee.id,
            defaults={
                "payment": payment,
                "gross": payee.gross,
                "commission": payee.commission,
                "amount": payee.amount,
                "commission_basis_points": payee.basis_points,
                "currency": order.currency.lower(),
                "destination": account.account_id if account and account.account_id else "",
            },
        )
    return split


def send_transfer(transfer_id):
    """Send one planned transfer to Stripe; safe to call again (returns the status)."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().select_related("order", "payment").get(pk=transfer_id)
        if transfer.status == Transfer.PAID:
            return transfer.status
        amount = transfer.amount - transfer.amount_reversed  # refunds before payout are netted
        if amount == 0:
            transfer.status = Transfer.PAID
            transfer.last_error = "nothing left to transfer after refunds"
            transfer.save(update_fields=["status", "last_error", "updated_at"])
            return transfer.status
        if not transfer.destination:
            account = SellerAccount.objects.filter(partner_id=transfer.partner_id).first()
            transfer.destination = account.account_id if account and account.account_id else ""
        if not transfer.destination:
            transfer.status = Transfer.FAILED
            transfer.last_error = "the grower has no connected Stripe account"
            transfer.save(update_fields=["status", "last_error", "destination", "updated_at"])
            return transfer.status
        try:
            result = gateway.create_transfer(
                amount=amount,
                currency=transfer.currency,
                destination=transfer.destination,
                transfer_group=transfer.payment.transfer_group,
                source_transaction=transfer.payment.charge_id,
                idempotency_key=f"{transfer.idempotency_key}-{amount}-try-{transfer.attempt}",
                metadata={"order": transfer.order.number, "partner": str(transfer.partner_id)},
            )
        except gateway.PaymentUnavailable as exc:
            transfer.status = Transfer.FAILED
            transfer.last_error = str(exc)[:255]
            transfer.save(update_fields=["status", "last_error", "destination", "updated_at"])
            raise
        except gateway.GatewayError as exc:
            transfer.status = Transfer.FAILED
            transfer.last_error = str(exc)[:255]
            transfer.attempt += 1
            transfer.save(update_fields=["status", "last_error", "destination", "attempt", "updated_at"])
            return transfer.status
        transfer.transfer_id = result["id"]
        transfer.status = Transfer.PAID
        transfer.last_error = ""
        transfer.save(update_fields=["transfer_id", "status", "last_error", "destination", "updated_at"])
        return transfer.status


def pay_sellers(order):
    """Plan and send every seller's transfer for a captured order; {partner id: status}."""
    plan_transfers(order)
    return {
        transfer.partner_id: send_transfer(transfer.pk)
        for transfer in Transfer.objects.filter(order=order).order_by("pk")
    }


# Refunds

@dataclass
class RefundPlan:
    amount: int
    lines: dict  # {line id: quantity}
    line_amounts: dict  # {line id: minor units}
    shipping: int


def refunded_quantities(order):
    """{line id: units refunded so far} over the order's refunds that did not fail."""
    done = {}
    for refund in Refund.objects.filter(order=order).exclude(status=Refund.FAILED):
        for line_id, quantity in refund.lines.items():
            done[int(line_id)] = done.get(int(line_id), 0) + int(quantity)
    return done


def plan_refund(order, payment, lines=None, include_shipping=False):
    """Work out a refund: `lines` {line id: quantity}, or None for everything left."""
    currency = order.currency
    order_lines = {line.pk: line for line in order.lines.all()}
    done = refunded_quantities(order)
    if lines is None:
        lines = {pk: line.quantity - done.get(pk, 0) for pk, line in order_lines.items()}
        lines = {pk: quantity for pk, quantity in lines.items() if quantity > 0}
        include_shipping = True
    amounts = {}
    for line_id, quantity in lines.items():
        line = order_lines.get(int(line_id))
        if line is None:
            raise RefundError(f"Line {line_id} is not a line of order {order.number}")
        if not isinstance(quantity, int) or quantity <= 0:
            raise RefundError(f"Line {line_id}: the quantity to refund must be a whole number above 0, not {quantity!r}")
        left = line.quantity - done.get(line.pk, 0)
        if quantity > left:
            raise RefundError(f"Line {line_id} ({line.title}): {quantity} asked, only {left} left to refund")
        amounts[line.pk] = refund_for_quantity(
            to_minor_units(line.line_price_incl_tax, currency), line.quantity, done.get(line.pk, 0), quantity
        )
    shipping = 0
    if include_shipping:
        lines_total = sum(to_minor_units(line.line_price_incl_tax, currency) for line in order_lines.values())
        earlier = Refund.objects.filter(order=order).exclude(status=Refund.FAILED)
        shipping_refunded = sum(earlier.values_list("shipping", flat=True))
        shipping = max(payment.amount_captured - lines_total - shipping_refunded, 0)
    return RefundPlan(sum(amounts.values()) + shipping, {pk: int(q) for pk, q in lines.items()}, amounts, shipping)


def refund_order(order, *, lines=None, include_shipping=False, user=None, reason=""):
    """Refund the whole order (lines=None) or chosen lines {line id: quantity}.

    The refund is reserved under the payment's row lock, so two refunds at once
    can never add up to more than was captured; then Stripe is asked, with a key
    naming the order and the refund's number, so a retry cannot refund twice;
    then each affected grower's transfer is reversed by their share, the
    commission going back in proportion. Returns the Refund.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order=order).first()
        if payment is None or payment.amount_captured == 0:
            raise RefundError(f"Order {order.number} has no captured card payment to refund")
        plan = plan_refund(order, payment, lines, include_shipping)
        if plan.amount <= 0:
            raise RefundError(f"Nothing is left to refund on order {order.number}")
        if plan.amount > payment.refundable:
            raise RefundError(
                f"A refund of {from_minor_units(plan.amount, order.currency)} is more than the "
                f"{from_minor_units(payment.refundable, order.currency)} left of the payment"
            )
        sequence = Refund.objects.filter(order=order).count() + 1
        refund = Refund.objects.create(
            payment=payment,
            order=order,
            sequence=sequence,
            amount=plan.amount,
            lines={str(pk): quantity for pk, quantity in plan.lines.items()},
            includes_shipping=plan.shipping > 0,
            shipping=plan.shipping,
            reason=reason[:255],
            created_by=user if user is not None and user.is_authenticated else None,
        )
        payment.amount_refunded += plan.amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        _plan_reversals(order, refund, plan)
    return execute_refund(refund.pk)


def _plan_reversals(order, refund, plan):
    gross_by_partner = {}
    for line in order.lines.filter(pk__in=plan.line_amounts):
        gross_by_partner[line.partner_id] = gross_by_partner.get(line.partner_id, 0) + plan.line_amounts[line.pk]
    transfers = Transfer.objects.select_for_update().filter(order=order, partner_id__in=gross_by_partner).order_by("pk")
    for transfer in transfers:
        gross = gross_by_partner[transfer.partner_id]
        if gross == 0:
            continue
        amount, commission_returned = reversal_for_refund(
            transfer.gross, transfer.commission, transfer.refunded_gross, gross
        )
        TransferReversal.objects.create(
            refund=refund, transfer=transfer, gross=gross, amount=amount, commission_returned=commission_returned
        )
        transfer.refunded_gross += gross
        transfer.amount_reversed += amount
        transfer.commission_returned += commission_returned
        transfer.save(update_fields=["refunded_gross", "amount_reversed", "commission_returned", "updated_at"])


def execute_refund(refund_id):
    """Ask Stripe for a reserved refund and reverse the transfers; safe to call again."""
    refund = Refund.objects.select_related("payment", "order").get(pk=refund_id)
    if refund.status == Refund.PENDING:
        try:
            result = gateway.create_refund(
                intent_id=refund.payment.intent_id,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                metadata={"order": refund.order.number, "refund": str(refund.sequence)},
            )
        except gateway.PaymentUnavailable:
            # Stays pending: the reservation holds and reconciliation retries with the same key.
            raise
        except gateway.GatewayError as exc:
            _fail_refund(refund.pk, str(exc))
            raise RefundError(f"Stripe refused the refund: {exc}") from exc
        refund.refund_id = result["id"]
        refund.status = Refund.SUCCEEDED
        refund.save(update_fields=["refund_id", "status"])
    for reversal in refund.reversals.select_related("transfer", "refund__order").filter(status="pending"):
        _send_reversal(reversal)
    return refund


def _fail_refund(refund_id, error):
    """Give back a refund's reservation when Stripe definitely refused it."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != Refund.PENDING:
            return
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        payment.amount_refunded -= refund.amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        for reversal in refund.reversals.select_related("transfer"):
            transfer = Transfer.objects.select_for_update().get(pk=reversal.transfer_id)
            transfer.refunded_gross -= reversal.gross
            transfer.amount_reversed -= reversal.amount
            transfer.commission_returned -= reversal.commission_returned
            transfer.save(update_fields=["refunded_gross", "amount_reversed", "commission_returned", "updated_at"])
            reversal.status = "canceled"
            reversal.last_error = error[:255]
            reversal.save(update_fields=["status", "last_error"])
        refund.status = Refund.FAILED
        refund.reason = (refund.reason + f" [failed: {error}]")[:255]
        refund.save(update_fields=["status", "reason"])


def _send_reversal(reversal):
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=reversal.transfer_id)
        reversal = TransferReversal.objects.select_for_update().get(pk=reversal.pk)
        if reversal.status != "pending":
            return reversal
        if not transfer.transfer_id:
            # Not paid out yet: send_transfer sends the net amount instead.
            reversal.status = "netted"
            reversal.save(update_fields=["status"])
            return reversal
        if reversal.amount == 0:
            reversal.status = "succeeded"
            reversal.save(update_fields=["status"])
            return reversal
        try:
            result = gateway.create_transfer_reversal(
                transfer_id=transfer.transfer_id,
                amount=reversal.amount,
                idempotency_key=reversal.idempotency_key,
                metadata={"order": reversal.refund.order.number, "refund": str(reversal.refund.sequence)},
            )
        except gateway.GatewayError as exc:
            reversal.last_error = str(exc)[:255]
            reversal.save(update_fields=["last_error"])
            logger.warning("Reversal of %s for refund %s failed: %s", transfer.transfer_id, reversal.refund_id, exc)
            return reversal
        reversal.reversal_id = result["id"]
        reversal.status = "succeeded"
        reversal.last_error = ""
        reversal.save(update_fields=["reversal_id", "status", "last_error"])
        return reversal


# Seller onboarding

def onboarding_link(partner, *, email, return_url, refresh_url):
    """An Express onboarding URL for the grower, creating their connected account once."""
    account, _ = SellerAccount.objects.get_or_create(partner=partner)
    if not account.account_id:
        created = gateway.create_express_account(
            email=email,
            country=settings.STRIPE_CONNECT_COUNTRY,
            idempotency_key=f"partner-{partner.pk}-express-account",
            metadata={"partner": str(partner.pk)},
        )
        account.account_id = created["id"]
        account.save(update_fields=["account_id", "updated_at"])
    link = gateway.create_account_link(account_id=account.account_id, refresh_url=refresh_url, return_url=return_url)
    return link["url"]


def apply_account_state(account_data, event_created=None):
    """Copy an account object's flags onto its SellerAccount; older events never win."""
    with transaction.atomic():
        account = SellerAccount.objects.select_for_update().filter(account_id=account_data["id"]).first()
        if account is None:
            return None
        if event_created is not None:
            if event_created < account.synced_event_created:
                return account
            account.synced_event_created = event_created
        account.charges_enabled = bool(account_data.get("charges_enabled"))
        account.payouts_enabled = bool(account_data.get("payouts_enabled"))
        account.details_submitted = bool(account_data.get("details_submitted"))
        account.save()
        return account


def refresh_account(account):
    """Ask Stripe for the account's current flags (the dashboard's "refresh" and return URL)."""
    return apply_account_state(gateway.retrieve_account(account.account_id))
