"""Which Wagtail Site serves a request, from the cache instead of a query on every request.

Wagtail looks the site up in the database for each request (one query and
its ORM work: about a third of the time of a fixed response here). The
SiteCacheMiddleware puts the answer where Wagtail keeps it for the request
(request._wagtail_site), so every later Site.find_for_request call, in the
plugin, theme and page cache middleware and in Wagtail itself, reuses it.
The key carries the purge generation, which any Site save or delete bumps
(wagtailcore.Site is in STOREFRONT_PAGE_CACHE_PURGE_MODELS), so a host name
moved to another site is seen at once by every process. Within a generation
each process keeps the answer itself (storefront.caching.local), so the
lookup costs no round trip at all.
"""

from django.conf import settings
from django.http.request import split_domain_port
from wagtail.models import Site

from .keys import current_generation, page_cache
from .local import per_generation

SITE_SECONDS = 60 * 60
MISSING = "none"  # cached "no site answers this host" (distinct from a cache miss)


class SiteCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STOREFRONT_SITE_CACHE and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = cached_site_for_request(request)
        return self.get_response(request)


def cached_site_for_request(request):
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    return per_generation(request, ("site-for-host", hostname, port), lambda: _shared_site(request, hostname, port))


def _shared_site(request, hostname, port):
    key = f"site-for-host:{current_generation(request)}:{hostname}:{port}"
    cache = page_cache()
    cached = cache.get(key)
    if cached == MISSING:
        return None
    if cached is not None:
        return cached
    site = Site._find_for_request(request)
    cache.set(key, site if site is not None else MISSING, SITE_SECONDS)
    return site
