"""The VibeLux plugin's hook implementations (the ``storefront.plugins`` entry point).

Imports nothing from Django at module level: the settings import this module
to find DJANGO_APP before Django is configured.
"""

from functools import partial

from storefront.plugins import hookimpl

from . import __version__  # noqa: F401  (reported by `manage.py plugins`)

LABEL = "VibeLux grow rooms"
DESCRIPTION = "Listings from VibeLux harvests, forecast availability, grow conditions and lot traceability."
DJANGO_APP = "vibelux.apps.VibeLuxConfig"
# `manage.py load_demo` connects a demo grower to a simulated feed (content/vibelux/).
DEMO_LOADER = "vibelux.demo.load_vibelux_demo"


@hookimpl
def storefront_product_badges(products, site, config):
    """Out-of-stock products with a forecast harvest get "Available from DATE, about N kg"."""
    from django.urls import reverse

    from storefront.plugins.types import Badge

    from .display import forecasts_for, in_stock

    forecasts = forecasts_for(products)
    if not forecasts:
        return {}
    held = in_stock([product for product in products if product.pk in forecasts])
    return {
        product_id: [
            Badge(
                code="vibelux-forecast",
                label=forecast.text,
                title=f"Forecast by the grower's VibeLux grow room: {forecast.crop} '{forecast.variety}'",
                url=reverse("vibelux:product", args=[product_id]),
            )
        ]
        for product_id, forecast in forecasts.items()
        if product_id not in held
    }


@hookimpl
def storefront_template_context(request):
    """On a product page: ``vibelux_product``, the forecast, grow conditions and sign-up form, or None.

    Given as a callable, so it is looked up only when the page renders the
    panel, not when the product is served from a cached fragment.
    """
    from .views import product_panel_context

    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "catalogue:detail" or "pk" not in match.kwargs:
        return None
    return {"vibelux_product": partial(product_panel_context, request, match.kwargs["pk"])}


@hookimpl
def storefront_stock_batches(stockrecord_ids):
    """Stock made from VibeLux harvests is sold by lot: what the lots within their best-before still hold."""
    from .traceability import stock_batches

    return stock_batches(stockrecord_ids)


@hookimpl
def storefront_urlpatterns():
    from .urls import urlpatterns

    return urlpatterns


@hookimpl
def storefront_dashboard_navigation():
    return [
        {
            "label": "VibeLux",
            "icon": "fas fa-seedling",
            "children": [
                {"label": "Connections and uploads", "url_name": "vibelux:dashboard"},
                {"label": "Lot traceability", "url_name": "vibelux:traceability"},
            ],
        }
    ]


@hookimpl
def storefront_periodic_tasks():
    from . import settings as vl_settings

    return {
        "vibelux.pull-due-connections": {
            "task": "vibelux.tasks.pull_due_vibelux_connections",
            "schedule": float(vl_settings.get("VIBELUX_PULL_CHECK_SECONDS")),
        }
    }


@hookimpl
def energy_badges_supply_data(partner_ids, product_ids):
    """Metered kWh per kg from VibeLux crop cycles, for the energy badges plugin."""
    from .display import energy_figures

    return energy_figures(partner_ids, set(product_ids))
