"""What an invoice says, read from an Oscar order: plain data for the PDF layout to print.

Kept apart from the layout so that what is on an invoice (and where each
figure comes from) reads in one place and can be checked without a PDF.

Where the figures come from (all as Oscar recorded them when the order was placed):
- each line: ``unit_price_incl_tax`` and ``line_price_before_discounts_incl_tax``
  (the price before offers; the offers follow as discount rows, so the rows
  add up to the total);
- the grower: the line's ``partner_name`` as it was at the time of the order
  (it stays when the Partner row is deleted) and the town from the Partner row;
- shipping, surcharges, total and tax: the order's own fields; tax is
  ``total_incl_tax - total_excl_tax``;
- the payment: the order's Stripe payment (``order.stripe_payment``), else
  Oscar's payment sources.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

INVOICE_PREFIX = "INV-"


def invoice_number(order):
    """The invoice's number: "INV-" and the order number (one invoice per order, so it is unique and stable)."""
    return f"{INVOICE_PREFIX}{order.number}"


@dataclass(frozen=True)
class InvoiceLine:
    title: str
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass
class GrowerGroup:
    name: str
    town: str
    lines: list = field(default_factory=list)

    @property
    def heading(self):
        """ "Railway Arches Farm, London", or only the name when the town is not known."""
        return f"{self.name}, {self.town}" if self.town else self.name

    @property
    def subtotal(self):
        return sum((line.line_total for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class Invoice:
    number: str
    order_number: str
    site_name: str
    invoice_date: object  # a datetime, in the site's time zone
    order_date: object
    buyer_name: str
    buyer_email: str
    billing_address: list  # lines of text; empty when the order has none
    shipping_address: list
    shipping_method: str
    groups: list  # GrowerGroup, in the order their first line was added
    discounts: list  # (label, amount), amounts positive
    shipping: Decimal
    surcharges: list  # (label, amount)
    total_excl_tax: Decimal
    tax: Decimal
    total_incl_tax: Decimal
    currency: str
    payment: str  # "Paid by card ending 4242 on 4 December 2026"
    refunded: Decimal  # refunded to the card so far; 0 when nothing was


def invoice_from_order(order):
    """Read everything the invoice prints from `order` (a handful of queries, however many lines)."""
    lines = list(
        order.lines.select_related("partner").prefetch_related("attributes__option").order_by("pk")
    )
    paid_on, payment_text, refunded = _payment(order)
    return Invoice(
        number=invoice_number(order),
        order_number=order.number,
        site_name=site_name(order),
        invoice_date=paid_on or timezone.localtime(order.date_placed),
        order_date=timezone.localtime(order.date_placed),
        buyer_name=_buyer_name(order),
        buyer_email=order.email or "",
        billing_address=_address_lines(order.billing_address),
        shipping_address=_address_lines(order.shipping_address),
        shipping_method=order.shipping_method or "",
        groups=_groups(lines),
        discounts=[
            (discount.description() or "Discount", discount.amount) for discount in order.basket_discounts
        ],
        shipping=order.shipping_incl_tax,
        surcharges=[(charge.name, charge.incl_tax) for charge in order.surcharges.all()],
        total_excl_tax=order.total_excl_tax,
        tax=order.total_incl_tax - order.total_excl_tax,
        total_incl_tax=order.total_incl_tax,
        currency=order.currency,
        payment=payment_text,
        refunded=refunded,
    )


def _groups(lines):
    groups = {}
    for line in lines:
        partner = line.partner
        # The name as recorded on the order; a deleted grower keeps it (partner is then None).
        name = line.partner_name or (partner.name if partner else "") or "Unknown grower"
        key = ("partner", line.partner_id) if line.partner_id else ("name", name)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GrowerGroup(name=name, town=getattr(partner, "city", "") or "")
        unit = line.unit_price_incl_tax
        total = line.line_price_before_discounts_incl_tax
        if unit is None:  # Oscar allows it; the line total always is there
            unit = (total / line.quantity).quantize(Decimal("0.01")) if line.quantity else total
        group.lines.append(
            InvoiceLine(
                title=line.description,
                sku=line.partner_sku or "",
                quantity=line.quantity,
                unit_price=unit,
                line_total=total,
            )
        )
    return list(groups.values())


def site_name(order):
    """The name of the storefront the order was placed on.

    Oscar records a Django Site on the order; the storefront's sites are
    Wagtail's, so the Wagtail site with the same host (and port) names it. The
    Django Site of ``SITE_ID`` stands for the default Wagtail site. An order
    with no site is the default site's.
    """
    from wagtail.models import Site as WagtailSite

    django_site = order.site
    wagtail_site = None
    if django_site is not None:
        host, _, port = django_site.domain.partition(":")
        candidates = WagtailSite.objects.filter(hostname=host)
        if port.isdigit():
            candidates = candidates.filter(port=int(port))
        wagtail_site = candidates.order_by("-is_default_site", "pk").first()
    if wagtail_site is None and (django_site is None or django_site.pk == settings.SITE_ID):
        wagtail_site = WagtailSite.objects.filter(is_default_site=True).first()
    if wagtail_site is not None and wagtail_site.site_name:
        return wagtail_site.site_name
    if django_site is not None and wagtail_site is None and django_site.pk != settings.SITE_ID:
        return django_site.name
    return settings.OSCAR_SHOP_NAME


def _buyer_name(order):
    user = order.user
    if user is not None and user.get_full_name().strip():
        return user.get_full_name().strip()
    for address in (order.billing_address, order.shipping_address):
        if address is not None and address.salutation:
            return address.salutation
    return order.email or ""


def _address_lines(address):
    return address.active_address_fields() if address is not None else []


def _payment(order):
    """(when it was paid or None, the sentence the invoice prints, amount refunded)."""
    from storefront.payments.split import from_minor_units

    settled = order.payment_events.filter(event_type__name="Settled").order_by("date_created").first()
    paid_on = timezone.localtime(settled.date_created) if settled else None
    on = f" on {long_date(paid_on)}" if paid_on else ""
    # The one-to-one's reverse accessor raises RelatedObjectDoesNotExist (an
    # AttributeError) when the order was not paid through Stripe.
    payment = getattr(order, "stripe_payment", None)
    if payment is not None and payment.amount_captured:
        # card_last4 is recorded by the payments layer from the card that
        # authorised the intent; payments made before it was recorded have none.
        last4 = getattr(payment, "card_last4", "") or ""
        card = f"card ending {last4}" if last4 else "card"
        refunded = from_minor_units(payment.amount_refunded, payment.currency) if payment.amount_refunded else Decimal(0)
        return paid_on, f"Paid by {card}{on}", refunded
    debited = [source for source in order.sources.select_related("source_type") if source.amount_debited]
    if debited:
        names = ", ".join(dict.fromkeys(source.source_type.name for source in debited))
        refunded = sum((source.amount_refunded for source in debited), Decimal(0))
        return paid_on, f"Paid by {names}{on}", refunded
    if paid_on:
        return paid_on, f"Paid{on}", Decimal(0)
    return None, "Not paid yet", Decimal(0)


def long_date(moment):
    """4 December 2026 (no locale needed, no leading zero)."""
    return f"{moment.day} {moment:%B %Y}"
