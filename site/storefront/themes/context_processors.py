"""Template variables of the white-label layer: the request's theme, and the site's own brand name.

``shop_name`` is Oscar's variable (``oscar.core.context_processors.metadata``
sets it from OSCAR_SHOP_NAME) and every page's ``<title>`` is built from it:
Oscar's templates append ``{{ block.super }}``, which is the base template's
``{{ shop_name }} - {{ shop_tagline }}``, and the CMS and error templates use
it directly. ``brand`` runs after Oscar's processor and replaces it with the
name of the Wagtail Site serving the request (Settings › Sites › Site name in
the admin), so a partner's site is titled with the partner's name in one
place, whatever template renders the page. A site without a name keeps
OSCAR_SHOP_NAME. ``platform_name`` is always OSCAR_SHOP_NAME, for lines such
as "a partner storefront of ...".
"""

from django.conf import settings
from wagtail.models import Site

from .active import active_theme


def theme(request):
    return {"theme": getattr(request, "theme", None) or active_theme()}


def site_name(request):
    """The brand name of the request's Wagtail Site, or OSCAR_SHOP_NAME (no query: the site is on the request)."""
    site = Site.find_for_request(request) if request is not None else None
    return (getattr(site, "site_name", "") or "").strip() or settings.OSCAR_SHOP_NAME


def brand(request):
    return {"shop_name": site_name(request), "platform_name": settings.OSCAR_SHOP_NAME}
