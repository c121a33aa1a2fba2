"""What a product page shows from VibeLux: the next forecast harvest and the grow conditions of the lot on sale.

Everything is computed for a batch of products at once (a listing page asks
for all its cards together), in a fixed number of queries.

* Forecast: the soonest planned or growing crop cycle of the product's grower
  for the same crop and variety, expected today or later:
  "available from DATE, about N kg".
* Grow conditions: the lot being sold is the oldest lot with packs left
  (the one the next order is allocated from, see traceability.py); its crop
  cycle gives room, days from planting to harvest and the sensor means.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from .listings import crop_matches, product_attributes
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


def _partners_of(product_ids):
    StockRecord = get_model("partner", "StockRecord")
    found = {}
    for product_id, partner_id in StockRecord.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "partner_id"
    ):
        found.setdefault(product_id, set()).add(partner_id)
    return found


def forecasts_for(products, today=None):
    """``{product.pk: Forecast}`` for products with an upcoming harvest of their crop and variety."""
    today = today or timezone.localdate()
    products = [p for p in products if p is not None]
    if not products:
        return {}
    partners = _partners_of([p.pk for p in products])
    partner_ids = {pid for ids in partners.values() for pid in ids}
    cycles = list(
        CropCycle.objects.filter(
            connection__partner_id__in=partner_ids, status__in=("planned", "growing"),
            expected_harvest_date__gte=today,
        ).select_related("connection").order_by("expected_harvest_date", "pk")
    )
    if not cycles:
        return {}
    varieties = product_attributes([p.pk for p in products], ["variety"])
    found = {}
    for product in products:
        variety = str(varieties.get(product.pk, {}).get("variety") or "").lower()
        for cycle in cycles:
            if (
                cycle.connection.partner_id in partners.get(product.pk, ())
                and cycle.variety.lower() == variety
                and crop_matches(product, cycle.crop)
            ):
                found[product.pk] = Forecast(
                    cycle.pk, cycle.expected_harvest_date, cycle.forecast_yield_kg, cycle.crop, cycle.variety
                )
                break
    return found


def conditions_for(products):
    """``{product.pk: GrowConditions}`` of the lot currently on sale, for products sold from VibeLux lots."""
    product_ids = [p.pk for p in products if p is not None]
    found = {}
    lots = (
        Lot.objects.filter(product_id__in=product_ids)
        .select_related("cycle", "connection")
        .order_by("harvest_date", "pk")
    )
    for lot in lots:
        if lot.product_id in found or lot.remaining <= 0:
            continue
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
