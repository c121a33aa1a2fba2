"""Webhook reception: check the signature and age, validate, store once, process after commit.

VibeLux signs each delivery with the connection's shared secret::

    X-VibeLux-Timestamp: 1767225600            (Unix seconds)
    X-VibeLux-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + raw body>

A delivery more than VIBELUX_WEBHOOK_TOLERANCE seconds from now is refused,
so a captured request cannot be replayed later; within the window a replay
carries an event id already stored and has no effect.
"""

import hashlib
import hmac
import json
import logging
import time

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import contract
from . import settings as vl_settings
from .models import Connection, WebhookEvent

logger = logging.getLogger("vibelux.webhooks")
TIMESTAMP_HEADER = "X-VibeLux-Timestamp"
SIGNATURE_HEADER = "X-VibeLux-Signature"


class SignatureError(ValueError):
    pass


def sign(secret, timestamp, body):
    """The signature header value for ``body`` sent at ``timestamp`` (what VibeLux sends)."""
    message = f"{int(timestamp)}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp_header, signature_header, body, now=None, tolerance=None):
    """Raise SignatureError saying what is wrong; return the timestamp when the delivery is genuine and fresh."""
    tolerance = vl_settings.get("VIBELUX_WEBHOOK_TOLERANCE") if tolerance is None else tolerance
    if not timestamp_header:
        raise SignatureError(f"the {TIMESTAMP_HEADER} header is missing")
    if not signature_header:
        raise SignatureError(f"the {SIGNATURE_HEADER} header is missing")
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER} {timestamp_header!r} is not Unix seconds") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            f"the delivery is {abs(now - timestamp):.0f} s from now; only {tolerance} s are accepted (replay protection)"
        )
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given.strip()) for given in signature_header.split(",")):
        raise SignatureError("the signature does not match the body and the connection's secret")
    return timestamp


def _error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


@csrf_exempt
@require_POST
def receive(request, key):
    connection = get_object_or_404(Connection, webhook_key=key, is_active=True)
    body = request.body
    try:
        verify(connection.webhook_secret, request.headers.get(TIMESTAMP_HEADER),
               request.headers.get(SIGNATURE_HEADER), body)
    except SignatureError as exc:
        logger.warning("VibeLux webhook for %s refused: %s", connection.facility_id, exc)
        return _error(401, f"Refused: {exc}.")
    try:
        payload = contract.loads(body.decode("utf-8"))
        contract.validate("webhook_event", payload, prefix="event")
    except UnicodeDecodeError:
        return _error(400, "Rejected: the body is not UTF-8 text.")
    except contract.ContractError as exc:
        return _error(400, str(exc), problems=exc.problems)
    event, created = store_event(connection, payload)
    if not created:
        return JsonResponse({"status": "duplicate", "event": event.event_id, "state": event.status})
    return JsonResponse({"status": "accepted", "event": event.event_id}, status=202)


def store_event(connection, payload):
    """Store a validated event once and queue its processing after commit; ``(event, created)``."""
    from .tasks import process_webhook_event

    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                connection=connection, event_id=payload["id"], event_type=payload["type"],
                payload=json.loads(contract.dumps(payload)),
            )
            transaction.on_commit(lambda: process_webhook_event.delay(event.pk), robust=True)
    except IntegrityError:
        # The unique (connection, event_id) constraint decides between concurrent deliveries.
        return WebhookEvent.objects.get(connection=connection, event_id=payload["id"]), False
    return event, True
