"""Template tags for what every page shows and rarely changes: the category tree, cached per purge generation."""

from django import template
from django.conf import settings
from oscar.templatetags.category_tags import get_annotated_list

from storefront.caching.keys import current_generation, page_cache
from storefront.caching.local import per_generation

register = template.Library()
TREE_SECONDS = 60 * 60


@register.simple_tag(takes_context=True)
def cached_category_tree(context, depth=1):
    """Oscar's {% category_tree depth=N %} for the whole tree, read from the cache.

    The key carries the page cache's generation, which a category save or
    delete bumps (storefront.caching.purge), so an edited tree shows at once.
    Only public categories are listed, so one tree serves every visitor.
    During a request the tree is kept in the process for the generation
    (storefront.caching.local), without a round trip to the shared cache.
    """
    if not settings.STOREFRONT_CATEGORY_TREE_CACHE:
        return get_annotated_list(depth=depth)
    request = context.get("request")
    if request is None:
        return _shared_tree(None, depth)
    return per_generation(request, ("category-tree", depth), lambda: _shared_tree(request, depth))


def _shared_tree(request, depth):
    key = f"category-tree:{current_generation(request)}:{depth}"
    cache = page_cache()
    tree = cache.get(key)
    if tree is None:
        tree = get_annotated_list(depth=depth)
        cache.set(key, tree, TREE_SECONDS)
    return tree
