"""``theme`` in every template: the request's Theme (manifest values, static paths)."""

from .active import active_theme


def theme(request):
    return {"theme": getattr(request, "theme", None) or active_theme()}
