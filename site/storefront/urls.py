"""URL map: Wagtail admin, Django admin, the Oscar shop, the growers, operations, media, then Wagtail's catch-all."""

import re

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from storefront.media.views import serve_media
from storefront.ops.views import healthz, ping
from storefront.plugins.urls import plugin_urlpatterns
from storefront.payments.webhooks import stripe_webhook

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("shop/dashboard/payouts/", include("storefront.payments.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("growers/", include("storefront.commerce.growers.urls")),
]

# Uploaded files under MEDIA_ROOT, served by the application in development and
# production alike (storefront.media.views); not mounted when uploads live in an
# object store or a web server in front serves the folder (SERVE_MEDIA=false).
if settings.STOREFRONT_SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media, name="media"),
    ]

# Plugins' own pages, at /plugins/<plugin id>/ (before Wagtail's catch-all).
urlpatterns += plugin_urlpatterns()

# Wagtail's catch-all comes last: every other path is a CMS page.
urlpatterns += [path("", include(wagtail_urls))]
