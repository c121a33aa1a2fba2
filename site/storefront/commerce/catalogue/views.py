"""The product page: Oscar's view, with the product loaded together with what its page reads.

Oscar's view fetches the bare product; its page then reads the product
class, each attribute value's attribute and option (two queries per
attribute), the stock record once per price shown, the images and whether
the product has options, one query at a time. Here they come with the
product in a fixed number of queries whatever its attributes. The attribute
values are prefetched under the names Oscar's ``get_attribute_values`` looks
for (as ``ProductQuerySet.prefetch_attribute_values`` does, without the
product class's attribute list, which the page never reads), and the option
flags are the annotations ``Product.has_options`` reads (as in
``ProductQuerySet.base_queryset``, without prefetching children and options
the page does not show). The loaded product is ``request.catalogue_product``
for plugins' hooks that run while the page renders.

The view loads the product with what pricing needs (class, option flags,
stock records); the rest (images, attribute values) only the page's cached
fragments read (storefront.caching.fragments), so it is loaded when a
fragment is rendered (``prepare_fragments``), not when one is served from
the cache. ``product_facts`` is what the fragments' keys carry.
"""

from functools import partial

from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView
from oscar.core.loading import get_model

AttributeOption = get_model("catalogue", "AttributeOption")
Option = get_model("catalogue", "Option")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")


def attribute_values():
    """Attribute values with their attribute and options: what the page's attribute table shows."""
    return (
        ProductAttributeValue.objects.select_related("attribute", "value_option", "value_option__group")
        # Options in the order their group defines them (Oscar leaves it to the database: it varies).
        .prefetch_related(
            Prefetch("value_multi_option", queryset=AttributeOption.objects.select_related("group").order_by("pk"))
        )
        .annotate(code=F("attribute__code"))
    )


def for_purchase(queryset):
    """Products with what pricing and the add-to-basket form read: class, option flags, stock records and their growers."""
    return (
        queryset.select_related("product_class", "parent__product_class")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        # each stock record with its grower (a join, not a query): the page names who grew it
        .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")))
    )


def page_relations():
    """What the product page shows beyond what pricing loads: images and attribute values (the product's and its parent's)."""
    return (
        "images",
        Prefetch("attribute_values", queryset=attribute_values(), to_attr="_prefetched_attribute_values"),
        Prefetch("parent__attribute_values", queryset=attribute_values(), to_attr="_prefetched_parent_attribute_values"),
    )


def load_page_relations(product):
    """Load page_relations() onto the product, once."""
    if not getattr(product, "_page_relations_loaded", False):
        prefetch_related_objects([product], *page_relations())
        product._page_relations_loaded = True


def product_facts(product):
    """What a product page fragment depends on besides the purge generation and the day: the product's change stamp and stock."""
    stock = tuple(
        (record.pk, str(record.price), record.num_in_stock, record.num_allocated, repr(record.batches))
        for record in product.stockrecords.all()
    )
    return (product.pk, product.date_updated.isoformat() if product.date_updated else "", stock)


class ProductDetailView(CoreProductDetailView):
    def get_object(self, queryset=None):
        product = super().get_object(queryset)
        # Plugins' template context hooks (the VibeLux panel) find the page's product here,
        # with everything below already loaded, instead of fetching it again.
        self.request.catalogue_product = product
        return product

    def get_queryset(self):
        return for_purchase(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product_facts"] = product_facts(self.object)
        context["prepare_fragments"] = partial(load_page_relations, self.object)
        return context
