"""URL patterns contributed by plugins, each mounted at /plugins/<plugin id>/ in the plugin's namespace.

``reverse("energy_badges:report-list")`` finds a plugin's view. Patterns are
collected once at start from every globally enabled plugin; the middleware
answers 404 on sites where the plugin is switched off.
"""

from django.urls import include, path

from .host import installed_host


def plugin_urlpatterns(host=None):
    patterns = []
    for plugin_id, contributed in (host or installed_host()).collect_startup("storefront_urlpatterns"):
        patterns.append(path(f"plugins/{plugin_id}/", include((list(contributed), plugin_id))))
    return patterns
