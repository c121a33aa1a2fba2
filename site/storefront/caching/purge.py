"""Drop every cached page when something a page shows changes.

Purging bumps one generation number (storefront.caching.keys) after the
transaction commits, rather than finding the pages that show a product: a
product appears on its own page, its categories, search results, CMS blocks
and other sites' pages, and a missed key would serve a stale price. Edits
are rare next to page views, so refilling the cache afterwards is cheap.

Triggers: a Wagtail page published, unpublished or deleted; a save or delete
of any model in STOREFRONT_PAGE_CACHE_PURGE_MODELS (products, categories,
stock records and prices, images, offers, growers, sites, themes, plugin and
site settings). Stock changed with a bulk UPDATE sends no signal: such code
calls purge_pages() itself, and the cache timeout bounds what it misses.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .keys import bump_generation

logger = logging.getLogger(__name__)


def caching_enabled():
    return settings.STOREFRONT_PAGE_CACHE or settings.STOREFRONT_SITE_CACHE or settings.STOREFRONT_CATEGORY_TREE_CACHE


def purge_pages(reason=""):
    """Drop all cached pages once the current transaction commits (at once outside one).

    Nothing is queued when every cache is off (development, tests), so code
    that counts on-commit callbacks sees only its own.
    """
    if not caching_enabled():
        return
    logger.debug("Purging the page cache after commit: %s", reason)
    transaction.on_commit(_bump)


def _bump():
    try:
        bump_generation()
    except Exception:  # a cache outage must not fail the edit; pages then expire by timeout
        logger.exception("Could not purge the page cache")


def _model_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # fixtures being loaded
        return
    if sender._meta.label in _purge_labels():
        purge_pages(f"{sender._meta.label} changed")


def _page_changed(sender, instance, **kwargs):
    purge_pages(f"page {instance.pk} published or unpublished")


_labels_cache = {}


def _purge_labels():
    labels = settings.STOREFRONT_PAGE_CACHE_PURGE_MODELS
    key = tuple(labels)
    if key not in _labels_cache:
        _labels_cache.clear()
        _labels_cache[key] = frozenset(labels)
    return _labels_cache[key]


def connect_receivers():
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished

    post_save.connect(_model_changed, dispatch_uid="pagecache-model-save")
    post_delete.connect(_model_changed, dispatch_uid="pagecache-model-delete")
    page_published.connect(_page_changed, dispatch_uid="pagecache-page-published")
    page_unpublished.connect(_page_changed, dispatch_uid="pagecache-page-unpublished")
    post_delete.connect(_page_changed, sender=Page, dispatch_uid="pagecache-page-deleted")
