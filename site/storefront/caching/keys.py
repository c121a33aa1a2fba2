"""Cache keys of whole pages: the generation, the Wagtail site, the theme and the full path."""

import hashlib

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "pagecache:generation"


def page_cache():
    return caches[settings.STOREFRONT_PAGE_CACHE_ALIAS]


def current_generation(request=None):
    """The number every page key carries; purging increments it, so older pages are never read again.

    Read once per request when given the request (the site and page lookups share it).
    """
    if request is not None:
        generation = getattr(request, "_page_cache_generation", None)
        if generation is None:
            generation = request._page_cache_generation = current_generation()
        return generation
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def bump_generation():
    cache = page_cache()
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # never set (or evicted): start a generation no page was stored under
        cache.set(GENERATION_KEY, 2, timeout=None)
        return 2


def page_key(request, generation):
    """Key of this request's page: one white-label site or theme never reads another's page."""
    site = getattr(request, "_wagtail_site", None)
    theme = getattr(request, "theme", None)
    parts = [
        request.method if request.method != "HEAD" else "GET",  # HEAD is served from the GET page
        request.get_host(),
        str(site.pk) if site is not None else "-",
        getattr(theme, "name", "-"),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"
