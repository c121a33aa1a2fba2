"""Stock Oscar's URLs as its documentation sets them up, at the storefront's paths (/shop/...).

Plus the fixed-response ceiling view (/ping), the same as the storefront's.
"""

from django.apps import apps
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    """The ceiling: a fixed response through the whole middleware stack, no database."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("ping", ping),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
]
