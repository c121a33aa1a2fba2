"""Lot traceability: which lots each order line was allocated from, and the CSV report of it.

Allocation runs on ``post_save`` of a new order line, which Oscar's
OrderCreator saves inside the order placement's transaction: the line, its
stock allocation and its lot allocations commit or roll back together. Lots
are taken oldest harvest first (FIFO), locked in primary-key order so two
concurrent placements cannot deadlock; lots past their best-before are never
taken (the storefront does not sell them, see stock_batches); a line for
stock that did not come from a lot (typed in by the seller) keeps the
remainder unallocated, and the report shows it as such.

``stock_batches`` answers the host's ``storefront_stock_batches`` hook: the
lots a stock record's stock is made of, so the storefront sells what the
lots still within their best-before hold (storefront.commerce.freshness).
After an allocation the stock record's stored batches are rewritten in the
same transaction.
"""

import csv
import io
from datetime import datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from storefront.plugins.types import StockBatch

from .models import Lot, LotAllocation

REPORT_COLUMNS = [
    "product", "sku", "lot", "quantity", "harvest_date", "best_before", "location", "room",
    "buyer", "order", "order_date", "ship_date",
]


def allocate_line_to_lots(sender, instance, created, raw=False, **kwargs):
    if not created or raw or not instance.stockrecord_id:
        return
    allocate(instance)


def allocate(line, today=None):
    """Record the lots ``line`` takes its packs from; returns the allocations made."""
    from storefront.commerce import freshness

    today = today or timezone.localdate()
    wanted = line.quantity
    # Lock in pk order (deadlock-free), then take the oldest harvest first.
    lots = list(Lot.objects.select_for_update().filter(stockrecord_id=line.stockrecord_id).order_by("pk"))
    allocations = []
    for lot in sorted(lots, key=lambda lot: (lot.harvest_date, lot.pk)):
        if wanted <= 0:
            break
        if lot.best_before < today:
            continue  # past its best-before: not sold
        take = min(lot.remaining, wanted)
        if take <= 0:
            continue
        lot.allocated += take
        lot.save(update_fields=["allocated"])
        allocations.append(LotAllocation.objects.create(line=line, lot=lot, quantity=take))
        wanted -= take
    if allocations:
        # What the lots hold changed: the stock record's stored batches follow, in this transaction.
        freshness.refresh(stockrecord_ids=[line.stockrecord_id], today=today)
    return allocations


def stock_batches(stockrecord_ids):
    """``{stockrecord_id: [StockBatch, ...]}`` for records stocked from lots, oldest harvest first, in one query.

    A batch per lot with packs left; a record whose lots are all sold gets
    its newest lot with none left, so it is still judged by its lots (out of
    stock), not by the stock a seller may have typed in beside them.
    """
    found, newest = {}, {}
    rows = (
        Lot.objects.filter(stockrecord_id__in=list(stockrecord_ids)).order_by("harvest_date", "pk")
        .values_list("stockrecord_id", "harvest_date", "best_before", "packs", "allocated")
    )
    for stockrecord_id, harvest_date, best_before, packs, allocated in rows:
        newest[stockrecord_id] = StockBatch(harvest_date, best_before, 0)
        if packs - allocated > 0:
            found.setdefault(stockrecord_id, []).append(StockBatch(harvest_date, best_before, packs - allocated))
    for stockrecord_id, batch in newest.items():
        found.setdefault(stockrecord_id, [batch])
    return found


def report_rows(allocations):
    """One dict per lot allocation, in REPORT_COLUMNS, from a LotAllocation queryset."""
    allocations = (
        allocations.select_related("lot__connection__partner", "line__order__user", "line__product")
        .annotate(ship_date=Min("line__shipping_event_quantities__event__date_created"))
        .order_by("lot__harvest_date", "lot__lot_number", "line__order__date_placed", "pk")
    )
    for allocation in allocations:
        lot, line = allocation.lot, allocation.line
        order = line.order
        buyer = order.user.email if order.user_id else order.guest_email
        connection = lot.connection
        yield {
            "product": line.title,
            "sku": line.partner_sku,
            "lot": lot.lot_number,
            "quantity": allocation.quantity,
            "harvest_date": lot.harvest_date.isoformat(),
            "best_before": lot.best_before.isoformat(),
            "location": ", ".join(p for p in (connection.location, connection.facility_region) if p),
            "room": lot.room_name,
            "buyer": buyer,
            "order": order.number,
            "order_date": timezone.localtime(order.date_placed).date().isoformat(),
            "ship_date": timezone.localtime(allocation.ship_date).date().isoformat() if allocation.ship_date else "",
        }


def allocations_for(partners=None, lot_number=None, date_from=None, date_to=None):
    """Allocations filtered by growers (None = all), lot number and order date range (inclusive)."""
    queryset = LotAllocation.objects.all()
    if partners is not None:
        queryset = queryset.filter(lot__connection__partner__in=partners)
    if lot_number:
        queryset = queryset.filter(lot__lot_number=lot_number)
    if date_from:
        queryset = queryset.filter(line__order__date_placed__gte=_start_of(date_from))
    if date_to:
        queryset = queryset.filter(line__order__date_placed__lt=_start_of(date_to) + timedelta(days=1))
    return queryset


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def report_csv(allocations):
    """The traceability report as CSV text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS)
    writer.writeheader()
    for row in report_rows(allocations):
        writer.writerow(row)
    return out.getvalue()
