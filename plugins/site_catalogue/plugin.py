"""Hook implementations of the site catalogue plugin (entry point ``site_catalogue``).

The filter is built from subqueries, so applying it adds no join that could
duplicate products and no query per product. A variant's grower makes its
parent visible too, since listings show parents.
"""

from storefront.plugins import hookimpl

from . import __version__  # noqa: F401

LABEL = "Site catalogue"
DESCRIPTION = "Limit a site to chosen growers or categories, in listings, search, product pages and the basket."
CONFIG_FORM = "site_catalogue.forms.SiteCatalogueForm"


@hookimpl
def storefront_product_filter(site, config):
    from django.db.models import Q
    from oscar.core.loading import get_model

    growers, categories = config.get("growers") or [], config.get("categories") or []
    if not growers and not categories:
        return None
    StockRecord = get_model("partner", "StockRecord")
    Category = get_model("catalogue", "Category")
    ProductCategory = get_model("catalogue", "ProductCategory")
    q = Q()
    if growers:
        sold = StockRecord.objects.filter(partner__code__in=growers)
        q &= Q(pk__in=sold.values("product_id")) | Q(pk__in=sold.filter(product__parent__isnull=False).values("product__parent_id"))
    if categories:
        chosen = Category.objects.none()
        for category in Category.objects.filter(slug__in=categories):
            chosen = chosen | category.get_descendants_and_self()
        in_category = ProductCategory.objects.filter(category__in=chosen.values("pk")).values("product_id")
        # Variants carry no categories of their own: they follow their parent.
        q &= Q(pk__in=in_category) | Q(parent_id__in=in_category)
    return q
