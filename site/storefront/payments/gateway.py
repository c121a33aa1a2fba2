"""The one module that talks to Stripe.

Views, tasks and commands call these functions, never the Stripe SDK. Each
function makes one API call through stripe-python's StripeClient and turns
Stripe's errors into three kinds the callers handle:

* CardDeclined: the buyer's bank said no; show the message, let them retry;
* PaymentUnavailable: Stripe could not be reached or failed; nothing can be
  assumed done, retry later (idempotency keys make the retry safe);
* GatewayError: anything else (a request Stripe refused).

Every create call carries an idempotency key the caller derives from the
basket or order, so a retried request returns the first result instead of
charging or paying twice.

Local mode: with no real key, STRIPE_API_BASE points at localstripe (see
localserver.py) and Connect calls at STRIPE_CONNECT_API_BASE. localstripe
lacks two things real Stripe has, and only `confirm_with_token` and
`create_payment_intent` know: it cannot build a PaymentMethod from a card
token (the token's card id is used as the payment method instead) and it
refuses `transfer_group` on a PaymentIntent (kept in the intent's metadata,
which real Stripe gets too).
"""

import hashlib
import hmac
import json
import logging
import threading
import time

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """Stripe refused the request. `user_message` is safe to show a buyer."""

    user_message = "The payment could not be processed. Nothing was charged; please try again."

    def __init__(self, message, *, user_message=None, code=None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message
        self.code = code


class CardDeclined(GatewayError):
    next_step = "Nothing was charged; please check the card details or try another card."
    user_message = f"Your card was declined. {next_step}"


class PaymentUnavailable(GatewayError):
    user_message = (
        "We could not reach our payment provider. Nothing was charged and your basket is kept; "
        "please try again in a moment."
    )


class WebhookSignatureError(Exception):
    """The Stripe-Signature header is missing, does not match, or is too old."""


_clients = {}
_clients_lock = threading.Lock()


def _client(base):
    key = (settings.STRIPE_SECRET_KEY, base, settings.STRIPE_NETWORK_RETRIES)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = stripe.StripeClient(
                settings.STRIPE_SECRET_KEY,
                base_addresses={"api": base, "connect": base},
                max_network_retries=settings.STRIPE_NETWORK_RETRIES,
                http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
            )
            _clients[key] = client
        return client


def payments_client():
    return _client(settings.STRIPE_API_BASE).v1


def connect_client():
    return _client(settings.STRIPE_CONNECT_API_BASE).v1


def _call(description, function, *args, **kwargs):
    """Make one call; Stripe's objects come back as plain dicts, errors as this module's."""
    try:
        result = function(*args, **kwargs)
        return result.to_dict() if hasattr(result, "to_dict") else result
    except stripe.CardError as exc:
        # The bank's reason ("Your card was declined.") and what the buyer can do next.
        reason = (exc.user_message or "").strip()
        message = f"{reason.rstrip('.')}. {CardDeclined.next_step}" if reason else CardDeclined.user_message
        raise CardDeclined(f"{description}: {exc}", user_message=message, code=exc.code) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        logger.warning("Stripe unavailable during %s: %s", description, exc)
        raise PaymentUnavailable(f"{description}: {exc}") from exc
    except stripe.StripeError as exc:
        raise GatewayError(f"{description}: {exc}", code=getattr(exc, "code", None)) from exc


def _options(idempotency_key=None):
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def _digest(*parts):
    """A short stable digest of the parameters, so one key never meets two sets of them."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def charge_id_of(intent):
    """The id of the intent's charge; localstripe expands it, Stripe gives the id."""
    charge = intent.get("latest_charge")
    if isinstance(charge, str) or charge is None:
        return charge or ""
    return charge["id"]


def amount_received_of(intent):
    """What the intent has captured, in minor units (localstripe omits amount_received)."""
    if intent.get("amount_received") is not None:
        return int(intent["amount_received"])
    return int(intent["amount"]) if intent.get("status") == "succeeded" else 0


# PaymentIntents: authorise at the payment step, capture after stock is allocated.

def create_payment_intent(*, amount, currency, idempotency_key, metadata, transfer_group):
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "capture_method": "manual",
        "payment_method_types": ["card"],
        "metadata": {**metadata, "transfer_group": transfer_group},
    }
    if not settings.STRIPE_LOCAL:
        params["transfer_group"] = transfer_group
    return _call(
        "create payment intent",
        payments_client().payment_intents.create,
        params=params,
        options=_options(idempotency_key),
    )


def retrieve_payment_intent(intent_id):
    return _call("retrieve payment intent", payments_client().payment_intents.retrieve, intent_id)


