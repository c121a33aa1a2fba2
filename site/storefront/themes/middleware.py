"""Pick the request's theme from its Wagtail Site (after PluginScopeMiddleware, which finds the site)."""

from wagtail.models import Site

from .active import current_theme
from .resolve import theme_for_site


class ThemeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = Site.find_for_request(request)
        theme = theme_for_site(site, getattr(request, "plugin_scope", None))
        request.theme = theme
        token = current_theme.set(theme)
        try:
            return self.get_response(request)
        finally:
            current_theme.reset(token)
