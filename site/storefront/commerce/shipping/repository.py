"""The shipping methods a buyer chooses from at checkout."""

from decimal import Decimal

from oscar.apps.shipping import methods
from oscar.apps.shipping.repository import Repository as CoreRepository


class ChilledDelivery(methods.FixedPrice):
    code = "chilled-delivery"
    name = "Chilled delivery"
    description = "Refrigerated van delivery, next working day."
    charge_excl_tax = Decimal("6.50")
    charge_incl_tax = Decimal("6.50")


class FarmPickup(methods.Free):
    code = "farm-pickup"
    name = "Farm pickup"
    description = "Collect from the grower's facility; the grower confirms a pickup slot by email."


class Repository(CoreRepository):
    methods = (ChilledDelivery(), FarmPickup())
