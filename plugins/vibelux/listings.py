"""Automated listings: which product a harvest stocks, or the draft product made when there is none.

A harvest matches a product of the same grower with the same variety, pack
size and pack unit whose crop is the harvest's (the title starts with the
crop, as in "Butterhead lettuce 'Rex', 1 head", or the product class or a
category is named after it). Drafts made here carry those attributes, so the
next harvest of the same crop finds the draft instead of making another.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils.text import slugify
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOption = get_model("catalogue", "AttributeOption")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
StockRecord = get_model("partner", "StockRecord")

MATCH_ATTRIBUTES = ("variety", "pack_size", "pack_unit")
DRAFT_CLASS_NAME = "Produce from VibeLux"


@dataclass
class Match:
    product: object
    stockrecord: object
    created: bool


def attribute_value(value):
    """A ProductAttributeValue's value: the option's text for an option attribute."""
    if value.value_option_id is not None:
        return value.value_option.option
    for name in ("value_text", "value_float", "value_integer", "value_date", "value_richtext"):
        found = getattr(value, name, None)
        if found not in (None, ""):
            return found
    return None


def product_attributes(product_ids, codes):
    """``{product_id: {code: value}}`` for the given attribute codes, in one query."""
    found = {}
    values = ProductAttributeValue.objects.filter(product_id__in=product_ids, attribute__code__in=codes)
    for value in values.select_related("attribute", "value_option"):
        found.setdefault(value.product_id, {})[value.attribute.code] = attribute_value(value)
    return found


def crop_matches(product, crop):
    """The title starts with the crop, or the product class or a category is named after it.

    Checked in that order, so the categories (a query unless prefetched) are
    read only when the title and class do not settle it.
    """
    crop = crop.strip().lower()
    if product.title.lower().startswith(crop):
        return True
    if product.product_class_id and product.product_class.name.lower() == crop:
        return True
    return any(category.name.lower() == crop for category in product.categories.all())


def same_pack(values, data):
    try:
        size = Decimal(str(values.get("pack_size")))
    except ArithmeticError:
        return False
    return size == Decimal(str(data["pack_size"])) and str(values.get("pack_unit", "")).lower() == data["pack_unit"]


def matching_stockrecord(partner, data):
    """The grower's stock record for a product matching the harvest, or None."""
    candidates = (
        StockRecord.objects.filter(partner=partner, product__attribute_values__attribute__code="variety")
        .filter(
            Q(product__attribute_values__value_text__iexact=data["variety"])
            | Q(product__attribute_values__value_option__option__iexact=data["variety"])
        )
        .select_related("product__product_class")
        .prefetch_related("product__categories")
        .order_by("pk")
        .distinct()
    )
    candidates = list(candidates)
    values = product_attributes([s.product_id for s in candidates], MATCH_ATTRIBUTES)
    for stockrecord in candidates:
        product = stockrecord.product
        if same_pack(values.get(product.pk, {}), data) and crop_matches(product, data["crop"]):
            return stockrecord
    return None


def _draft_class():
    """A product class with the attributes a harvest sets; the grower's usual classes are preferred."""
    for product_class in ProductClass.objects.order_by("pk"):
        if set(MATCH_ATTRIBUTES) <= set(product_class.attributes.values_list("code", flat=True)):
            return product_class
    product_class, _ = ProductClass.objects.get_or_create(
        name=DRAFT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True}
    )
    group, _ = AttributeOptionGroup.objects.get_or_create(name="VibeLux pack unit")
    for unit in ("g", "kg", "head", "punnet", "tray"):
        AttributeOption.objects.get_or_create(group=group, option=unit)
    for code, name, kind in [
        ("variety", "Variety", "text"), ("pack_size", "Pack size", "float"), ("pack_unit", "Pack unit", "option"),
        ("harvest_date", "Harvest date", "date"), ("shelf_life_days", "Shelf life (days)", "integer"),
    ]:
        ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code,
            defaults={"name": name, "type": kind, "option_group": group if kind == "option" else None},
        )
    return product_class


