"""A product's pack (size and unit) and its price per kg or per unit, so buyers can compare packs.

Produce is sold in packs: 30 g of basil, 2 kg of tomatoes, 12 heads of
lettuce, a punnet of strawberries. Its ``pack_size`` (a number) and
``pack_unit`` (an option: g, kg, head, punnet, tray) attribute values give
the pack; weighed produce is compared per kg, counted produce per unit.

Listings load the two values for a whole page of products at once
(``pack_prefetch``); the product page reads them from the attribute values
it has already loaded.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

PACK_CODES = ("pack_size", "pack_unit")
GRAMS_PER_UNIT = {"g": Decimal(1), "kg": Decimal(1000)}
COUNTED_UNITS = {"head": _("head"), "punnet": _("punnet"), "tray": _("tray")}
PREFETCH_ATTR = "_storefront_pack_values"


@dataclass(frozen=True)
class Pack:
    size: Decimal
    unit: str  # g, kg, head, punnet or tray

    @property
    def is_weighed(self):
        return self.unit in GRAMS_PER_UNIT

    def kilograms(self):
        return self.size * GRAMS_PER_UNIT[self.unit] / 1000


@dataclass(frozen=True)
class UnitPrice:
    amount: Decimal  # rounded to the penny
    per: str  # "kg", or the counted unit ("head")


def pack_prefetch():
    """The prefetch that loads every product's pack values in one query (to use on a product queryset)."""
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    values = ProductAttributeValue.objects.filter(attribute__code__in=PACK_CODES).select_related(
        "attribute", "value_option"
    )
    return Prefetch("attribute_values", queryset=values, to_attr=PREFETCH_ATTR)


def _values(product):
    for name in (PREFETCH_ATTR, "_prefetched_attribute_values"):  # ours, or the product page's own prefetch
        values = getattr(product, name, None)
        if values is not None:
            return values
    return list(product.attribute_values.filter(attribute__code__in=PACK_CODES).select_related("attribute", "value_option"))


def pack_of(product):
    """The product's Pack, or None when it has no usable pack size and unit."""
    size = unit = None
    for value in _values(product):
        code = value.attribute.code
        if code == "pack_size":
            size = value.value_float
        elif code == "pack_unit":
            unit = value.value_option.option if value.value_option_id else value.value_text
    if size is None or not unit:
        return None
    try:
        size = Decimal(str(size))
    except InvalidOperation:
        return None
    unit = str(unit).strip().lower()
    if size <= 0 or (unit not in GRAMS_PER_UNIT and unit not in COUNTED_UNITS):
        return None
    return Pack(size, unit)


def unit_price(pack, price):
    """The price per kg (weighed produce) or per unit (counted produce) of a pack at ``price``, or None."""
    if pack is None or price is None:
        return None
    if pack.is_weighed:
        amount, per = Decimal(price) / pack.kilograms(), "kg"
    else:
        amount, per = Decimal(price) / pack.size, str(COUNTED_UNITS[pack.unit])
    return UnitPrice(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), per)
