"""manage.py load_demo: one command loads everything, and a second run duplicates nothing."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db

COUNTED = {
    "growers": get_model("partner", "Partner"),
    "products": get_model("catalogue", "Product"),
    "stock records": get_model("partner", "StockRecord"),
    "product images": get_model("catalogue", "ProductImage"),
    "categories": get_model("catalogue", "Category"),
    "pages": Page,
    "sites": Site,
    "users": get_user_model(),
}


def counts():
    return {name: model.objects.count() for name, model in COUNTED.items()}


def harvest_dates():
    """{product upc: harvest date} and {lot number: harvest date} as loaded."""
    from vibelux.models import Lot

    Product = get_model("catalogue", "Product")
    products = {p.upc: p.attr.harvest_date for p in Product.objects.filter(upc__isnull=False)}
    return products, dict(Lot.objects.values_list("lot_number", "harvest_date"))


def test_loads_every_role_and_a_second_run_creates_nothing():
    out = io.StringIO()
    load_day = date(2027, 1, 10)  # the demo's dates are relative to the day it is loaded
    call_command("load_demo", today=load_day.isoformat(), stdout=out)
    first = counts()
    assert first["growers"] >= 5 and first["products"] >= 120 and first["sites"] == 2
    assert "Demo content loaded" in out.getvalue()
    for email in ("admin@example.com", "marketer@example.com", "seller1@example.com", "seller2@example.com",
                  "buyer@example.com"):
        assert get_user_model().objects.filter(email=email).exists(), email
    assert get_user_model().objects.get(email="seller1@example.com").partners.exists()
    assert get_user_model().objects.get(email="marketer@example.com").groups.filter(name="Marketers").exists()

    with (settings.BASE_DIR / "content" / "catalogue" / "products.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    products, lots = harvest_dates()
    assert products[row["upc"]] == load_day - timedelta(days=int(row["harvested_days_ago"]))
    assert lots == {"TLF-BAS-0142": load_day - timedelta(days=1), "TLF-PEA-0087": load_day - timedelta(days=1)}

    # Loaded again two days later: nothing new, every date moved along in place.
    call_command("load_demo", today=(load_day + timedelta(days=2)).isoformat(), stdout=io.StringIO())
    assert counts() == first
    moved_products, moved_lots = harvest_dates()
    assert moved_products[row["upc"]] == products[row["upc"]] + timedelta(days=2)
    assert moved_lots == {lot: day + timedelta(days=2) for lot, day in lots.items()}


def test_a_bad_day_is_a_clear_error():
    with pytest.raises(CommandError, match="--today '2027-13-01' is not a date; write it as YYYY-MM-DD"):
        call_command("load_demo", today="2027-13-01", stdout=io.StringIO())


def test_the_demo_ships_to_the_united_kingdom_and_names_its_sites():
    from django.conf import settings
    from django.contrib.sites.models import Site as DjangoSite

    Country = get_model("address", "Country")
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # a second run adds nothing
    assert list(Country.objects.filter(is_shipping_country=True).values_list("iso_3166_1_a2", "printable_name")) == [
        ("GB", "United Kingdom")
    ]
    # The Django Sites orders are stamped with, and emails signed by, mirror the Wagtail sites.
    assert DjangoSite.objects.get(pk=settings.SITE_ID).name == Site.objects.get(is_default_site=True).site_name
    assert DjangoSite.objects.get(domain="partner.localhost").name == "Harvest Market"
    assert DjangoSite.objects.count() == Site.objects.count() == 2
    assert not DjangoSite.objects.filter(name="example.com").exists()


def test_a_missing_content_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No content folder at"):
        call_command("load_demo", content_dir=str(tmp_path / "nowhere"), stdout=io.StringIO())
