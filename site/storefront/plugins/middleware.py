"""Resolve the request's Wagtail Site into the plugins enabled there, and guard hidden products.

Placed after the session and authentication middleware. Costs one Site
lookup (shared with Wagtail, which caches it on the request) and one cache
read per request, none when the site cache keeps the scope in the process
for the purge generation (storefront.caching.local; a PluginSetting edit
purges). It also opens the request's plugin memo (memo.py), where
hooks keep what they computed for the rest of the request.
"""

from django.http import Http404
from wagtail.models import Site

from storefront.caching.local import per_generation

from . import memo
from .enablement import scope_for_site
from .host import get_host
from .scope import activate, deactivate
from .visibility import is_visible

# (namespace, url_name) of the views that show or sell one product, and the kwarg naming it.
PRODUCT_VIEWS = {
    ("catalogue", "detail"): "pk",
    ("basket", "add"): "pk",
    ("catalogue", "reviews-add"): "product_pk",
    ("catalogue", "reviews-detail"): "product_pk",
    ("catalogue", "reviews-list"): "product_pk",
    ("customer", "alert-create"): "pk",
    ("customer", "wishlists-add-product"): "product_pk",
}


class PluginScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = Site.find_for_request(request)
        host = get_host()
        scope = per_generation(
            request, ("plugin-scope", site.pk if site else None, host.token), lambda: scope_for_site(site, host)
        )
        request.plugin_scope = scope
        token, memo_token = activate(scope), memo.start()
        try:
            return self.get_response(request)
        finally:
            memo.end(memo_token)
            deactivate(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        scope = getattr(request, "plugin_scope", None)
        namespaces = match.namespaces
        # A disabled plugin's URLs do not exist on this site.
        if namespaces and namespaces[0] in get_host().plugins:
            plugin_id = namespaces[0]
            if scope is not None and not scope.allows(plugin_id):
                raise Http404(f"The {plugin_id} plugin is not enabled on this site.")
        kwarg = PRODUCT_VIEWS.get((namespaces[-1] if namespaces else "", match.url_name))
        if kwarg and view_kwargs.get(kwarg) is not None and not is_visible(view_kwargs[kwarg], scope):
            raise Http404("This product is not available on this site.")
        return None
