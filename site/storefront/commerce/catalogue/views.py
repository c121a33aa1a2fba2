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
"""

from django.db.models import Exists, F, OuterRef, Prefetch
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView
from oscar.core.loading import get_model

AttributeOption = get_model("catalogue", "AttributeOption")
Option = get_model("catalogue", "Option")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


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
    """Products with what pricing and the add-to-basket form read: class, option flags, stock records."""
    return (
        queryset.select_related("product_class", "parent__product_class")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related("stockrecords")
    )


class ProductDetailView(CoreProductDetailView):
    def get_object(self, queryset=None):
        product = super().get_object(queryset)
        # Plugins' template context hooks (the VibeLux panel) find the page's product here,
        # with everything below already loaded, instead of fetching it again.
        self.request.catalogue_product = product
        return product

    def get_queryset(self):
        return for_purchase(super().get_queryset()).prefetch_related(
            "images",
            Prefetch("attribute_values", queryset=attribute_values(), to_attr="_prefetched_attribute_values"),
            Prefetch(
                "parent__attribute_values",
                queryset=attribute_values(),
                to_attr="_prefetched_parent_attribute_values",
            ),
        )
