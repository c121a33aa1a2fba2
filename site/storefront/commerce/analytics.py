"""Count product views without writing to the database during the page view.

Oscar's analytics receiver updates ProductRecord on every product page view.
On SQLite that write takes the database's single write lock, and under
concurrent buyers a share of product views then fail with "database is
locked". We disconnect that receiver and count views in the cache instead;
the periodic task ``flush_product_views`` folds the counts into
ProductRecord. Everything else Oscar's analytics records (basket additions,
orders, searches) happens on requests that write anyway and is kept.
"""

from django.conf import settings
from django.core.cache import cache

VIEW_COUNT_KEYS = "storefront:product-views:keys"


def count_product_view(sender, product, user, **kwargs):
    """One round trip to the cache for most views: the increment.

    The product joins the set of products to flush only when its count
    starts again (at 1: a new counter, or the first view since a flush,
    which leaves counters at 0), not on every view.
    """
    if kwargs.get("raw", False) or not getattr(settings, "STOREFRONT_COUNT_PRODUCT_VIEWS", True):
        return
    key = f"storefront:product-views:{product.pk}"
    try:
        count = cache.incr(key)
    except ValueError:  # no counter yet (or evicted)
        count = 1 if cache.add(key, 1, timeout=None) else cache.incr(key)
    if count == 1:
        ids = cache.get(VIEW_COUNT_KEYS) or set()
        if product.pk not in ids:
            ids.add(product.pk)
            cache.set(VIEW_COUNT_KEYS, ids, timeout=None)


def replace_oscar_view_counter():
    from oscar.apps.analytics.receivers import receive_product_view
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(receive_product_view)
    product_viewed.connect(count_product_view, dispatch_uid="storefront-count-product-view")
