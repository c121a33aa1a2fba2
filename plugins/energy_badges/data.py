"""Energy figures for a batch of products, in two queries whatever the batch size.

A product's figures come from, in order: its own verified report, the
verified facility report of the grower selling it, then data other plugins
supply through ``energy_badges_supply_data``. The latest period wins.
Unverified and rejected reports never count. Verified figures are cached, and
stock records come from the page's prefetch where it has one, so a page of
badges usually costs no query at all.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
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


CACHE_KEY = "energy_badges:verified-figures"
CACHE_SECONDS = 300


def verified_figures():
    """``(by_product, by_partner)``: the latest verified figures, cached.

    Verified reports are few (one per facility or product and period) and
    change rarely, so a page of badges reads them from the cache instead of
    the database. Saving or deleting a report clears the entry (apps.py);
    another process with a local-memory cache sees the change within
    CACHE_SECONDS.
    """
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    by_product, by_partner = {}, {}
    reports = EnergyReport.objects.filter(status=EnergyReport.VERIFIED).order_by("-period_end", "-pk")
    for report in reports.only("partner_id", "product_id", "kwh_per_kg", "renewable_share", "period_end"):
        if report.product_id:  # latest first: setdefault keeps it
            by_product.setdefault(report.product_id, _from_report(report))
        else:
            by_partner.setdefault(report.partner_id, _from_report(report))
    cached = (by_product, by_partner)
    cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def forget_verified_figures(**kwargs):
    cache.delete(CACHE_KEY)


def _partners_of(products):
    """{product_id: [partner_id, ...]}, from prefetched stock records where the page has them."""
    StockRecord = get_model("partner", "StockRecord")
    partners_of, missing = {}, []
    for product in products:
        prefetched = getattr(product, "_prefetched_objects_cache", {}).get("stockrecords")
        if prefetched is None:
            missing.append(product.pk)
        else:
            partners_of[product.pk] = [record.partner_id for record in sorted(prefetched, key=lambda r: r.pk)]
    if missing:
        rows = StockRecord.objects.filter(product_id__in=missing).order_by("pk").values_list("product_id", "partner_id")
        for product_id, partner_id in rows:
            partners_of.setdefault(product_id, []).append(partner_id)
    return partners_of


def figures_for_partners(partner_ids, scope=None):
    """``{partner_id: EnergyFigures}``: each grower's facility figures (verified report, else supplied data)."""
    partner_ids = sorted(set(partner_ids))
    if not partner_ids:
        return {}
    _, all_by_partner = verified_figures()
    figures = {pk: all_by_partner[pk] for pk in partner_ids if pk in all_by_partner}
    missing = [pk for pk in partner_ids if pk not in figures]
    if missing:
        from storefront.plugins.host import get_host

        for items in get_host().call("energy_badges_supply_data", scope=scope, partner_ids=missing, product_ids=[]):
            for item in items:
                if item.get("partner_id") in missing:
                    figures.setdefault(item["partner_id"], _from_supplied(item))
    return figures


def figures_for_products(products, scope=None):
    """``{product.pk: EnergyFigures}`` for the products that have verified figures."""
    product_ids = [p.pk for p in products]
    if not product_ids:
        return {}
    partners_of = _partners_of(products)
    partner_ids = {pid for ids in partners_of.values() for pid in ids}
    all_by_product, all_by_partner = verified_figures()
    # A product-level report counts only when its grower still sells the product.
    by_product = {pk: all_by_product[pk] for pk in product_ids if pk in all_by_product}
    by_partner = {pk: all_by_partner[pk] for pk in partner_ids if pk in all_by_partner}

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
