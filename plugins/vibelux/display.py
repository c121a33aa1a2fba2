"""What a product page shows from VibeLux: the next forecast harvest and the grow conditions of the lot on sale.

Everything is computed for a batch of products at once (a listing page asks
for all its cards together), in a fixed number of queries, and kept for the
request (storefront.plugins.memo): a product page's panel and its badge read
the product's growers, cycles and variety once.

* Forecast: the soonest planned or growing crop cycle of the product's grower
  for the same crop and variety, expected today or later:
  "available from DATE, about N kg".
* Grow conditions: the lot being sold is the oldest lot with packs left
  that is not past its best-before (the one the next order is allocated
  from, see traceability.py); its crop cycle gives room, days from planting
  to harvest and the sensor means.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from storefront.commerce import freshness
from storefront.plugins.memo import request_memo

from .listings import attribute_value, crop_matches, product_attributes
from .models import CropCycle, Lot


@dataclass
class Forecast:
    cycle_id: int
    available_from: date
    about_kg: Decimal
    crop: str
    variety: str

    @property
    def text(self):
        return f"Available from {self.available_from:%-d %b %Y}, about {self.about_kg:.0f} kg"


@dataclass
class GrowConditions:
    lot_number: str
    harvest_date: date
    best_before: date
    location: str
    room: str
    days_to_harvest: int | None
    mean_dli: Decimal | None
    mean_ppfd: Decimal | None
    mean_temperature_c: Decimal | None
    mean_humidity_pct: Decimal | None
    mean_co2_ppm: Decimal | None
    mean_vpd_kpa: Decimal | None

    @property
    def summary(self):
        parts = [f"Lot {self.lot_number}, harvested {self.harvest_date:%-d %b %Y} at {self.location}"]
        if self.room:
            parts.append(f"room {self.room}")
        if self.days_to_harvest is not None:
            parts.append(f"{self.days_to_harvest} days from planting")
        if self.mean_dli is not None:
            parts.append(f"{self.mean_dli} mol/m²/day light")
        if self.mean_temperature_c is not None:
            parts.append(f"{self.mean_temperature_c} °C")
        if self.mean_humidity_pct is not None:
            parts.append(f"{self.mean_humidity_pct}% humidity")
        return ", ".join(parts)


def stock_of(products, today=None):
    """``{product.pk: [(partner_id, sellable), ...]}``: who sells each product and how many may be sold today.

    Sellable is the storefront's rule (storefront.commerce.freshness: free
    stock within its best-before, by lot where the stock came from lots).
    From the stock records the page prefetched where the products have them,
    else one query for the rest; kept for the request (the panel, the badge
    and the energy data of one page all ask).
    """
    today = today or timezone.localdate()
    memo = request_memo(f"vibelux.stock:{today.isoformat()}")
    missing = []
    for product in products:
        if product.pk in memo:
            continue
        prefetched = getattr(product, "_prefetched_objects_cache", {}).get("stockrecords")
        if prefetched is None:
            missing.append(product.pk)
        else:
            memo[product.pk] = [(record.partner_id, freshness.of_stockrecord(record, today).sellable) for record in prefetched]
    if missing:
        StockRecord = get_model("partner", "StockRecord")
        found = {pk: [] for pk in missing}
        rows = StockRecord.objects.filter(product_id__in=missing).values_list(
            "product_id", "partner_id", "batches", "num_in_stock", "num_allocated"
        )
        for product_id, partner_id, batches, num_in_stock, num_allocated in rows:
            found[product_id].append((partner_id, freshness.of_values(batches, num_in_stock, num_allocated, today).sellable))
        memo.update(found)
    return {product.pk: memo[product.pk] for product in products}


def in_stock(products, today=None):
    """The ids of the products some grower may sell today (stock within its best-before)."""
    return {
        product_id
        for product_id, records in stock_of(products, today).items()
        if any(sellable is not None and sellable > 0 for _, sellable in records)
    }


def _upcoming_cycles(partner_ids, today):
    """Planned or growing crop cycles of these growers expected today or later, soonest first (memoised per request)."""
    memo = request_memo(f"vibelux.upcoming-cycles:{today.isoformat()}")
    missing = [pk for pk in partner_ids if pk not in memo]
    if missing:
        found = {pk: [] for pk in missing}
        cycles = CropCycle.objects.filter(
            connection__partner_id__in=missing, status__in=("planned", "growing"), expected_harvest_date__gte=today,
        ).select_related("connection")
        for cycle in cycles:
            found[cycle.connection.partner_id].append(cycle)
        memo.update(found)
    cycles = [cycle for pk in partner_ids for cycle in memo[pk]]
    return sorted(cycles, key=lambda cycle: (cycle.expected_harvest_date, cycle.pk))


def _varieties(products):
    """``{product.pk: variety in lower case}`` (blank when the product has none), memoised per request.

    From the product's own prefetched attribute values where the page loaded
    them (the product page does), else one query for the rest.
    """
    memo = request_memo("vibelux.varieties")
    missing = []
    for product in products:
        if product.pk in memo:
            continue
        prefetched = getattr(product, "_prefetched_attribute_values", None)
        if prefetched is None:
            missing.append(product.pk)
        else:
            found = next((attribute_value(v) for v in prefetched if v.attribute.code == "variety"), None)
            memo[product.pk] = str(found or "").lower()
    if missing:
        values = product_attributes(missing, ["variety"])
        memo.update({pk: str(values.get(pk, {}).get("variety") or "").lower() for pk in missing})
    return {product.pk: memo[product.pk] for product in products}


def forecasts_for(products, today=None):
    """``{product.pk: Forecast}`` for products with an upcoming harvest of their crop and variety."""
    today = today or timezone.localdate()
    products = [p for p in products if p is not None]
    if not products:
        return {}
    partners = {pk: {partner_id for partner_id, _ in records} for pk, records in stock_of(products, today).items()}
    cycles = _upcoming_cycles(sorted({pid for ids in partners.values() for pid in ids}), today)
    if not cycles:
        return {}
    varieties = _varieties(products)
    found = {}
    for product in products:
        variety = varieties[product.pk]
        for cycle in cycles:
            if (
                cycle.connection.partner_id in partners[product.pk]
                and cycle.variety.lower() == variety
                and crop_matches(product, cycle.crop)
            ):
                found[product.pk] = Forecast(
                    cycle.pk, cycle.expected_harvest_date, cycle.forecast_yield_kg, cycle.crop, cycle.variety
                )
                break
    return found


def conditions_for(products, today=None):
    """``{product.pk: GrowConditions}`` of the lot currently on sale, for products sold from VibeLux lots."""
    today = today or timezone.localdate()
    product_ids = [p.pk for p in products if p is not None]
    found = {}
    lots = (
        Lot.objects.filter(product_id__in=product_ids)
        .select_related("cycle", "connection")
        .order_by("harvest_date", "pk")
    )
    for lot in lots:
        if lot.product_id in found or lot.remaining <= 0 or lot.best_before < today:
            continue  # sold out or past its best-before: not the lot on sale
        cycle = lot.cycle
        found[lot.product_id] = GrowConditions(
            lot_number=lot.lot_number, harvest_date=lot.harvest_date, best_before=lot.best_before,
            location=lot.connection.location, room=lot.room_name,
            days_to_harvest=(lot.harvest_date - cycle.planted_date).days if cycle else None,
            mean_dli=cycle.mean_dli if cycle else None,
            mean_ppfd=cycle.mean_ppfd if cycle else None,
            mean_temperature_c=cycle.mean_temperature_c if cycle else None,
            mean_humidity_pct=cycle.mean_humidity_pct if cycle else None,
            mean_co2_ppm=cycle.mean_co2_ppm if cycle else None,
            mean_vpd_kpa=cycle.mean_vpd_kpa if cycle else None,
        )
    return found


def energy_figures(partner_ids, product_ids):
    """Energy per kg from metered cycles: for each product sold from lots, and for each grower overall.

    kWh per kg = the cycles' kWh / the kg those cycles' harvests yielded;
    the renewable share is weighted by kWh. Cycles without energy data or
    without a harvest do not count.
    """
    lots = list(
        Lot.objects.filter(cycle__energy_kwh__isnull=False, connection__partner_id__in=partner_ids)
        .values("product_id", "connection__partner_id", "cycle_id", "yield_kg", "cycle__energy_kwh",
                "cycle__renewable_share_pct", "harvest_date")
    )
    groups = {}
    for row in lots:
        for key in (("product", row["product_id"]), ("partner", row["connection__partner_id"])):
            if key[0] == "product" and row["product_id"] not in product_ids:
                continue
            group = groups.setdefault(key, {"cycles": {}, "kg": Decimal(0), "latest": None})
            group["cycles"][row["cycle_id"]] = (row["cycle__energy_kwh"], row["cycle__renewable_share_pct"] or 0)
            group["kg"] += row["yield_kg"]
            group["latest"] = max(group["latest"] or row["harvest_date"], row["harvest_date"])
    items = []
    for (kind, object_id), group in sorted(groups.items()):
        if group["kg"] <= 0:
            continue
        kwh = sum(k for k, _ in group["cycles"].values())
        renewable = sum(k * share for k, share in group["cycles"].values()) / kwh if kwh else Decimal(0)
        items.append({
            f"{kind}_id": object_id,
            "kwh_per_kg": (kwh / group["kg"]).quantize(Decimal("0.01")),
            "renewable_share": Decimal(renewable).quantize(Decimal("0.1")),
            "period_end": group["latest"],
            "source": "metered by VibeLux",
        })
    return items
