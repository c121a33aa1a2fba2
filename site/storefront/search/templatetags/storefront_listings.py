"""Template tags of the catalogue and category listings."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from storefront.caching.keys import current_generation
from storefront.caching.lru import LRU
from storefront.caching.templatetags.storefront_caching import cached_category_tree
from storefront.commerce.catalogue.shown import site_key
from storefront.themes.active import active_theme

register = template.Library()

SIDEBAR_TEMPLATE = "storefront/search/category_sidebar.html"
sidebars = LRU(2000)  # (purge generation, theme, language, category) -> html


@register.simple_tag(takes_context=True)
def category_sidebar(context):
    """The listing's menu of every category, the one being shown in bold.

    The menu is about fifty links, and each costs template work: with the
    category menu cache on (production), the rendered menu is kept in this
    process per purge generation (which any category edit bumps), site,
    theme, language and category; otherwise it is rendered on every request.
    Categories with no product on the site are not in it.
    """
    category = context.get("category")
    if not settings.STOREFRONT_CATEGORY_TREE_CACHE:
        return _render(context, category)
    request = context.get("request")
    # The site too: each site's menu leaves out the categories empty there (storefront.commerce.catalogue.shown).
    key = (current_generation(request), *site_key(request), getattr(active_theme(), "name", None), get_language(),
           getattr(category, "pk", None))
    html = sidebars.get(key)
    if html is None:
        html = _render(context, category)
        sidebars.set(key, html)
    return html


def _render(context, category):
    tree = cached_category_tree(context, depth=None)
    return mark_safe(render_to_string(SIDEBAR_TEMPLATE, {"tree_categories": tree, "category": category}))
