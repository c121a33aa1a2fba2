"""The example plugin: one hook, one setting form, no models. Copy this folder to start a plugin.

Registered in pyproject.toml like every plugin::

    [project.entry-points."storefront.plugins"]
    new_arrivals = "new_arrivals.plugin"
"""

from datetime import timedelta

from storefront.plugins import hookimpl
from storefront.plugins.types import Badge

from . import __version__  # noqa: F401  (shown by `manage.py plugins`)

LABEL = "New arrivals"
DESCRIPTION = "A 'New' badge on products added in the last few days."
CONFIG_FORM = "new_arrivals.forms.NewArrivalsForm"
# An example should not badge every product of a site that did not ask for it.
ENABLED_BY_DEFAULT = False


@hookimpl
def storefront_product_badges(products, config):
    # Imported here, not at the top: the settings import this module before Django is ready.
    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=config.get("days", 14))
    label = config.get("label", "New")
    # date_created is already loaded with each product: no query at all.
    return {
        product.pk: [Badge(code="new-arrival", label=label, title=f"Added on {product.date_created:%d %b %Y}")]
        for product in products
        if product.date_created and product.date_created >= cutoff
    }
