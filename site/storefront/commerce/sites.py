"""The Django Site of each Wagtail site: which storefront an order was placed on.

Oscar records the Django Site an order was placed on (``Order.site``) and
signs its emails with a Django Site's name, but the storefront's sites are
Wagtail's (the main one and white-label partner sites, each with its own
``site_name``). Each Wagtail site is therefore mirrored by a Django Site:
the default Wagtail site by the ``SITE_ID`` row (so Oscar's other uses of the
"current site" agree with it), every other one by its domain. The mirror is
brought up to date whenever a Wagtail site is saved (``sync_django_site``,
connected in ``CommerceConfig.ready``), and the checkout stamps each order
with the mirror of the Wagtail site it was placed on
(``django_site_for_request``).
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def domain_of(wagtail_site):
    """``hostname`` or ``hostname:port`` (the port is left out for 80 and 443), as Django's Site keeps it."""
    if wagtail_site.port in (80, 443):
        return wagtail_site.hostname
    return f"{wagtail_site.hostname}:{wagtail_site.port}"


def sync_django_site(wagtail_site):
    """Create or update the Django Site mirroring `wagtail_site`; returns it (None if it cannot have one).

    Django Site domains are unique. When the domain is still held by another
    row (a site that changed from default to not, or back, before the other
    was saved), the mirror keeps its old domain, or a non-default site gets
    none yet and its orders fall back to the default site, with a warning,
    rather than the save of the Wagtail site failing.
    """
    from django.contrib.sites.models import Site as DjangoSite

    domain = domain_of(wagtail_site)
    name = (wagtail_site.site_name or wagtail_site.hostname)[:50]
    if wagtail_site.is_default_site:
        site, _ = DjangoSite.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": name})
    else:
        site = DjangoSite.objects.filter(domain=domain).exclude(pk=settings.SITE_ID).first()
        if site is None:
            if DjangoSite.objects.filter(domain=domain).exists():
                logger.warning("Django Site domain %s is the default site's; %s gets no mirror yet", domain, name)
                return None
            return DjangoSite.objects.create(domain=domain, name=name)
    if DjangoSite.objects.filter(domain=domain).exclude(pk=site.pk).exists():
        domain = site.domain
    if (site.domain, site.name) != (domain, name):
        site.domain, site.name = domain, name
        site.save(update_fields=["domain", "name"])
    return site


def django_site_for(wagtail_site):
    """The Django Site mirroring `wagtail_site` (made if it is missing, e.g. for a site older than the mirror)."""
    from django.contrib.sites.models import Site as DjangoSite

    if wagtail_site is None:
        return DjangoSite.objects.get_current()
    if wagtail_site.is_default_site:
        site = DjangoSite.objects.filter(pk=settings.SITE_ID).first()
    else:
        site = DjangoSite.objects.filter(domain=domain_of(wagtail_site)).exclude(pk=settings.SITE_ID).first()
    return site or sync_django_site(wagtail_site) or DjangoSite.objects.get_current()


def django_site_for_request(request):
    """The Django Site of the Wagtail site serving `request`."""
    from wagtail.models import Site

    return django_site_for(Site.find_for_request(request))


def _on_wagtail_site_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures load rows as they are
        sync_django_site(instance)


def connect_signals():
    from django.db.models.signals import post_save
    from wagtail.models import Site

    post_save.connect(_on_wagtail_site_saved, sender=Site, dispatch_uid="storefront-mirror-wagtail-site")
