"""The product index: what a search document holds, built in bulk.

Haystack discovers ProductIndex here (this app replaces Oscar's search app).
prepare_chunk() builds the documents of a list of products from a handful of
flat queries (stock, growers, categories, attributes) for the whole list,
rather than several queries per product; a product is "In stock" when some
of its stock may be sold today by the pricing strategy's rule (within its
best-before, storefront.commerce.freshness), so the daily freshness sweep
re-indexes the products whose stock expired; every writer (the rebuild command,
the Celery tasks, the benchmark's Whoosh run) goes through it.

Fields a plugin adds come from extra_fields.collect_extra_index_fields().
"""

import re

from django.utils import timezone
from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from oscar.core.loading import get_model

from storefront.commerce import freshness
from storefront.commerce.partner.models import CERTIFICATIONS

from .extra_fields import collect_extra_index_fields_many

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
        """Browsable products (parents and standalone); prepare_chunk() fetches their relations."""
        return self.get_model().objects.browsable().select_related("product_class", "parent__product_class").order_by("pk")

    def read_queryset(self, using=None):
        return self.get_model().objects.browsable().base_queryset()

    def get_updated_field(self):
        return "date_updated"

    def prepare(self, obj):
        if getattr(obj, "_search_document", None) is None:
            self.prepare_chunk([obj])
        self.prepared_data = dict(obj._search_document)
        return self.prepared_data

    def full_prepare(self, obj, with_string_facet=True):
        document = self.prepare(obj)
        return {name: value for name, value in document.items() if value is not None and value != []}

    def prepare_chunk(self, products):
        """Build the document of every product in the list, in a few queries for the whole list.

        Each product gets it as product._search_document, which prepare() and
        full_prepare() return; every backend's update() therefore costs the
        same preparation, whichever backend writes the documents.
        """
        products = list(products)
        if not products:
            return products
        StockRecord = get_model("partner", "StockRecord")
        Partner = get_model("partner", "Partner")
        ProductCategory = get_model("catalogue", "ProductCategory")
        AttributeValue = get_model("catalogue", "ProductAttributeValue")
        Product = self.get_model()
        ids = [p.pk for p in products]
        owner = {pk: pk for pk in ids}  # stock of a child counts for its parent
        parent_ids = [p.pk for p in products if p.is_parent]
        if parent_ids:
            owner.update(Product.objects.filter(parent_id__in=parent_ids).values_list("pk", "parent_id"))
        records = {}
        today = timezone.localdate()
        for product_id, partner_id, price, in_stock, allocated, batches in StockRecord.objects.filter(product_id__in=list(owner)).values_list(
            "product_id", "partner_id", "price", "num_in_stock", "num_allocated", "batches"
        ):
            # What may be sold today: the strategy's own rule (storefront.commerce.freshness), so the
            # availability facet never says "In stock" of produce past its best-before.
            sellable = freshness.of_values(batches, in_stock, allocated, today).sellable
            records.setdefault(owner[product_id], []).append((partner_id, price, in_stock, allocated, sellable))
        partner_ids = {r[0] for rs in records.values() for r in rs}
        partners = {p.pk: p for p in Partner.objects.filter(pk__in=partner_ids).only(
            "pk", "name", "region", "city", "latitude", "longitude", "certifications")}
        categories = {}
        for product_id, name in ProductCategory.objects.filter(product_id__in=ids).values_list("product_id", "category__name"):
            categories.setdefault(product_id, []).append(name)
        attributes = {}
        for row in AttributeValue.objects.filter(product_id__in=ids).values_list(
            "product_id", "attribute__code", "attribute__type", "value_text", "value_float", "value_integer",
            "value_boolean", "value_richtext", "value_date", "value_option__option",
        ):
            product_id, code, kind, text, number, integer, boolean, richtext, date, option = row
            value = {"float": number, "integer": integer, "boolean": boolean, "richtext": richtext, "date": date, "option": option}.get(kind, text)
            if kind == "multi_option":
                continue  # several options per value: rare for produce; not indexed
            attributes.setdefault(product_id, {}).setdefault(code, _attribute_text(value))
        extras = collect_extra_index_fields_many(products)
        for product in products:
            product_partners = []
            seen = set()
            for partner_id, *_ in records.get(product.pk, ()):
                if partner_id not in seen and partner_id in partners:
                    seen.add(partner_id)
                    product_partners.append(partners[partner_id])
            document = {ID: get_identifier(product), DJANGO_CT: "catalogue.product", DJANGO_ID: str(product.pk)}
            document.update(self.product_fields(product, records.get(product.pk, []), product_partners,
                                                categories.get(product.pk, []), attributes.get(product.pk, {})))
            document.update(extras[product.pk])
            product._search_document = document
        return products

    def product_fields(self, product, records, partners, categories, attributes):
        def attribute(name):
            for code in ATTRIBUTE_CODES[name]:
                if attributes.get(code) not in (None, "", []):
                    return attributes[code]
            return None

        prices = [float(price) for _, price, *_ in records if price is not None]
        in_stock = sum(sellable for *_, sellable in records)
        certifications = set(_as_list(attribute("certification")))
        for partner in partners:
            certifications.update(CERTIFICATIONS.get(code, code) for code in partner.certification_codes)
        product_class = product.get_product_class()
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
        title = product.get_title()
        text = "\n".join(
            part
            for part in (
                title,
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
            "title": title,
            "upc": product.upc or None,
            "product_class": product_class.name if product_class else None,
            "category": sorted(set(categories)),
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
