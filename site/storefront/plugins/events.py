"""Turn the core's own signals into plugins' event hooks.

Oscar's ``order_placed`` becomes ``storefront_order_placed`` and a saved
stock record ``storefront_stock_changed``; importers call
``emit_products_imported`` themselves, since there is no signal for "an
import finished". ``PluginHost.emit`` queues each event after the
transaction commits, one Celery task per plugin. Nothing is queued when no
enabled plugin implements the hook, so the signals cost nothing by default.
"""

from .host import get_host
from .scope import current_scope


def _site_id():
    scope = current_scope.get()
    return scope.site.pk if scope is not None and scope.site is not None else None


def _has_listeners(hook_name):
    host = get_host()
    return bool(host.plugins) and bool(getattr(host.pm.hook, hook_name).get_hookimpls())


def on_order_placed(sender, order, **kwargs):
    if _has_listeners("storefront_order_placed"):
        get_host().emit("storefront_order_placed", order_id=order.pk, site_id=_site_id())


def on_stock_saved(sender, instance, raw=False, **kwargs):
    if not raw and _has_listeners("storefront_stock_changed"):
        get_host().emit("storefront_stock_changed", stockrecord_ids=[instance.pk], site_id=_site_id())


def emit_products_imported(product_ids, site_id=None):
    """For importers (the demo loader, the VibeLux integration): tell plugins which products changed."""
    ids = sorted({int(pk) for pk in product_ids})
    if ids and _has_listeners("storefront_products_imported"):
        get_host().emit("storefront_products_imported", product_ids=ids, site_id=site_id)


def connect():
    from django.db.models.signals import post_save
    from oscar.apps.order.signals import order_placed
    from oscar.core.loading import get_model

    order_placed.connect(on_order_placed, dispatch_uid="plugin-host-order-placed")
    post_save.connect(on_stock_saved, sender=get_model("partner", "StockRecord"), dispatch_uid="plugin-host-stock")
