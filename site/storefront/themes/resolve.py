"""Which theme a Wagtail Site uses: its ThemeSettings, else a plugin's choice, else the default.

The answer is cached per site (one cache read per request); saving the
site's ThemeSettings or plugin settings clears it.
"""

from django.conf import settings
from django.core.cache import cache

from .registry import get_theme

CACHE_TIMEOUT = 300


def _key(site_id):
    return f"storefront:theme:{site_id}"


def theme_name_for_site(site, scope=None):
    if site is None:
        return settings.STOREFRONT_DEFAULT_THEME
    name = cache.get(_key(site.pk))
    if name is None:
        from .models import ThemeSettings

        name = ThemeSettings.objects.filter(site_id=site.pk).values_list("theme", flat=True).first() or ""
        if not name:
            from storefront.plugins.host import get_host

            name = get_host().call("storefront_site_theme", scope=scope, site=site) or ""
        name = name or settings.STOREFRONT_DEFAULT_THEME
        cache.set(_key(site.pk), name, CACHE_TIMEOUT)
    return name


def theme_for_site(site, scope=None):
    return get_theme(theme_name_for_site(site, scope))


def forget_site(site_id):
    cache.delete(_key(site_id))
