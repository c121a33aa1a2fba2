"""System checks for uploaded media (run by `manage.py check`, `migrate` and `check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def signed_urls_outlive_cached_pages(app_configs=None, **kwargs):
    """A signed media URL must outlive every cache that keeps a page or card holding it.

    Cached pages, fragments and product cards carry the image URLs they were
    rendered with; with signed URLs (MEDIA_S3_QUERYSTRING_AUTH, the default
    for a bucket), a URL that expires before its page does shows a broken image.
    """
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    if not options.get("querystring_auth"):
        return []
    expire = options.get("querystring_expire", 3600)
    caches = {
        "STOREFRONT_PAGE_CACHE_SECONDS": settings.STOREFRONT_PAGE_CACHE_SECONDS
        if getattr(settings, "STOREFRONT_PAGE_CACHE", False) else 0,
        "STOREFRONT_FRAGMENT_CACHE_SECONDS": getattr(settings, "STOREFRONT_FRAGMENT_CACHE_SECONDS", 0),
        "SEARCH_CARD_CACHE_SECONDS": getattr(settings, "SEARCH_CARD_CACHE_SECONDS", 300),
    }
    name, longest = max(caches.items(), key=lambda item: item[1])
    if longest >= expire:
        return [Error(
            f"MEDIA_S3_QUERYSTRING_EXPIRE={expire} s is not longer than {name}={longest} s: cached pages would "
            f"show image URLs that have expired.",
            hint="Raise MEDIA_S3_QUERYSTRING_EXPIRE (3600 by default), or lower the cache's seconds.",
            id="storefront_media.E001",
        )]
    return []
