"""What a buyer's order needs besides products: the countries shipped to, and the sites' names.

Oscar's shipping address form offers only countries with
``is_shipping_country``; with none the Country select is empty and no order
can be placed. The demo ships to the United Kingdom (the growers' and the
payouts' country; the shipping methods in commerce/shipping serve any
address). Countries are matched by their ISO code, so a second run updates
in place.

The order confirmation email is signed with the Django Site an order was
placed on, which mirrors its Wagtail site (commerce/sites.py); the Wagtail
sites are saved by the page and partner-site loaders before this one, and
are mirrored again here so a database loaded before the mirror existed is
brought up to date too.
"""

from oscar.core.loading import get_model

SHIPPING_COUNTRIES = [
    {
        "iso_3166_1_a2": "GB",
        "iso_3166_1_a3": "GBR",
        "iso_3166_1_numeric": "826",
        "printable_name": "United Kingdom",
        "name": "United Kingdom of Great Britain and Northern Ireland",
        "display_order": 1,
    },
]


def load_checkout(progress):
    """Create or update the shipping countries and the sites' mirrors; returns counts for the summary."""
    from wagtail.models import Site

    from storefront.commerce.sites import sync_django_site

    Country = get_model("address", "Country")
    created = 0
    for spec in SHIPPING_COUNTRIES:
        values = {key: value for key, value in spec.items() if key != "iso_3166_1_a2"}
        _, was_created = Country.objects.update_or_create(
            iso_3166_1_a2=spec["iso_3166_1_a2"], defaults={**values, "is_shipping_country": True}
        )
        created += was_created
    names = ", ".join(spec["printable_name"] for spec in SHIPPING_COUNTRIES)
    progress(f"  shipping to: {names}")
    for site in Site.objects.order_by("-is_default_site", "hostname"):
        mirror = sync_django_site(site)
        progress(f"  site {mirror.domain}: {mirror.name}")
    return {"shipping countries created": created, "shipping countries": len(SHIPPING_COUNTRIES)}
