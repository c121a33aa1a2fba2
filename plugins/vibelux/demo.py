"""The VibeLux demo: connect one demo grower to a simulated feed in content/vibelux/ and run it through the pipeline.

``manage.py load_demo`` calls ``load_vibelux_demo(content_dir, progress)``.
The feed is a list of webhook events (events.json, each validated against the
contract); they are stored and processed exactly as a delivered webhook is
(webhooks.store_event, then tasks.process_event), so the demo shows what
the real path does: a listing stocked from a harvest, a new listing created
from a harvest, forecasts and grow conditions.

Dates are relative to the day the demo is loaded: every date and timestamp
in the files is moved forward by the days between the manifest's ``as_of``
and that day, so harvests are a day or two old (and their lots on sale) and
forecasts are in the future. Safe to run twice: the events are delivered as
the feed of that day (their ids carry the day), so a second run the same day
finds them stored and changes nothing, and a run on a later day delivers the
feed again with newer dates and timestamps, which the pipeline applies in
place to the same cycles and lots (they keep their VibeLux ids).
"""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from . import contract
from .models import Connection, Lot, WebhookEvent

FOLDER = "vibelux"
IMAGE_STORAGE_FOLDER = "images/products/demo"  # where the catalogue loader stores the demo's product pictures
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T")


class DemoFeedError(ValueError):
    """The demo feed files are wrong; the message names the file and the fix."""


def _shift(value, days):
    """The payload with every date and timestamp moved ``days`` forward."""
    if isinstance(value, dict):
        return {key: _shift(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [_shift(item, days) for item in value]
    if isinstance(value, str) and DATE_RE.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    if isinstance(value, str) and DATETIME_RE.match(value):
        moved = datetime.fromisoformat(value.replace("Z", "+00:00")) + timedelta(days=days)
        return moved.isoformat().replace("+00:00", "Z")
    return value


def read_feed(content_dir):
    """The manifest and its events, each checked against the contract (DemoFeedError otherwise)."""
    folder = Path(content_dir) / FOLDER
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoFeedError(f"{manifest_path}: {exc}; it must be a JSON object with as_of, grower and events") from None
    for key in ("as_of", "grower", "facility_id", "events"):
        if key not in manifest:
            raise DemoFeedError(f"{manifest_path}: add the {key!r} key")
    events_path = folder / manifest["events"]
    try:
        events = contract.loads(events_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DemoFeedError(f"{events_path}: {exc}") from None
    except contract.ContractError as exc:
        raise DemoFeedError(f"{events_path}: {exc}") from None
    if not isinstance(events, list):
        raise DemoFeedError(f"{events_path}: the file must hold a JSON list of webhook events")
    for index, item in enumerate(events):
        found = contract.problems("webhook_event", item, prefix=f"events[{index}]")
        if found:
            raise DemoFeedError(f"{events_path}: " + "; ".join(found))
    return manifest, events


def _demo_grower(code):
    Partner = get_model("partner", "Partner")
    grower = Partner.objects.filter(code=code).first() or Partner.objects.order_by("code").first()
    if grower is None:
        raise DemoFeedError("there is no grower to connect; load the demo catalogue (content/catalogue) first")
    return grower


def load_vibelux_demo(content_dir, progress, today=None):
    """Connect the demo grower to the simulated feed as of ``today`` (default: the local date) and process it; returns counts."""
    from .tasks import process_event
    from .webhooks import store_event

    manifest, events = read_feed(content_dir)
    today = today or timezone.localdate()
    days = (today - date.fromisoformat(manifest["as_of"])).days
    grower = _demo_grower(manifest["grower"])
    with transaction.atomic():
        connection = Connection.objects.filter(partner=grower).first()
        if connection is None:
            connection = Connection.objects.create(
                partner=grower, facility_id=manifest["facility_id"],
                listing_mode=manifest.get("listing_mode", Connection.REVIEW),
                price_per_kg=Decimal(manifest["price_per_kg"]) if manifest.get("price_per_kg") else None,
            )
            progress(f"Connected {grower} to VibeLux facility {connection.facility_id}")
        # The feed names the manifest's facility; a connection made another way keeps its own id.
        facility_id = connection.facility_id
    new = 0
    for payload in events:
        text = contract.dumps(_shift(payload, days)).replace(f'"{manifest["facility_id"]}"', f'"{facility_id}"')
        payload = contract.loads(text)
        payload["id"] = f"{payload['id']}@{today.isoformat()}"  # the feed as delivered on that day
        event, created = store_event(connection, payload)
        if created:
            new += 1
        # Processing is idempotent: an event already processed is left alone.
        status = process_event(event.pk)
        if status == WebhookEvent.FAILED:
            event.refresh_from_db()
            raise DemoFeedError(f"demo event {event.event_id} could not be applied: {event.outcome}")
    pictured = picture_new_listings(content_dir, connection)
    lots = Lot.objects.filter(connection=connection).count()
    progress(f"VibeLux feed: {new} new of {len(events)} events for {grower}; {lots} lots"
             + (f"; pictures for {pictured} new listing(s)" if pictured else ""))
    return {"vibelux events": new, "vibelux lots": lots}


def picture_new_listings(content_dir, connection):
    """Give the listings the feed created, which have no photo (VibeLux sends none), the demo catalogue's
    picture of their crop (content/catalogue/images/<crop>.jpg, stored once like the catalogue's own)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import slugify

    ProductImage = get_model("catalogue", "ProductImage")
    folder = Path(content_dir) / "catalogue" / "images"
    pictured = 0
    lots = Lot.objects.filter(connection=connection, product__images__isnull=True)
    for product_id, crop in sorted(set(lots.values_list("product_id", "crop"))):
        source = folder / f"{slugify(crop)}.jpg"
        if not crop or not source.is_file():
            continue
        name = f"{IMAGE_STORAGE_FOLDER}/{source.name}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(source.read_bytes()))
        ProductImage.objects.create(product_id=product_id, original=name, caption=crop, display_order=0)
        pictured += 1
    return pictured
