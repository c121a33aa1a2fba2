"""The periodic pull: catch up with VibeLux through updated-since cursors, one pull per grower at a time.

The cursor (``Connection.cursor``) holds, per resource, the ``updated_since``
of the current sweep, the page token reached and the newest ``updated_at``
seen so far. It is saved with each page in the page's own transaction, so a
pull that fails half-way keeps what it processed and the next pull resumes at
the failed page; at the end of a sweep ``updated_since`` moves up to the
newest record seen. ``updated_since`` is inclusive, so records that share the
boundary timestamp come again and are no-ops (see ingest.py).

One pull per grower: a pull first takes a lease on the connection row with a
single conditional UPDATE (atomic on SQLite and PostgreSQL, and shared by every
worker process, unlike a local-memory cache). A lease older than
VIBELUX_PULL_LEASE_SECONDS is presumed to belong to a killed worker and is
taken over.

After an error the next pull waits BASE * 2**(failures-1) seconds (at most
MAX); after a success it waits the connection's pull interval.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import contract, ingest
from . import settings as vl_settings
from .client import APIError, VibeLuxClient
from .models import Connection

logger = logging.getLogger("vibelux.pull")
SWEEP = (("crop-cycles", "crop_cycle"), ("harvests", "harvest"))


@dataclass
class PullResult:
    status: str  # "done", "skipped", "failed"
    detail: str = ""
    pages: int = 0
    outcome: object = None


def acquire_lease(connection_id, now=None):
    """Take the connection's pull lease; returns the lease token, or None when another pull holds it."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    taken = (
        Connection.objects.filter(pk=connection_id)
        .filter(Q(pull_lease_until__isnull=True) | Q(pull_lease_until__lt=now))
        .update(pull_lease_until=now + timedelta(seconds=vl_settings.get("VIBELUX_PULL_LEASE_SECONDS")),
                pull_lease_token=token)
    )
    return token if taken else None


def release_lease(connection_id, token):
    Connection.objects.filter(pk=connection_id, pull_lease_token=token).update(
        pull_lease_until=None, pull_lease_token=""
    )


def backoff_seconds(failures):
    base, most = vl_settings.get("VIBELUX_PULL_BACKOFF_BASE"), vl_settings.get("VIBELUX_PULL_BACKOFF_MAX")
    return min(base * 2 ** max(failures - 1, 0), most)


def _newest(newest, items):
    for item in items:
        if newest is None or ingest.parse_datetime(item["updated_at"]) > ingest.parse_datetime(newest):
            newest = item["updated_at"]
    return newest


def _save_cursor(connection):
    Connection.objects.filter(pk=connection.pk).update(cursor=connection.cursor)


def pull_connection(connection_id, client=None):
    """Pull everything changed since the cursor for one connection (skipped when another pull runs)."""
    token = acquire_lease(connection_id)
    if token is None:
        return PullResult("skipped", "another pull of this grower is running")
    connection = Connection.objects.select_related("partner").get(pk=connection_id)
    outcome = ingest.Outcome()
    pages = 0
    try:
        client = client or VibeLuxClient(connection.api_base_url, connection.api_token)
        facility = client.facility(connection.facility_id)
        ingest.ingest_batch(connection, [("facility", facility)], outcome)
        for resource, kind in SWEEP:
            state = dict(connection.cursor.get(resource) or {})
            while True:
                items, next_cursor = client.page(
                    resource, connection.facility_id, state.get("updated_since"), state.get("page")
                )
                with transaction.atomic():
                    ingest.ingest_batch(connection, [(kind, item) for item in items], outcome)
                    newest = _newest(state.get("newest"), items)
                    if next_cursor:
                        state.update(page=next_cursor, newest=newest)
                    else:
                        state = {"updated_since": newest or state.get("updated_since"), "page": None, "newest": None}
                    connection.cursor = {**connection.cursor, resource: state}
                    _save_cursor(connection)
                pages += 1
                if not next_cursor:
                    break
    except (APIError, contract.ContractError, ingest.IngestError) as exc:
        failures = connection.pull_failures + 1
        wait = backoff_seconds(failures)
        Connection.objects.filter(pk=connection.pk).update(
            pull_failures=failures, last_error=str(exc)[:2000],
            next_pull_at=timezone.now() + timedelta(seconds=wait), last_pull_at=timezone.now(),
        )
        logger.warning("VibeLux pull of %s failed (%d in a row, next in %d s): %s",
                       connection.facility_id, failures, wait, exc)
        return PullResult("failed", str(exc), pages, outcome)
    finally:
        release_lease(connection_id, token)
    Connection.objects.filter(pk=connection.pk).update(
        pull_failures=0, last_error="", last_pull_at=timezone.now(),
        next_pull_at=timezone.now() + timedelta(seconds=connection.pull_interval_seconds),
    )
    return PullResult("done", outcome.summary(), pages, outcome)


def due_connections(now=None):
    now = now or timezone.now()
    return (
        Connection.objects.filter(is_active=True).exclude(api_base_url="")
        .filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
        .order_by("pk").values_list("pk", flat=True)
    )
