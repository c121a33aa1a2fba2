"""Pick the request's theme from its Wagtail Site (after PluginScopeMiddleware, which finds the site).

With the site cache on, the theme is kept in the process for the purge
generation (storefront.caching.local; a ThemeSettings or PluginSetting edit purges).
"""

from wagtail.models import Site

from storefront.caching.local import per_generation

from .active import current_theme
from .resolve import theme_for_site


class ThemeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = Site.find_for_request(request)
        scope = getattr(request, "plugin_scope", None)
        theme = per_generation(request, ("theme", site.pk if site else None), lambda: theme_for_site(site, scope))
        request.theme = theme
        token = current_theme.set(theme)
        try:
            return self.get_response(request)
        finally:
            current_theme.reset(token)
