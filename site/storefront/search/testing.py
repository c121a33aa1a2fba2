"""Factories for search tests: growers with a place, produce with searchable attributes.

Like oscar.test.factories, these ship with the code so any test (or a plugin's
tests) can build a small catalogue that exercises every facet.
"""

from decimal import Decimal

from oscar.core.loading import get_model
from oscar.test.factories import create_product, create_stockrecord

from .geo import load_gazetteer, normalise


def make_grower(name, city="Leeds", region=None, certifications="", lat=None, lon=None):
    """A partner at a gazetteer city (or at lat/lon), with its region and certifications."""
    Partner = get_model("partner", "Partner")
    if lat is None or lon is None:
        place = load_gazetteer()[normalise(city)]
        lat, lon = place[2], place[3]
    return Partner.objects.create(
        name=name,
        city=city,
        region=region or city,
        certifications=certifications,
        latitude=Decimal(f"{lat:.6f}"),
        longitude=Decimal(f"{lon:.6f}"),
    )


def make_produce(title, grower, price="5.00", num_in_stock=10, product_class="Herbs", category=None,
                 growing_method="hydroponic", pack_size_kg=None, variety=None, description="",
                 harvest_date=None, shelf_life_days=None):
    """A standalone product stocked by `grower`, with the attributes the index reads.

    With ``harvest_date`` (a date) and ``shelf_life_days`` it is sold until
    its best-before, as the demo's produce is (storefront.commerce.freshness).
    """
    attributes = {"growing_method": growing_method}
    if harvest_date is not None:
        attributes["harvest_date"] = harvest_date.isoformat()
    if shelf_life_days is not None:
        attributes["shelf_life_days"] = str(shelf_life_days)
    if pack_size_kg is not None:
        attributes["pack_size_kg"] = str(pack_size_kg)
    if variety:
        attributes["variety"] = variety
    product = create_product(title=title, product_class=product_class, attributes=attributes, description=description)
    create_stockrecord(product, price=Decimal(str(price)), num_in_stock=num_in_stock, partner_name=grower.name)
    record = product.stockrecords.get()
    if record.partner_id != grower.pk:  # create_stockrecord finds partners by name; make sure it is ours
        record.partner = grower
        record.save()
    if category:
        Category = get_model("catalogue", "Category")
        node = Category.objects.filter(name=category).first() or Category.add_root(name=category)
        get_model("catalogue", "ProductCategory").objects.create(product=product, category=node)
    return product
