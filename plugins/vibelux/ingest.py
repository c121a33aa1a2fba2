"""The one ingestion pipeline: validated VibeLux records in, rooms, cycles, lots and stock out.

Webhooks, the periodic pull, the dashboard upload and the demo loader all end
here. Each ``apply_*`` function validates its record against the contract,
then writes; callers wrap a batch in ``transaction.atomic`` so that a bad
record leaves nothing half-written.

Exactly one effect per record: a record is keyed by its VibeLux id, and an
update whose ``updated_at`` is not newer than the stored one is ignored. A
harvest adds its packs to stock once; a later correction of the same harvest
changes the stock by the difference.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import F, Q
from oscar.core.loading import get_model

from . import contract, listings
from .models import Connection, CropCycle, GrowRoom, Lot

SENSOR_FIELDS = ("mean_temperature_c", "mean_humidity_pct", "mean_co2_ppm", "mean_ppfd", "mean_dli", "mean_vpd_kpa")


class IngestError(ValueError):
    """A valid record that cannot be applied (it conflicts with what is stored); says why."""


@dataclass
class Outcome:
    """What a batch did: counts by kind, and product ids whose stock or listing changed."""

    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    ignored: dict = field(default_factory=dict)
    product_ids: set = field(default_factory=set)
    stockrecord_ids: set = field(default_factory=set)
    stocked_product_ids: set = field(default_factory=set)
    lot_stockrecord_ids: set = field(default_factory=set)  # stock records whose lots were added or changed
    # Growers whose metered energy per kg may have changed: it is the energy grade of every product
    # they sell (the energy badges plugin reads it through energy_badges_supply_data).
    energy_partner_ids: set = field(default_factory=set)
    messages: list = field(default_factory=list)
    # Within one batch (one transaction): listing matches and product facts already looked up, so a
    # file of 10,000 harvests of a few dozen products does not repeat the same queries per row.
    cache: dict = field(default_factory=dict, repr=False)

    def count(self, bucket, kind):
        getattr(self, bucket)[kind] = getattr(self, bucket).get(kind, 0) + 1

    def summary(self):
        parts = []
        for bucket in ("created", "updated", "ignored"):
            for kind, number in sorted(getattr(self, bucket).items()):
                parts.append(f"{number} {kind} {bucket}")
        return ", ".join(parts) or "nothing to do"


def parse_datetime(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _is_stale(stored, incoming):
    return stored is not None and incoming <= stored


def apply_facility(connection, data, outcome):
    contract.validate("facility", data)
    if data["id"] != connection.facility_id:
        raise IngestError(
            f"facility {data['id']!r} is not this connection's facility ({connection.facility_id!r})"
        )
    updated_at = parse_datetime(data["updated_at"])
    if _is_stale(connection.facility_updated_at, updated_at):
        outcome.count("ignored", "facility")
        return
    connection.facility_name = data["name"]
    connection.facility_city = data["city"]
    connection.facility_region = data.get("region", "")
    connection.facility_updated_at = updated_at
    Connection.objects.filter(pk=connection.pk).update(
        facility_name=connection.facility_name, facility_city=connection.facility_city,
        facility_region=connection.facility_region, facility_updated_at=updated_at,
    )
    for room in data["rooms"]:
        _, created = GrowRoom.objects.update_or_create(
            connection=connection, external_id=room["id"],
            defaults={
                "name": room["name"], "growing_method": room.get("growing_method", ""),
                "area_m2": room.get("area_m2"), "tiers": room.get("tiers"),
            },
        )
        outcome.count("created" if created else "updated", "room")
        outcome.cache.pop(("room", connection.pk, room["id"]), None)
    # Rooms the cycles named before the facility arrived can now be linked.
    rooms = {r.external_id: r.pk for r in connection.rooms.all()}
    for cycle in connection.cycles.filter(room__isnull=True, room_external_id__in=list(rooms)):
        CropCycle.objects.filter(pk=cycle.pk).update(room_id=rooms[cycle.room_external_id])
    outcome.count("updated", "facility")


def apply_crop_cycle(connection, data, outcome):
    contract.validate("crop_cycle", data)
    if data["facility_id"] != connection.facility_id:
        raise IngestError(
            f"crop cycle {data['id']}: facility {data['facility_id']!r} is not this connection's "
            f"({connection.facility_id!r})"
        )
    planted, expected = date.fromisoformat(data["planted_date"]), date.fromisoformat(data["expected_harvest_date"])
    if expected < planted:
        raise IngestError(
            f"crop cycle {data['id']}: expected_harvest_date {expected} is before planted_date {planted}"
        )
    updated_at = parse_datetime(data["updated_at"])
    existing = CropCycle.objects.select_for_update().filter(connection=connection, external_id=data["id"]).first()
    if existing is not None and _is_stale(existing.source_updated_at, updated_at):
        outcome.count("ignored", "crop cycle")
        return existing
    sensors = data.get("sensor_summary") or {}
    energy = data.get("energy_use") or {}
    values = {
        "room": connection.rooms.filter(external_id=data["room_id"]).first(),
        "room_external_id": data["room_id"],
        "crop": data["crop"],
        "variety": data["variety"],
        "planted_date": planted,
        "expected_harvest_date": expected,
        "forecast_yield_kg": data["forecast_yield_kg"],
        "status": data["status"],
        "energy_kwh": energy.get("kwh"),
        "renewable_share_pct": energy.get("renewable_share_pct"),
        "source_updated_at": updated_at,
        **{name: sensors.get(name) for name in SENSOR_FIELDS},
    }
    if existing is None:
        cycle = CropCycle.objects.create(connection=connection, external_id=data["id"], **values)
        outcome.count("created", "crop cycle")
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        cycle = existing
        outcome.count("updated", "crop cycle")
    if cycle.energy_kwh is not None:
        outcome.energy_partner_ids.add(connection.partner_id)
    outcome.cache[("cycle", connection.pk, cycle.external_id)] = cycle
    return cycle


def _cached(outcome, key, load):
    if key not in outcome.cache:
        outcome.cache[key] = load()
    return outcome.cache[key]


def pack_weight_kg(data):
    size = Decimal(str(data["pack_size"]))
    unit = data["pack_unit"]
    if unit == "g":
        return size / 1000
    if unit == "kg":
        return size
    return Decimal(str(data["pack_net_weight_kg"]))


def packs_from_yield(yield_kg, weight_kg):
    return int((Decimal(str(yield_kg)) / weight_kg).to_integral_value(rounding=ROUND_FLOOR))


def apply_harvest(connection, data, outcome):
    """Record a harvest as a lot and put its packs into the matching product's stock."""
    contract.validate("harvest", data)
    updated_at = parse_datetime(data["updated_at"])
    weight = pack_weight_kg(data)
    packs = packs_from_yield(data["actual_yield_kg"], weight)
    if packs < 1:
        raise IngestError(
            f"harvest {data['id']} (lot {data['lot_number']}): a yield of {data['actual_yield_kg']} kg does not "
            f"fill one pack of {weight.normalize()} kg"
        )
    harvest_date = date.fromisoformat(data["harvest_date"])
    # One query finds both this harvest's lot and any other harvest already using its lot number.
    found = list(
        Lot.objects.select_for_update()
        .filter(connection=connection)
        .filter(Q(external_id=data["id"]) | Q(lot_number=data["lot_number"]))
    )
    existing = next((lot for lot in found if lot.external_id == data["id"]), None)
    clash = next((lot for lot in found if lot.external_id != data["id"]), None)
    if existing is not None and _is_stale(existing.source_updated_at, updated_at):
        outcome.count("ignored", "harvest")
        return existing
    if clash is not None:
        raise IngestError(
            f"harvest {data['id']}: lot number {data['lot_number']} already belongs to harvest "
            f"{clash.external_id}; lot numbers must be unique per grower"
        )
    cycle = _cached(outcome, ("cycle", connection.pk, data["cycle_id"]),
                    lambda: connection.cycles.filter(external_id=data["cycle_id"]).first())
    room_id = data.get("room_id") or (cycle.room_external_id if cycle else "")
    room = _cached(outcome, ("room", connection.pk, room_id),
                   lambda: connection.rooms.filter(external_id=room_id).first()) if room_id else None

    if existing is None:
        match = listings.find_or_create_listing(connection, data, outcome, cache=outcome.cache)
        lot = Lot(
            connection=connection, external_id=data["id"], product=match.product, stockrecord=match.stockrecord,
        )
        delta = packs
        outcome.count("created", "harvest")
    else:
        lot = existing
        if packs < lot.allocated:
            raise IngestError(
                f"harvest {data['id']} (lot {lot.lot_number}): the corrected yield makes {packs} packs, but "
                f"{lot.allocated} are already sold from this lot"
            )
        delta = packs - lot.packs
        outcome.count("updated", "harvest")
    lot.cycle = cycle
    lot.cycle_external_id = data["cycle_id"]
    lot.lot_number = data["lot_number"]
    lot.harvest_date = harvest_date
    lot.best_before = listings.best_before(lot.product, connection, harvest_date, cache=outcome.cache)
    lot.yield_kg = data["actual_yield_kg"]
    lot.grade = data["grade"]
    lot.crop = data["crop"]
    lot.variety = data["variety"]
    lot.pack_size = data["pack_size"]
    lot.pack_unit = data["pack_unit"]
    lot.pack_weight_kg = weight
    lot.packs = packs
    lot.room_name = room.name if room else ""
    lot.source_updated_at = updated_at
    lot.save()
    outcome.lot_stockrecord_ids.add(lot.stockrecord_id)
    if delta:
        type(lot.stockrecord).objects.filter(pk=lot.stockrecord_id).update(num_in_stock=F("num_in_stock") + delta)
        outcome.stockrecord_ids.add(lot.stockrecord_id)
        outcome.stocked_product_ids.add(lot.product_id)
    listings.record_harvest_date(lot.product, harvest_date, cache=outcome.cache)
    outcome.product_ids.add(lot.product_id)
    outcome.energy_partner_ids.add(connection.partner_id)
    return lot


