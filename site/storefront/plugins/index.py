"""Search index data and facets contributed by plugins, for the search app's product index.

``index_data(products)`` returns ``{product.pk: {field: value}}`` merged from
every plugin in one batch; ``search_facets()`` the facet fields and labels.
The index is shared by all sites, so both run with every installed plugin.
"""

from .host import get_host
from .scope import Scope


def index_data(products, host=None):
    merged = {product.pk: {} for product in products}
    for result in (host or get_host()).call("storefront_product_index_data", scope=Scope(), products=list(products)):
        for pk, fields in result.items():
            merged.setdefault(pk, {}).update(fields)
    return merged


def search_facets(host=None):
    facets = {}
    for result in (host or get_host()).call("storefront_search_facets", scope=Scope()):
        facets.update(result)
    return facets
