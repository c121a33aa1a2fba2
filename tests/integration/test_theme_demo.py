"""The demo's partner site: created once, safe to load twice, served with its own theme and catalogue."""

import pytest
from wagtail.models import Site

from storefront.plugins.models import PluginSetting
from storefront.themes.demo import load_partner_site
from storefront.themes.models import ThemeSettings
from tests.factories import create_grower, create_listed_product

pytestmark = pytest.mark.django_db


def test_partner_site_is_created_once_with_theme_home_page_and_catalogue(django_app, plugin_host, tmp_path):
    plugin_host.register_installed("site_catalogue")
    thistle = create_grower("Thistle Light Farms")
    thistle.code = "thistle-light-farms"
    thistle.save()
    elsewhere = create_grower("Southern Farm")
    ours, theirs = create_listed_product(thistle, "Dundee lettuce"), create_listed_product(elsewhere, "Kent apples")
    messages = []

    first = load_partner_site(tmp_path, messages.append)
    second = load_partner_site(tmp_path, messages.append)

    assert first["partner_site_created"] and not second["partner_site_created"]
    assert first["partner_home_page_created"] and not second["partner_home_page_created"]
    assert second["partner_growers"] == 1 and second["partner_restricted"]
    assert any("left out: tyneside-vertical" in m for m in messages)
    site = Site.objects.get(hostname="partner.localhost")
    assert Site.objects.filter(hostname="partner.localhost").count() == 1
    assert ThemeSettings.objects.get(site=site).theme == "harvest"
    assert PluginSetting.objects.get(site=site, plugin_id="site_catalogue").config["growers"] == "thistle-light-farms"
    assert site.root_page.specific.__class__.__name__ == "HomePage"

    host = {"HTTP_HOST": "partner.localhost"}
    home = django_app.get("/", extra_environ=host)
    assert "theme-harvest" in home.text and "Fresh from the indoor farms" in home.text
    assert django_app.get(ours.get_absolute_url(), extra_environ=host).status_code == 200
    assert django_app.get(theirs.get_absolute_url(), extra_environ=host, expect_errors=True).status_code == 404


def test_a_bad_site_description_names_the_file(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "partner.json").write_text('{"theme": "harvest", "colour": "red"}')
    with pytest.raises(ValueError, match=r"partner.json: unknown keys colour"):
        load_partner_site(tmp_path, print)
    (tmp_path / "sites" / "partner.json").write_text('{"featured": "pea-shoots"}')
    with pytest.raises(ValueError, match=r'partner.json: "featured" is a list of product slugs'):
        load_partner_site(tmp_path, print)


def test_the_partner_home_features_only_products_its_growers_sell(django_app, plugin_host, tmp_path):
    import json

    plugin_host.register_installed("site_catalogue")
    thistle = create_grower("Thistle Light Farms")
    ours = create_listed_product(thistle, "Dundee lettuce")
    theirs = create_listed_product(create_grower("Southern Farm"), "Kent apples")
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "partner.json").write_text(json.dumps({
        "growers": ["thistle-light-farms"], "featured": [theirs.slug, "no-such-product", ours.slug],
    }))
    messages = []

    summary = load_partner_site(tmp_path, messages.append)

    assert summary["partner_featured_products"] == 1
    assert any(f"left out: {theirs.slug}, no-such-product" in m for m in messages)
    home = django_app.get("/", extra_environ={"HTTP_HOST": "partner.localhost"})
    assert [t.text.strip() for t in home.html.select(".product-card__title")] == ["Dundee lettuce"]


def test_the_demo_partner_site_as_shipped_has_its_name_its_categories_and_its_growers_products(
    django_app, django_capture_on_commit_callbacks
):
    """``load_demo`` exactly as ``bin/demo`` runs it: nothing set up for the test."""
    import io

    from django.core.management import call_command
    from haystack import connections
    from oscar.core.loading import get_model

    from storefront.themes.demo import PARTNER_SITE

    connections["default"].get_backend().refresh_interval = 0
    with django_capture_on_commit_callbacks(execute=True):  # the search index is updated after commit
        call_command("load_demo", stdout=io.StringIO())
    Product = get_model("catalogue", "Product")
    partner_products = Product.objects.filter(stockrecords__partner__code__in=PARTNER_SITE["growers"]).distinct()
    partner_titles = {p.title for p in partner_products}
    partner_urls = {p.get_absolute_url() for p in partner_products}

    def get(url, host):
        return django_app.get(url, extra_environ={"HTTP_HOST": host})

    def title(page):
        return " ".join(page.html.title.text.split())

    partner_home, main_home = get("/", "partner.localhost"), get("/", "localhost")
    assert title(partner_home).startswith("Harvest Market | ") and "Grown Indoors" not in title(partner_home)
    assert title(main_home).startswith("Grown Indoors")
    assert "Harvest Market" in title(get("/shop/catalogue/", "partner.localhost"))

    # Mushrooms come only from growers the partner does not show: no tile there, one on the main site.
    partner_tiles = {a.select_one(".category-card__name").text: a["href"] for a in partner_home.html.select("a.category-card")}
    main_tiles = [a.select_one(".category-card__name").text for a in main_home.html.select("a.category-card")]
    assert "Mushrooms" not in partner_tiles and "Mushrooms" in main_tiles
    assert len(partner_tiles) >= 4
    for name, url in partner_tiles.items():
        listing = get(url, "partner.localhost")
        shown = {a["href"] for a in listing.html.select("article.product_pod h3 a")}
        assert shown, f"the {name} tile leads to an empty listing"
        assert shown <= partner_urls, (name, shown - partner_urls)

    featured = [t.text.strip() for t in partner_home.html.select(".product-card__title")]
    assert len(featured) == len(PARTNER_SITE["featured"])
    assert set(featured) <= partner_titles
