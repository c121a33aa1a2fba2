"""Count product views and basket additions in the cache, not with a database write per request.

Oscar's analytics receivers update ProductRecord on every product page view
and every addition to a basket: an UPDATE (and on SQLite the database's one
write lock) on requests that are otherwise reads or already cheap writes.
Under concurrent buyers on SQLite a share of product views then fail with
"database is locked"; on PostgreSQL the write is a round trip and a row
lock on a hot product. We disconnect those two receivers and count in the
cache instead; the periodic task ``flush_product_counts`` folds the counts
into ProductRecord. What Oscar records about a signed-in user (UserRecord
counters, the UserProductView history) is still written at once, as Oscar
does. Orders and searches are recorded by Oscar unchanged.
"""

from django.conf import settings
from django.core.cache import cache

# Per counted event: the ProductRecord field its counts are folded into.
COUNTED = {"views": "num_views", "basket-additions": "num_basket_additions"}


def count_key(event, product_id):
    return f"storefront:product-{event}:{product_id}"


def pending_key(event):
    """The set of products with counts of this event not yet flushed."""
    return f"storefront:product-{event}:keys"


def count(event, product_id):
    """One round trip to the cache for most events: the increment.

    The product joins the set of products to flush only when its count
    starts again (at 1: a new counter, or the first event since a flush,
    which leaves counters at 0), not every time.
    """
    key = count_key(event, product_id)
    try:
        total = cache.incr(key)
    except ValueError:  # no counter yet (or evicted)
        total = 1 if cache.add(key, 1, timeout=None) else cache.incr(key)
    if total == 1:
        ids = cache.get(pending_key(event)) or set()
        if product_id not in ids:
            ids.add(product_id)
            cache.set(pending_key(event), ids, timeout=None)


def _counting(kwargs):
    return not kwargs.get("raw", False) and getattr(settings, "STOREFRONT_COUNT_PRODUCT_EVENTS", True)


def count_product_view(sender, product, user, **kwargs):
    if not _counting(kwargs):
        return
    count("views", product.pk)
    if user is not None and user.is_authenticated:
        from oscar.apps.analytics.receivers import UserProductView, UserRecord, _update_counter

        _update_counter(UserRecord, "num_product_views", {"user": user})
        UserProductView.objects.create(product=product, user=user)


def count_basket_addition(sender, product, user, **kwargs):
    if not _counting(kwargs):
        return
    count("basket-additions", product.pk)
    if user is not None and user.is_authenticated:
        from oscar.apps.analytics.receivers import UserRecord, _update_counter

        _update_counter(UserRecord, "num_basket_additions", {"user": user})


def replace_oscar_counters():
    from oscar.apps.analytics.receivers import receive_basket_addition, receive_product_view
    from oscar.apps.basket.signals import basket_addition
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(receive_product_view)
    product_viewed.connect(count_product_view, dispatch_uid="storefront-count-product-view")
    basket_addition.disconnect(receive_basket_addition)
    basket_addition.connect(count_basket_addition, dispatch_uid="storefront-count-basket-addition")
