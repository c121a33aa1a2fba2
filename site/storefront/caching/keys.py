"""Cache keys of whole pages: the generation, the Wagtail site, the theme, the full path and the day."""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

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
    if generation is None:  # never set, evicted or flushed: every process agrees on the first one added
        candidate = fresh_generation()
        cache.add(GENERATION_KEY, candidate, timeout=None)
        generation = cache.get(GENERATION_KEY, candidate)
    return generation


def fresh_generation():
    """A generation number no earlier cache contents can have used.

    Not 1: after the key is evicted or the cache flushed, a count starting
    again at 1 would meet pages, sites and menus stored under it before
    (in the cache or kept in a process, storefront.caching.local).
    """
    return secrets.randbits(48)


def bump_generation():
    cache = page_cache()
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # never set (or evicted): start a generation no page was stored under
        generation = fresh_generation()
        cache.set(GENERATION_KEY, generation, timeout=None)
        return generation


def page_key(request, generation):
    """Key of this request's page: one white-label site or theme never reads another's page, nor one day another's."""
    site = getattr(request, "_wagtail_site", None)
    theme = getattr(request, "theme", None)
    parts = [
        request.method if request.method != "HEAD" else "GET",  # HEAD is served from the GET page
        request.get_host(),
        str(site.pk) if site is not None else "-",
        getattr(theme, "name", "-"),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        # Pages say how fresh produce is ("harvested today") and sell nothing past its best-before:
        # at midnight every key changes, before the freshness sweep purges.
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"
