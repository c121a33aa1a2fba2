"""Energy figures for a batch of products, in two queries whatever the batch size.

A product's figures come from, in order: its own verified report, the
verified facility report of the grower selling it, then data other plugins
supply through ``energy_badges_supply_data``. The latest period wins.
Unverified and rejected reports never count.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from oscar.core.loading import get_model

from .models import EnergyReport


@dataclass(frozen=True)
class EnergyFigures:
    kwh_per_kg: object
    renewable_share: object
    period_end: date | None = None
    source: str = "verified report"


def _from_report(report):
    return EnergyFigures(report.kwh_per_kg, report.renewable_share, report.period_end)


def _from_supplied(item):
    return EnergyFigures(
        item["kwh_per_kg"], item["renewable_share"], item.get("period_end"), item.get("source") or "supplied data"
    )


def figures_for_products(products, scope=None):
    """``{product.pk: EnergyFigures}`` for the products that have verified figures."""
    StockRecord = get_model("partner", "StockRecord")
    product_ids = [p.pk for p in products]
    if not product_ids:
        return {}
    partners_of = {}
    for product_id, partner_id in (
        StockRecord.objects.filter(product_id__in=product_ids).order_by("pk").values_list("product_id", "partner_id")
    ):
        partners_of.setdefault(product_id, []).append(partner_id)
    partner_ids = {pid for ids in partners_of.values() for pid in ids}

    by_product, by_partner = {}, {}
    reports = EnergyReport.objects.filter(status=EnergyReport.VERIFIED, partner_id__in=partner_ids).filter(
        Q(product_id__in=product_ids) | Q(product__isnull=True)
    )
    for report in reports.order_by("-period_end", "-pk"):  # latest first: setdefault keeps it
        if report.product_id:
            by_product.setdefault(report.product_id, _from_report(report))
        else:
            by_partner.setdefault(report.partner_id, _from_report(report))

    supplied_product, supplied_partner = {}, {}
    missing = [pid for pid in product_ids if pid not in by_product]
    if missing:
        from storefront.plugins.host import get_host

        for items in get_host().call(
            "energy_badges_supply_data", scope=scope, partner_ids=sorted(partner_ids), product_ids=missing
        ):
            for item in items:
                if item.get("product_id") is not None:
                    supplied_product.setdefault(item["product_id"], _from_supplied(item))
                elif item.get("partner_id") is not None:
                    supplied_partner.setdefault(item["partner_id"], _from_supplied(item))

    figures = {}
    for product_id in product_ids:
        found = by_product.get(product_id) or supplied_product.get(product_id)
        if found is None:
            for partner_id in partners_of.get(product_id, []):
                found = by_partner.get(partner_id) or supplied_partner.get(partner_id)
                if found is not None:
                    break
        if found is not None:
            figures[product_id] = found
    return figures
