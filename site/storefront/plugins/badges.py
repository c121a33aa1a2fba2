"""Product and grower badges from every enabled plugin, computed for a whole page at once."""

from .host import get_host


def badges_for(products, scope=None, host=None):
    """``{product.pk: [Badge, ...]}`` for every product given (empty list when none)."""
    return _collect("storefront_product_badges", "products", products, scope, host)


def grower_badges_for(partners, scope=None, host=None):
    """``{partner.pk: [Badge, ...]}`` for every grower (Partner) given (empty list when none)."""
    return _collect("storefront_grower_badges", "partners", partners, scope, host)


def _collect(hook_name, argument, objects, scope, host):
    """Merge every enabled plugin's ``{pk: [Badge]}`` answer to a badge hook, each badge tagged with its plugin."""
    objects = [obj for obj in objects if obj is not None]
    merged = {obj.pk: [] for obj in objects}
    if not objects:
        return merged
    for plugin_id, result in (host or get_host()).call_with_ids(hook_name, scope=scope, **{argument: objects}):
        for pk, badges in result.items():
            if pk in merged:
                merged[pk].extend(badge if badge.plugin else _with_plugin(badge, plugin_id) for badge in badges)
    return merged


def _with_plugin(badge, plugin_id):
    from dataclasses import replace

    return replace(badge, plugin=plugin_id)


def prefetch_badges(request, products):
    """Compute the badges of products about to be rendered one by one, in one batch.

    For code that renders each product card in its own template context (so
    ``{% product_badges %}`` cannot see the rest of the page): call this first
    and every card finds its badges already computed for the request.
    """
    memo = getattr(request, "_storefront_badges", None)
    if memo is None:
        memo = request._storefront_badges = {}
    batch = [p for p in products if p is not None and p.pk not in memo]
    if batch:
        memo.update(badges_for(batch, scope=getattr(request, "plugin_scope", None)))
