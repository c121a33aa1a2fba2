"""``{% product_freshness product as fresh %}``: how fresh the stock the strategy sells a product from is.

Used by oscar/catalogue/partials/freshness.html, the one template that shows
freshness ("Harvested 2 days ago · Best before 9 Dec") on product cards and
product pages. It asks the request's pricing strategy which stock record
sells the product (the one its price and availability come from) and reads
that record's stored batches: no query beyond the stock records the page
loaded.
"""

from django import template
from oscar.core.loading import get_class

register = template.Library()
Selector = get_class("partner.strategy", "Selector")


@register.simple_tag(takes_context=True)
def product_freshness(context, product):
    """The Freshness (storefront.commerce.freshness) of the product's stock, or None when nothing is known of it."""
    if product is None or product.is_parent:
        return None
    request = context.get("request")
    strategy = getattr(request, "strategy", None) or Selector().strategy(request=request)
    info = strategy.fetch_for_product(product)
    fresh = getattr(info.availability, "freshness", None)
    if fresh is None and info.stockrecord is not None and hasattr(strategy, "freshness_of"):
        fresh = strategy.freshness_of(info.stockrecord)  # a policy that does not carry it (not sold on this site)
    return fresh if fresh is not None and fresh.known else None
