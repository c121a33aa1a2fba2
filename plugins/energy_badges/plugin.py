"""The energy badges plugin's hook implementations (the ``storefront.plugins`` entry point).

Imports nothing from Django at module level: the settings import this module
to find DJANGO_APP before Django is configured.
"""

from storefront.plugins import hookimpl

from . import __version__  # noqa: F401  (reported by `manage.py plugins`)

LABEL = "Energy badges"
DESCRIPTION = "A to G energy grades from verified kWh per kg, on product cards, pages, search and a CMS block."
DJANGO_APP = "energy_badges.apps.EnergyBadgesConfig"
CONFIG_FORM = "energy_badges.forms.SiteConfigForm"
HOOKSPECS = "energy_badges.hookspecs"


def _grading(config):
    from . import grading

    return (
        config.get("thresholds") or grading.DEFAULT_THRESHOLDS,
        config.get("renewable_weight") if config.get("renewable_weight") is not None else grading.DEFAULT_RENEWABLE_WEIGHT,
    )


def _badge(figures, config):
    from storefront.plugins.types import Badge

    from . import grading

    thresholds, weight = _grading(config)
    letter = grading.grade(figures.kwh_per_kg, figures.renewable_share, thresholds, weight)
    period = f", period ending {figures.period_end:%b %Y}" if figures.period_end else ""
    return Badge(
        code="energy-grade",
        label=f"Energy {letter}",
        title=f"{figures.kwh_per_kg} kWh per kg, {figures.renewable_share}% renewable ({figures.source}{period})",
        css_class=f"energy-grade-{letter.lower()}",
        url=config.get("method_url", ""),
    )


@hookimpl
def storefront_product_badges(products, site, config):
    from .data import figures_for_products

    return {product_id: [_badge(figures, config)] for product_id, figures in figures_for_products(products).items()}


@hookimpl
def storefront_grower_badges(partners, site, config):
    """The grower's own energy grade: their facility's figures, which their products without a report of their own carry."""
    from .data import figures_for_partners

    return {
        partner_id: [_badge(figures, config)]
        for partner_id, figures in figures_for_partners([p.pk for p in partners]).items()
    }


@hookimpl
def storefront_assets(site, config):
    from storefront.plugins.types import Assets

    return Assets(css=("energy_badges/badges.css",))


@hookimpl
def storefront_product_index_data(products):
    from . import grading
    from .data import figures_for_products
    from storefront.plugins.scope import Scope

    return {
        product_id: {"energy_grade": grading.grade(f.kwh_per_kg, f.renewable_share)}
        for product_id, f in figures_for_products(products, scope=Scope()).items()
    }


@hookimpl
def storefront_search_facets():
    return {"energy_grade": "Energy grade"}


@hookimpl
def storefront_urlpatterns():
    from .urls import urlpatterns

    return urlpatterns


@hookimpl
def storefront_dashboard_navigation():
    return [{"label": "Energy reports", "icon": "fas fa-bolt", "url_name": "energy_badges:report-list"}]


@hookimpl
def storefront_wagtail_blocks():
    from .blocks import EnergyMethodBlock

    return [("energy_method", EnergyMethodBlock())]


@hookimpl
def storefront_periodic_tasks():
    return {
        "energy_badges.remind-staff": {
            "task": "energy_badges.tasks.remind_staff_of_unverified_reports",
            "schedule": 86400.0,
        }
    }
