"""Per-site product visibility, from the ``storefront_product_filter`` hook.

One rule for every place a product can appear: listings and search use
``restrict``/``visible_ids``, the product page and the basket use
``is_visible`` (through the middleware, which answers 404). The filter is a
Q over Product, so applying it is part of the query that fetches the
products, never an extra query per product.
"""

from functools import reduce
from operator import and_

from oscar.core.loading import get_model

from .host import get_host


def product_filter(scope=None, host=None):
    """The AND of every enabled plugin's filter for the scope, or None when nothing is hidden."""
    filters = [q for q in (host or get_host()).call("storefront_product_filter", scope=scope) if q]
    return reduce(and_, filters) if filters else None


def restrict(queryset, scope=None, host=None):
    q = product_filter(scope, host)
    return queryset if q is None else queryset.filter(q)


def is_visible(product_id, scope=None, host=None):
    q = product_filter(scope, host)
    if q is None:
        return True
    Product = get_model("catalogue", "Product")
    return Product.objects.filter(pk=product_id).filter(q).exists()


def visible_ids(product_ids, scope=None, host=None):
    """The subset of ``product_ids`` the scope's site may show (one query, or none)."""
    ids = {int(pk) for pk in product_ids}
    q = product_filter(scope, host)
    if q is None or not ids:
        return ids
    Product = get_model("catalogue", "Product")
    return set(Product.objects.filter(pk__in=ids).filter(q).values_list("pk", flat=True))
