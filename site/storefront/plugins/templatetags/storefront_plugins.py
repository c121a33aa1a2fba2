"""Template tags that show what plugins contribute: badges and assets.

``{% product_badges product as badges %}`` looks at the page's whole product
list the first time it runs (``products``, ``page_obj``, search results) and
asks plugins for all of them in one batch, so a listing of 24 cards costs the
same few queries as a page with one product.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join
from oscar.core.loading import get_model

from ..badges import badges_for
from ..host import get_host
from ..types import Assets

register = template.Library()

PAGE_PRODUCT_KEYS = ("products", "page_obj", "object_list", "results", "product")


def _as_product(item, product_model):
    if isinstance(item, product_model):
        return item
    # haystack SearchResult: .object loads the product, which the card template does anyway
    obj = getattr(item, "object", None)
    return obj if isinstance(obj, product_model) else None


def _products_on_page(context):
    Product = get_model("catalogue", "Product")
    found = []
    for key in PAGE_PRODUCT_KEYS:
        value = context.get(key)
        if value is None or isinstance(value, str):
            continue
        if hasattr(value, "object_list"):
            value = value.object_list
        items = [value] if isinstance(value, Product) else value
        try:
            iterator = iter(items)
        except TypeError:
            continue
        for item in iterator:
            product = _as_product(item, Product)
            if product is not None:
                found.append(product)
    return found


@register.simple_tag(takes_context=True)
def product_badges(context, product):
    """The badges plugins give ``product``, computed in one batch per page."""
    if product is None:
        return []
    request = context.get("request")
    memo = getattr(request, "_storefront_badges", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._storefront_badges = memo
    if product.pk not in memo:
        batch = {p.pk: p for p in _products_on_page(context) if p.pk not in memo}
        batch[product.pk] = product
        memo.update(badges_for(list(batch.values()), scope=getattr(request, "plugin_scope", None)))
    return memo.get(product.pk, [])


def _url(path):
    return path if path.startswith(("http://", "https://", "/")) else static(path)


@register.simple_tag(takes_context=True)
def plugin_assets(context, kind):
    """<link> tags (kind="css") or <script> tags (kind="js") for the site's enabled plugins."""
    request = context.get("request")
    scope = getattr(request, "plugin_scope", None)
    seen, urls = set(), []
    for assets in get_host().call("storefront_assets", scope=scope):
        if not isinstance(assets, Assets):
            assets = Assets(**assets)
        for path in assets.css if kind == "css" else assets.js:
            if path not in seen:
                seen.add(path)
                urls.append((_url(path),))
    if kind == "css":
        return format_html_join("\n", '<link rel="stylesheet" href="{}">', urls)
    return format_html_join("\n", '<script src="{}" defer></script>', urls)


@register.inclusion_tag("storefront/plugins/badges.html", takes_context=True)
def show_product_badges(context, product, size="small"):
    return {"badges": product_badges(context, product), "size": size}
