"""The theme of the request being served, as a context variable the template loader can read.

Template loaders get no request; the middleware sets this for the duration
of the request, and code outside a request (emails in Celery) renders with
the default theme.
"""

from contextvars import ContextVar

current_theme = ContextVar("storefront_theme", default=None)


def active_theme():
    """The Theme being rendered (the default theme outside a request)."""
    theme = current_theme.get()
    if theme is None:
        from django.conf import settings

        from .registry import get_theme

        theme = get_theme(settings.STOREFRONT_DEFAULT_THEME)
    return theme