def apply_event(connection, event_type, data, outcome):
    """Apply the data of one webhook event (already validated as a whole)."""
    if event_type == "facility.updated":
        apply_facility(connection, data["facility"], outcome)
    elif event_type == "crop_cycle.updated":
        apply_crop_cycle(connection, data["crop_cycle"], outcome)
    elif event_type == "harvest.completed":
        # The cycle travels with its harvest so the harvest never waits for another event.
        if "crop_cycle" in data:
            apply_crop_cycle(connection, data["crop_cycle"], outcome)
        apply_harvest(connection, data["harvest"], outcome)
    else:  # the schema's enum makes this unreachable for validated events
        raise IngestError(f"unknown event type {event_type!r}")


def after_commit(outcome):
    """Tell the rest of the site what changed, once the batch's transaction has committed.

    Called at the end of the batch, inside its transaction: the stock records
    whose lots changed get their batches (what may be sold, and until when)
    rewritten here, with the lots; the rest is queued for after the commit.
    """
    from storefront.caching.purge import purge_pages
    from storefront.commerce import freshness
    from storefront.plugins.host import get_host
    from storefront.search.tasks import queue_reindex

    from .tasks import notify_forecast_signups

    freshened = set()
    if outcome.lot_stockrecord_ids:
        freshened, _ = freshness.refresh(stockrecord_ids=sorted(outcome.lot_stockrecord_ids))
        outcome.product_ids |= freshened

    # Stock moves by UPDATE (no post_save) and the batch ran with index updates paused
    # (see paused_indexing), so the changed products are re-indexed here, once each: with every
    # product of a grower whose metered energy changed, whose energy grade facet would go stale.
    queue_reindex(sorted(outcome.product_ids | products_of_growers(outcome.energy_partner_ids)))
    host = get_host()
    if outcome.product_ids:
        host.emit("storefront_products_imported", product_ids=sorted(outcome.product_ids))
    if outcome.stockrecord_ids or freshened:
        # Nor does the page cache hear of an UPDATE: pages showing the old stock (or, after a corrected
        # harvest date, the old dates and what may be sold) are dropped here.
        purge_pages("VibeLux harvests changed stock")
    if outcome.stockrecord_ids:
        host.emit("storefront_stock_changed", stockrecord_ids=sorted(outcome.stockrecord_ids))
    for product_id in sorted(outcome.stocked_product_ids):
        transaction.on_commit(lambda product_id=product_id: notify_forecast_signups.delay(product_id), robust=True)


def products_of_growers(partner_ids):
    """The ids of every product these growers stock (one query; none for no growers)."""
    if not partner_ids:
        return set()
    StockRecord = get_model("partner", "StockRecord")
    return set(StockRecord.objects.filter(partner_id__in=partner_ids).values_list("product_id", flat=True))


def paused_indexing():
    """Pause the search app's per-save index updates while a batch writes; after_commit re-indexes once."""
    from storefront.search.tasks import index_updates_paused

    return index_updates_paused()


def ingest_batch(connection, records, outcome=None):
    """Apply ``[(kind, data)]`` (kind: facility, crop_cycle, harvest) in one transaction: all or nothing."""
    outcome = outcome or Outcome()
    appliers = {"facility": apply_facility, "crop_cycle": apply_crop_cycle, "harvest": apply_harvest}
    with transaction.atomic():
        with paused_indexing():
            for kind, data in records:
                appliers[kind](connection, data, outcome)
        after_commit(outcome)
    return outcome
