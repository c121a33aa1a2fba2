"""Page caching for anonymous buyers, and purging when what a page shows changes.

storefront.caching.middleware.PageCacheMiddleware serves whole HTML pages
from the cache to anonymous visitors who carry no personal state, keyed by
Wagtail site, theme and full path; storefront.caching.purge bumps one
generation number when a page is published or unpublished, or a product,
category, stock record or price changes, so every cached page is dropped at
once (cheap and never stale across sites). See docs/performance.md.
"""