def confirm_with_token(intent_id, token_id):
    """Attach the card the buyer typed (as a Stripe.js token) and confirm the intent.

    Returns (intent, card): the intent's status is requires_capture
    (authorised) or requires_action (3-D Secure: the page finishes it with
    Stripe.js); a refusal raises CardDeclined. `card` is what the buyer may
    be shown of the card, {"brand": ..., "last4": ...}, from the token's card
    (local) or the PaymentMethod's (Stripe), so no extra call is needed.
    """
    client = payments_client()
    if settings.STRIPE_LOCAL:
        token = _call("retrieve card token", client.tokens.retrieve, token_id)
        payment_method = token["card"]["id"]
        card = token["card"]
    else:
        method = _call(
            "create payment method",
            client.payment_methods.create,
            params={"type": "card", "card": {"token": token_id}},
            options=_options(f"{intent_id}-payment-method-{token_id}"),
        )
        payment_method = method["id"]
        card = method.get("card") or {}
    _call("attach payment method", client.payment_intents.update, intent_id, params={"payment_method": payment_method})
    intent = _call("confirm payment intent", client.payment_intents.confirm, intent_id)
    return intent, card_summary(card)


def card_summary(card):
    """{"brand", "last4"} of a Stripe card or card PaymentMethod's `card` (brand in lower case, as Stripe's)."""
    return {"brand": str(card.get("brand") or "").lower()[:32], "last4": str(card.get("last4") or "")[-4:]}


def capture_payment_intent(intent_id, amount, idempotency_key):
    return _call(
        "capture payment intent",
        payments_client().payment_intents.capture,
        intent_id,
        params={"amount_to_capture": amount},
        options=_options(idempotency_key),
    )


def cancel_payment_intent(intent_id):
    return _call("cancel payment intent", payments_client().payment_intents.cancel, intent_id)


def create_refund(*, intent_id, amount, idempotency_key, metadata):
    return _call(
        "create refund",
        payments_client().refunds.create,
        params={"payment_intent": intent_id, "amount": amount, "metadata": metadata},
        options=_options(idempotency_key),
    )


# Stripe Connect: sellers' Express accounts and the transfers of their shares.

def create_express_account(*, email, country, idempotency_key, metadata):
    return _call(
        "create connected account",
        connect_client().accounts.create,
        params={
            "type": "express",
            "country": country,
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": metadata,
        },
        options=_options(idempotency_key),
    )


def retrieve_account(account_id):
    return _call("retrieve connected account", connect_client().accounts.retrieve, account_id)


def create_account_link(*, account_id, refresh_url, return_url):
    # Links expire within minutes, so the key changes every minute: a retried
    # click gets the same link, a later visit a fresh one.
    return _call(
        "create account link",
        connect_client().account_links.create,
        params={"account": account_id, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"},
        options=_options(f"account-link-{account_id}-{int(time.time()) // 60}-{_digest(refresh_url, return_url)}"),
    )


def create_transfer(*, amount, currency, destination, transfer_group, source_transaction, idempotency_key, metadata):
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "destination": destination,
        "transfer_group": transfer_group,
        "metadata": metadata,
    }
    if source_transaction:
        # Tied to the charge: the transfer waits for the charge's funds instead
        # of failing on an empty platform balance.
        params["source_transaction"] = source_transaction
    return _call("create transfer", connect_client().transfers.create, params=params, options=_options(idempotency_key))


def create_transfer_reversal(*, transfer_id, amount, idempotency_key, metadata):
    return _call(
        "reverse transfer",
        connect_client().transfers.reversals.create,
        transfer_id,
        params={"amount": amount, "metadata": metadata},
        options=_options(idempotency_key),
    )


# Webhooks

def verify_webhook(payload, signature_header):
    """Check the Stripe-Signature of a webhook body and return the event as a dict.

    Raises WebhookSignatureError (bad, missing or stale signature; the tolerance
    is STRIPE_WEBHOOK_TOLERANCE seconds) or ValueError (the body is not a JSON
    event).
    """
    if not signature_header:
        raise WebhookSignatureError("No Stripe-Signature header")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("The body is not UTF-8") from None
    try:
        stripe.WebhookSignature.verify_header(
            text, signature_header, settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureError(str(exc)) from None
    # Stripe's check only refuses old timestamps; one from the future means a
    # wrong clock or a forged replay window, so the tolerance applies both ways.
    timestamp = int(dict(part.split("=", 1) for part in signature_header.split(",") if "=" in part)["t"])
    if timestamp > time.time() + settings.STRIPE_WEBHOOK_TOLERANCE:
        raise WebhookSignatureError("Timestamp is in the future beyond the tolerance zone")
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"The body is not JSON: {exc}") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise ValueError("The body is not a Stripe event: it needs a string id and type")
    if not isinstance(event.get("data"), dict) or not isinstance(event["data"].get("object"), dict):
        raise ValueError("The event has no data.object")
    return event


def sign_webhook(payload, timestamp, secret=None):
    """A Stripe-Signature header for `payload` (bytes): what Stripe sends, for tests and local delivery."""
    secret = secret or settings.STRIPE_WEBHOOK_SECRET
    signed = f"{timestamp}.".encode() + payload
    signature = hmac.new(secret.encode(), signed, "sha256").hexdigest()
    return f"t={timestamp},v1={signature}"
