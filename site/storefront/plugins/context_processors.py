"""Template context from plugins (the ``storefront_template_context`` hook) for the request's site."""

from .host import get_host


def plugin_context(request):
    scope = getattr(request, "plugin_scope", None)
    if scope is None:
        return {}
    merged = {}
    for extra in get_host().call("storefront_template_context", scope=scope, request=request):
        merged.update(extra)
    return merged
