"""Stock Oscar's URLs at the storefront's paths (/shop/...), plus the fixed-response ceiling view."""

from django.apps import apps
from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    """The ceiling: a fixed response through the whole middleware stack, no database."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("ping", ping),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
]