def set_attribute(product, code, value):
    """Store one attribute value, if the product's class has that attribute; options are created as needed."""
    attribute = product.get_product_class().attributes.filter(code=code).first()
    if attribute is None:
        return False
    if attribute.type == ProductAttribute.OPTION:
        value, _ = AttributeOption.objects.get_or_create(group=attribute.option_group, option=str(value))
    elif attribute.type == ProductAttribute.FLOAT:
        value = float(value)
    attribute.save_value(product, value)
    return True


def _pack_label(data):
    size = Decimal(str(data["pack_size"])).normalize()
    size = f"{size:f}"
    unit = data["pack_unit"]
    if unit in ("g", "kg"):
        return f"{size} {unit}"
    return f"{size} {unit}" + ("" if size == "1" else "s")


def create_draft(connection, data):
    partner = connection.partner
    title = f"{data['crop']} '{data['variety']}', {_pack_label(data)}"
    weight = _weight(data)
    price = (connection.price_per_kg * weight).quantize(Decimal("0.01")) if connection.price_per_kg else None
    publish = connection.listing_mode == connection.PUBLISH and price is not None and price > 0
    product = Product.objects.create(
        title=title, product_class=_draft_class(), structure=Product.STANDALONE, is_public=publish,
        description=f"Listed from a VibeLux harvest ({data['crop']}, {data['variety']}) at {connection.location}.",
    )
    product.slug = slugify(f"{title}-{partner.code}-{product.pk}")[:128]
    product.save()
    for code in MATCH_ATTRIBUTES:
        set_attribute(product, code, data[code])
    sku = slugify(f"vl-{data['crop']}-{data['variety']}-{_pack_label(data)}")[:120] or f"vl-{product.pk}"
    if StockRecord.objects.filter(partner=partner, partner_sku=sku).exists():
        sku = f"{sku[:110]}-{product.pk}"
    stockrecord = StockRecord.objects.create(
        partner=partner, product=product, partner_sku=sku, price=price, num_in_stock=0,
    )
    return product, stockrecord, publish


def _weight(data):
    from .ingest import pack_weight_kg

    return pack_weight_kg(data)


def _match_key(connection, data):
    return ("match", connection.pk, data["crop"].strip().lower(), data["variety"].strip().lower(),
            Decimal(str(data["pack_size"])), data["pack_unit"])


def find_or_create_listing(connection, data, outcome, cache=None):
    cache = {} if cache is None else cache
    key = _match_key(connection, data)
    stockrecord = cache.get(key) or matching_stockrecord(connection.partner, data)
    if stockrecord is not None:
        cache[key] = stockrecord
        outcome.count("updated", "listing")
        return Match(stockrecord.product, stockrecord, created=False)
    product, stockrecord, published = create_draft(connection, data)
    cache[key] = stockrecord
    if published:
        outcome.count("created", "published listing")
    else:
        outcome.count("created", "draft listing")
        reason = (
            "the grower reviews new listings" if connection.listing_mode == connection.REVIEW
            else "no price per kg is set for the grower"
        )
        outcome.messages.append(f"{product.title}: saved as a draft because {reason}.")
    return Match(product, stockrecord, created=True)


def best_before(product, connection, harvest_date, cache=None):
    cache = {} if cache is None else cache
    key = ("shelf_life", product.pk)
    if key not in cache:
        values = product_attributes([product.pk], ["shelf_life_days"]).get(product.pk, {})
        cache[key] = int(values.get("shelf_life_days") or connection.default_shelf_life_days)
    return harvest_date + timedelta(days=cache[key])


def record_harvest_date(product, harvest_date, cache=None):
    """Show the latest harvest date on the product (its harvest_date attribute, when the class has one)."""
    cache = {} if cache is None else cache
    key = ("harvest_date", product.pk)
    if key not in cache:
        cache[key] = product_attributes([product.pk], ["harvest_date"]).get(product.pk, {}).get("harvest_date")
    current = cache[key]
    if current is None or current < harvest_date:
        set_attribute(product, "harvest_date", harvest_date)
        cache[key] = harvest_date
