"""The product index: what a search document holds, built in bulk.

Haystack discovers ProductIndex here (this app replaces Oscar's search app).
prepare() builds the whole document in one pass from prefetched relations, so
indexing a chunk of products costs a handful of queries rather than several
per product; index_queryset() carries those prefetches, and every caller
(the rebuild command, the Celery tasks, the benchmark's Whoosh run) goes
through it.

Fields a plugin adds come from extra_fields.collect_extra_index_fields().
"""

import re

from django.db.models import Prefetch
from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from oscar.core.loading import get_model

from storefront.commerce.partner.models import CERTIFICATIONS

from .extra_fields import collect_extra_index_fields

# Attribute codes the catalogue may use for each indexed property, first match wins.
ATTRIBUTE_CODES = {
    "variety": ("variety", "cultivar"),
    "grade": ("grade", "quality_grade"),
    "growing_method": ("growing_method", "growing-method", "method", "growing_system"),
    "certification": ("certifications", "certification"),
    "pack_size": ("pack_size_kg", "pack_size", "pack_weight", "weight_kg", "weight"),
}
IN_STOCK, OUT_OF_STOCK = "In stock", "Out of stock"

_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|kilo\w*|g|grams?)?\b", re.IGNORECASE)


def pack_size_kg(value):
    """A pack size in kilograms from 10, "10", "10 kg", "500 g"; None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    match = _QUANTITY.search(str(value))
    if not match:
        return None
    amount, unit = float(match.group(1)), (match.group(2) or "kg").lower()
    return amount / 1000 if unit.startswith("g") else amount


def _attribute_text(value):
    if value is None:
        return None
    if hasattr(value, "option"):  # AttributeOption
        return str(value.option)
    if hasattr(value, "all"):  # multi_option: a queryset of options
        return [str(option.option) for option in value.all()]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class ProductIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField()
    upc = indexes.CharField(null=True)
    product_class = indexes.CharField(null=True)
    category = indexes.MultiValueField(null=True)
    grower = indexes.MultiValueField(null=True)
    region = indexes.MultiValueField(null=True)
    certification = indexes.MultiValueField(null=True)
    growing_method = indexes.CharField(null=True)
    variety = indexes.CharField(null=True)
    grade = indexes.CharField(null=True)
    availability = indexes.CharField()
    price = indexes.FloatField(null=True)
    num_in_stock = indexes.IntegerField(null=True)
    pack_size_kg = indexes.FloatField(null=True)
    rating = indexes.FloatField(null=True)
    # "lat,lon" of each grower stocking the product; a product is as near as its nearest grower.
    locations = indexes.MultiValueField(null=True)
    date_created = indexes.DateTimeField()
    is_public = indexes.BooleanField()

    def get_model(self):
        return get_model("catalogue", "Product")

    def index_queryset(self, using=None):
        """Browsable products (parents and standalone), with everything prepare() reads."""
        StockRecord = get_model("partner", "StockRecord")
        stock = Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner"))
        child_stock = Prefetch("children__stockrecords", queryset=StockRecord.objects.select_related("partner"))
        return (
            self.get_model()
            .objects.browsable()
            .select_related("product_class", "parent__product_class")
            .prefetch_related(
                "categories",
                stock,
                child_stock,
                "attribute_values__attribute",
                "attribute_values__value_option",
            )
            .order_by("pk")
        )

    def read_queryset(self, using=None):
        return self.get_model().objects.browsable().base_queryset()

    def get_updated_field(self):
        return "date_updated"

    def prepare(self, obj):
        document = {ID: get_identifier(obj), DJANGO_CT: "catalogue.product", DJANGO_ID: str(obj.pk)}
        document.update(self.product_fields(obj))
        document.update(collect_extra_index_fields(obj))
        self.prepared_data = document
        return document

    def full_prepare(self, obj, with_string_facet=True):
        document = self.prepare(obj)
        return {name: value for name, value in document.items() if value is not None and value != []}

    def product_fields(self, product):
        attributes = {}
        for value in product.attribute_values.all():
            attributes.setdefault(value.attribute.code, _attribute_text(value.value))

        def attribute(name):
            for code in ATTRIBUTE_CODES[name]:
                if attributes.get(code) not in (None, "", []):
                    return attributes[code]
            return None

        records = list(product.stockrecords.all())
        if product.is_parent:
            for child in product.children.all():
                records.extend(child.stockrecords.all())
        partners = {record.partner_id: record.partner for record in records}.values()

        prices = [float(r.price) for r in records if r.price is not None]
        in_stock = sum(max(0, (r.num_in_stock or 0) - (r.num_allocated or 0)) for r in records)
        certifications = set(_as_list(attribute("certification")))
        for partner in partners:
            certifications.update(CERTIFICATIONS.get(code, code) for code in partner.certification_codes)
        product_class = product.get_product_class()
        categories = [category.name for category in product.categories.all()]
        growers = sorted(partner.name for partner in partners if partner.name)
        regions = sorted({partner.region for partner in partners if partner.region})
        locations = [
            f"{float(p.latitude):.6f},{float(p.longitude):.6f}"
            for p in partners
            if p.latitude is not None and p.longitude is not None
        ]
        growing_method = attribute("growing_method")
        variety = attribute("variety")
        grade = attribute("grade")
        attribute_text = " ".join(
            " ".join(v) if isinstance(v, list) else str(v) for v in attributes.values() if v not in (None, "")
        )
        text = "\n".join(
            part
            for part in (
                product.get_title(),
                product.upc or "",
                product_class.name if product_class else "",
                " ".join(categories),
                " ".join(growers),
                " ".join(regions),
                " ".join(p.city for p in partners if p.city),
                attribute_text,
                " ".join(sorted(certifications)),
                product.description or "",
            )
            if part
        )
        return {
            "text": text,
            "title": product.get_title(),
            "upc": product.upc or None,
            "product_class": product_class.name if product_class else None,
            "category": categories,
            "grower": growers,
            "region": regions,
            "certification": sorted(certifications),
            "growing_method": growing_method if isinstance(growing_method, str) else None,
            "variety": variety if isinstance(variety, str) else None,
            "grade": grade if isinstance(grade, str) else None,
            "availability": IN_STOCK if in_stock > 0 else OUT_OF_STOCK,
            "price": min(prices) if prices else None,
            "num_in_stock": in_stock if records else None,
            "pack_size_kg": pack_size_kg(attribute("pack_size")),
            "rating": float(product.rating) if product.rating is not None else None,
            "locations": locations,
            "date_created": product.date_created,
            "is_public": bool(product.is_public),
        }
