"""Wire plugins into the search app: index fields, facets, and per-site visibility in results.

The search app (storefront.search) takes extra index fields and facets
through its extra_fields registry; this module registers one provider that
merges every plugin's ``storefront_product_index_data`` and adds
``plugin_hidden_on``: the ids of the sites whose ``storefront_product_filter``
hides the product. Search and listings on such a site add a clause that
excludes those documents, so visibility is applied by the search backend
itself and pagination and facet counts stay right.

Sites without a filter need no index data at all; when a site's plugin
settings change, the products are queued for re-indexing after commit.
"""

import logging
import time

logger = logging.getLogger("storefront.plugins")

HIDDEN_FIELD = "plugin_hidden_on"
_VISIBLE_CACHE_SECONDS = 30
_visible_cache = {}  # (host token, site id) -> (expires, visible ids or None)


def _restricted_sites(host):
    """[(site, Q)] for sites where some enabled plugin hides products."""
    from wagtail.models import Site

    from .enablement import scope_for_site
    from .visibility import product_filter

    restricted = []
    for site in Site.objects.all():
        q = product_filter(scope_for_site(site, host), host)
        if q is not None:
            restricted.append((site, q))
    return restricted


def _visible_ids(host, site, q):
    """Every product id the site shows, cached briefly: indexing a catalogue asks once per site, not per product."""
    from oscar.core.loading import get_model

    key = (host.token, site.pk)
    expires, ids = _visible_cache.get(key, (0, None))
    if ids is None or expires < time.monotonic():
        ids = set(get_model("catalogue", "Product").objects.filter(q).values_list("pk", flat=True))
        _visible_cache[key] = (time.monotonic() + _VISIBLE_CACHE_SECONDS, ids)
    return ids


def forget_visibility():
    _visible_cache.clear()


def index_fields_many(products):
    """The search app's batch provider: plugins' index data plus the sites that hide each product.

    Called per indexing chunk, so the plugins' batch hooks and the per-site
    visible-id sets cost a few queries per chunk, not per product.
    """
    from .host import get_host
    from .index import index_data

    host = get_host()
    products = list(products)
    merged = index_data(products, host)
    restricted = [(site, _visible_ids(host, site, q)) for site, q in _restricted_sites(host)]
    for product in products:
        hidden_on = [str(site.pk) for site, visible in restricted if product.pk not in visible]
        if hidden_on:
            merged.setdefault(product.pk, {})[HIDDEN_FIELD] = hidden_on
    return merged


def index_fields(product):
    """The same for one product."""
    return index_fields_many([product]).get(product.pk, {})


def site_visibility_clauses(request):
    """Extra search clauses for the request's site: [] when it shows every product."""
    from .visibility import product_filter

    scope = getattr(request, "plugin_scope", None)
    if scope is None or scope.site is None or product_filter(scope) is None:
        return []
    from storefront.search.query import Clause, Not

    return [Not(Clause(HIDDEN_FIELD, "exact", str(scope.site.pk)))]


def reindex_all_products():
    """Queue every product for re-indexing after commit (a site's visibility rules changed)."""
    try:
        from storefront.search.tasks import queue_reindex
    except ImportError:
        return
    from oscar.core.loading import get_model

    forget_visibility()
    queue_reindex(get_model("catalogue", "Product").objects.values_list("pk", flat=True))


def connect_search(host):
    """Register the provider and the plugins' facets with the search app, if it is installed."""
    try:
        from storefront.search import extra_fields
    except ImportError:
        logger.info("No storefront.search app: plugins' index data and facets are not wired")
        return False
    extra_fields.register_index_fields("plugins", index_fields, many=index_fields_many)
    from .index import search_facets

    for field, label in search_facets(host).items():
        try:
            extra_fields.register_facet(field, label)
        except extra_fields.ExtraFieldError as exc:
            logger.error("A plugin's search facet %r was refused: %s", field, exc)
    return True
