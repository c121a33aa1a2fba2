"""Which categories lead to products on the site being served: no tile or menu link that opens an empty listing.

A category is shown when it, or any category below it, holds at least one
browsable product the site may show (the per-site visibility filter of the
``storefront_product_filter`` hook, storefront.plugins.visibility): that is
what its listing shows, since a listing includes its subcategories. On a
white-label site limited to some growers, the crops they do not grow drop out
of the category grid and the menus; on the main site, a category with no
products at all does too.

The products of every category are counted in one query (grouped by
category) and the answer is kept per site and purge generation, like the
category tree: a product, stock record, category or plugin setting save bumps
the generation (STOREFRONT_PAGE_CACHE_PURGE_MODELS), so a category that gains
or loses its last product is seen at once. Within a request the answer is
kept on the request, so the grid and the menus share one query.
"""

from django.conf import settings
from django.db.models import Count
from oscar.core.loading import get_model

from storefront.caching.keys import current_generation, page_cache
from storefront.caching.local import per_generation
from storefront.plugins.host import get_host
from storefront.plugins.visibility import restrict

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")

SHARED_SECONDS = 60 * 60


def product_counts(scope=None) -> dict[str, int]:
    """{category path: browsable products the scope's site shows directly in that category}, in one query.

    Only categories with at least one such product appear. The counts are
    of products placed in the category itself, not its subcategories (a
    product in two subcategories would be counted twice by a sum).
    """
    visible = restrict(Product.objects.browsable(), scope).values("pk")
    rows = (
        ProductCategory.objects.filter(product__in=visible)
        .values_list("category__path")
        .annotate(products=Count("pk"))
        .order_by()
    )
    return dict(rows)


def paths_with_products(counts) -> frozenset[str]:
    """The paths of the categories whose subtree holds a product: each counted category and its ancestors."""
    steplen = Category.steplen
    paths = set()
    for path, count in counts.items():
        if count:
            paths.update(path[:end] for end in range(steplen, len(path) + 1, steplen))
    return frozenset(paths)


def _scope_of(request):
    return getattr(request, "plugin_scope", None) if request is not None else None


def site_key(request):
    """What the answer depends on besides the generation: the request's site and the registered plugins."""
    scope = _scope_of(request)
    site = getattr(scope, "site", None)
    return (site.pk if site is not None else None, get_host().token)


def shown_category_paths(request=None) -> frozenset[str]:
    """Paths of the categories that lead to at least one product on the request's site.

    Outside a request (an admin block preview without one), the current
    plugin scope's answer is computed afresh.
    """
    if request is None:
        return paths_with_products(product_counts())
    paths = getattr(request, "_shown_category_paths", None)
    if paths is None:
        scope = _scope_of(request)
        if settings.STOREFRONT_CATEGORY_TREE_CACHE:
            key = site_key(request)
            paths = per_generation(request, ("shown-categories", *key), lambda: _shared(request, scope, key))
        else:
            paths = paths_with_products(product_counts(scope))
        request._shown_category_paths = paths
    return paths


def _shared(request, scope, key):
    cache_key = f"shown-categories:{current_generation(request)}:{key[0]}:{key[1]}"
    cache = page_cache()
    paths = cache.get(cache_key)
    if paths is None:
        paths = paths_with_products(product_counts(scope))
        cache.set(cache_key, paths, SHARED_SECONDS)
    return paths


def prune_tree(tree, paths):
    """Oscar's annotated category list (``{% category_tree %}``) without the categories not in ``paths``.

    ``paths`` holds every ancestor of a kept category, so the tree keeps its
    shape; each kept entry is copied with ``has_children`` and
    ``num_to_close`` worked out again for its new neighbours (the menus'
    templates open and close their nested lists with them).
    """
    from oscar.templatetags.category_tags import CheapCategoryInfo

    kept = [info for info in tree if info.category.path in paths]
    pruned = []
    for index, info in enumerate(kept):
        level = info.get("level", 0)
        next_level = kept[index + 1].get("level", 0) if index + 1 < len(kept) else 0
        entry = CheapCategoryInfo(info.category, **info)
        entry["has_children"] = next_level > level
        entry["num_to_close"] = list(range(max(level - next_level, 0)))
        pruned.append(entry)
    return pruned
