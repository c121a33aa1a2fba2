"""Orders to print invoices of: growers with their towns, lines from several growers, a paid card payment.

Shared by tests/functional/test_invoices.py and bench/invoices/run.py.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test import factories

from storefront.commerce.shipping.repository import ChilledDelivery
from tests.factories import create_country, create_grower, create_listed_product

PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")

PLACED = timezone.make_aware(datetime.datetime(2026, 11, 20, 14, 5))


def grower(name, town, **kwargs):
    partner = create_grower(name, **kwargs)
    partner.city = town
    partner.save(update_fields=["city"])
    return partner


def place_order(buyer, items, *, number=None, placed=PLACED, shipping_method=None):
    """An order of `items` [(product, quantity)] for `buyer`, delivered to an address in Manchester."""
    country = create_country()
    basket = factories.create_basket(empty=True)
    basket.owner = buyer
    basket.save()
    for product, quantity in items:
        basket.add_product(product, quantity)
    address = factories.ShippingAddressFactory(
        country=country, first_name="Ada", last_name="Lovelace", line1="1 Canal Street", line2="",
        line4="Manchester", postcode="M1 3HE",
    )
    billing = factories.BillingAddressFactory(
        country=country, first_name="Ada", last_name="Lovelace", line1="12 Deansgate", line2="",
        line4="Manchester", postcode="M3 2BW",
    )
    return factories.create_order(
        number=number, user=buyer, basket=basket, shipping_address=address, billing_address=billing,
        shipping_method=shipping_method or ChilledDelivery(), date_placed=placed,
    )


def settle(order, when=PLACED):
    """Record the card payment as the checkout does (a Settled payment event), at `when`."""
    event_type, _ = PaymentEventType.objects.get_or_create(name="Settled")
    event = PaymentEvent.objects.create(order=order, event_type=event_type, amount=order.total_incl_tax)
    PaymentEvent.objects.filter(pk=event.pk).update(date_created=when)  # date_created is auto_now_add
    return event


def many_lines_order(buyer, count, *, growers=3):
    """An order of `count` lines spread over `growers` growers, each title long enough to wrap."""
    farms = [grower(f"Bench Farm {index + 1}", ["London", "Leeds", "Bristol", "Glasgow"][index % 4])
             for index in range(growers)]
    items = []
    for index in range(count):
        product = create_listed_product(
            farms[index % growers],
            f"Microgreens mix no. {index + 1} ‘Chef’s selection’ – radish, pea, sunflower and coriander, 100 g",
            price=str(Decimal("2.15") + index),
            stock=50,
        )
        items.append((product, 1 + index % 3))
    return place_order(buyer, items)
