"""The header, footer and social links of a site, cached between requests.

oscar/layout.html renders these on every page, shop pages included, so they
are read from the cache rather than the database. The cached value is plain
data (labels and resolved URLs). It is dropped when the site's
NavigationSettings are saved and when any page is published, unpublished,
moved or deleted, since a link to a page follows that page's URL.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

CACHE_TIMEOUT = 60 * 60
EMPTY = {"header": [], "footer": [], "social": []}


def cache_key(site_id: int) -> str:
    return f"cms:navigation:{site_id}"


def _links(stream, request):
    links = []
    for child in stream:
        value = child.value
        url = child.block.child_blocks["link"].get_url(value["link"], request)
        if url:  # a link to a page that is no longer live has no URL: leave it out
            links.append({"label": value["label"], "url": url})
    return links


def build_navigation(site, request=None) -> dict:
    from .models import NavigationSettings

    settings = NavigationSettings.for_site(site)
    return {
        "header": _links(settings.header_links, request),
        "footer": _links(settings.footer_links, request),
        "social": [{"name": child.value["name"], "url": child.value["url"]} for child in settings.social_links],
    }


def navigation_for_request(request) -> dict:
    """The navigation of the site serving this request (empty when no site matches)."""
    site = Site.find_for_request(request)
    if site is None:
        return EMPTY
    key = cache_key(site.pk)
    navigation = cache.get(key)
    if navigation is None:
        navigation = build_navigation(site, request)
        cache.set(key, navigation, CACHE_TIMEOUT)
    return navigation


def clear_navigation_cache(site_ids=None) -> None:
    if site_ids is None:
        site_ids = Site.objects.values_list("pk", flat=True)
    cache.delete_many([cache_key(pk) for pk in site_ids])


@receiver(post_save, sender="cms.NavigationSettings")
@receiver(post_delete, sender="cms.NavigationSettings")
def _settings_changed(sender, instance, **kwargs):
    clear_navigation_cache([instance.site_id])


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
@receiver(post_page_move)
def _page_changed(sender, **kwargs):
    clear_navigation_cache()


@receiver(post_delete, sender=Page)
def _page_deleted(sender, instance, **kwargs):
    # Deleting any page type also deletes its wagtailcore.Page row, which lands here.
    clear_navigation_cache()
