"""Plugins on real pages: badges on cards, product pages and search, a broken plugin, per-site listings."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from haystack import connections
from wagtail.models import Site

from energy_badges.models import EnergyReport
from storefront.plugins import hookimpl
from storefront.plugins.models import PluginSetting
from storefront.search.indexing import rebuild
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db

PARTNER_HOST = "partner.localhost"


@pytest.fixture(autouse=True)
def fresh_index():
    connections["default"].get_backend().refresh_interval = 0


def verified_report(partner, kwh):
    return EnergyReport.objects.create(
        partner=partner, kwh_per_kg=Decimal(kwh), renewable_share=Decimal(0), lighting_efficacy=Decimal("2.5"),
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31),
        evidence=SimpleUploadedFile("e.pdf", b"%PDF-1.4"), status=EnergyReport.VERIFIED,
    )


@pytest.fixture
def catalogue(plugin_host):
    plugin_host.register_installed("energy_badges", "site_catalogue")
    leeds = make_grower("Aire Valley Greens", city="Leeds")
    london = make_grower("Thames Vertical Farm", city="London")
    verified_report(leeds, "4")
    products = {
        "basil": make_produce("Genovese Basil", leeds),
        "mint": make_produce("Garden Mint", leeds),
        "rocket": make_produce("Wild Rocket", london),
    }
    rebuild()
    return {"leeds": leeds, "london": london, **products}


def card_titles(page):
    return sorted(a.text.strip() for a in page.html.select("article.product_pod h3 a"))


def test_badges_show_on_cards_product_page_and_search(django_app, catalogue):
    listing = django_app.get("/shop/catalogue/")
    badges = {
        card.select_one("h3 a").text.strip(): [li.text.strip() for li in card.select(".storefront-badge")]
        for card in listing.html.select("article.product_pod")
    }
    assert badges == {"Genovese Basil": ["Energy A"], "Garden Mint": ["Energy A"], "Wild Rocket": []}
    assert "/static/energy_badges/badges.css" in listing.text

    detail = django_app.get(catalogue["basil"].get_absolute_url())
    assert "Energy A" in detail.html.select_one(".storefront-badges--large").text

    search = django_app.get("/shop/search/", params={"q": "basil"})
    assert "Energy A" in search.html.select_one("article.product_pod").text


def test_energy_grade_is_a_search_facet_with_counts(django_app, catalogue):
    page = django_app.get("/shop/search/", params={"q": ""})
    facets = page.html.select_one(".search-facets").text
    assert "Energy grade" in facets
    assert "A" in facets and "(2)" in facets


@pytest.mark.parametrize("url", ["/shop/catalogue/", "/shop/search/?q="])
def test_listing_and_search_cost_no_extra_queries_per_product(django_app, catalogue, settings, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        django_app.get(url)  # warm: the site's plugin scope, thumbnails
        with CaptureQueriesContext(connection) as queries:
            page = django_app.get(url)
        return len(queries), len(page.html.select("article.product_pod"))

    settings.SEARCH_CARD_CACHE_SECONDS = 0  # render every card on every request, badges included
    site = Site.objects.get(is_default_site=True)
    on_few, cards_few = count()
    setting = PluginSetting.objects.create(site=site, plugin_id="energy_badges", enabled=False)
    off_few, _ = count()
    setting.delete()
    for i in range(6):
        make_produce(f"Extra {i}", catalogue["leeds"])
    rebuild()
    on_many, cards_many = count()
    PluginSetting.objects.create(site=site, plugin_id="energy_badges", enabled=False)
    off_many, _ = count()
    assert (cards_few, cards_many) == (3, 9)
    # The badges cost the same few queries for 3 cards or 9 (a per-card cost would add 9 or more);
    # the margin absorbs the search backend's occasional refresh check.
    assert on_few - off_few <= 3 and on_many - off_many <= 3, (on_few, off_few, on_many, off_many)


def test_a_raising_plugin_is_skipped_logged_and_switched_off(django_app, catalogue, plugin_host, caplog, settings):
    settings.SEARCH_CARD_CACHE_SECONDS = 0  # render the cards, and so call the plugins, on every request

    class Broken:
        calls = 0

        @hookimpl
        def storefront_product_badges(self, products):
            Broken.calls += 1
            raise RuntimeError("badge backend unreachable")

    plugin_host.breaker_threshold = 2
    plugin_host.register("broken_badges", Broken())
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        for _ in range(3):
            page = django_app.get("/shop/catalogue/")
            assert page.status_code == 200
            assert "Energy A" in page.text  # the other plugin still works
    assert "Plugin broken_badges failed in storefront_product_badges and was skipped" in caplog.text
    assert "switched off for" in caplog.text
    assert Broken.calls == 2, "the breaker must stop calling the plugin after it opened"
    assert "broken_badges" in plugin_host.failing()


def test_partner_site_listing_and_search_hide_other_growers(django_app, catalogue):
    main = Site.objects.get(is_default_site=True)
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=main.root_page, site_name="Partner")
    PluginSetting.objects.create(site=partner, plugin_id="site_catalogue", config={"growers": catalogue["leeds"].code})
    rebuild()
    host = {"HTTP_HOST": PARTNER_HOST}
    assert card_titles(django_app.get("/shop/catalogue/", extra_environ=host)) == ["Garden Mint", "Genovese Basil"]
    assert card_titles(django_app.get("/shop/search/", params={"q": "rocket"}, extra_environ=host)) == []
    assert card_titles(django_app.get("/shop/catalogue/")) == ["Garden Mint", "Genovese Basil", "Wild Rocket"]


def test_partner_site_cms_blocks_show_only_its_growers(django_app, catalogue):
    import json

    from wagtail.models import Page

    from storefront.cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Partner home", slug="partner-home", body=json.dumps([
        {"type": "featured_products", "value": {
            "heading": "Picked for you", "intro": "",
            "products": [catalogue["basil"].pk, catalogue["rocket"].pk]}},
    ])))
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=home, site_name="Partner")
    PluginSetting.objects.create(site=partner, plugin_id="site_catalogue", config={"growers": catalogue["leeds"].code})
    page = django_app.get("/", extra_environ={"HTTP_HOST": PARTNER_HOST})
    assert "Genovese Basil" in page.text
    assert "Wild Rocket" not in page.text


def test_energy_method_block_is_offered_to_editors_and_shows_only_where_the_plugin_is_on(django_app, catalogue):
    import json

    from wagtail.models import Page

    from storefront.cms.models import HomePage, LandingPage

    for page_type in (HomePage, LandingPage):
        assert "energy_method" in page_type._meta.get_field("body").stream_block.child_blocks
    # Migrations describe the core blocks only: installed plugins never change them.
    _name, path, [core_blocks], _kwargs = HomePage._meta.get_field("body").deconstruct()
    assert path == "wagtail.fields.StreamField"
    assert "energy_method" not in dict(core_blocks)

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Partner home", slug="partner-home", body=json.dumps([
        {"type": "energy_method", "value": {"heading": "How energy grades work", "introduction": "Measured."}},
    ])))
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=home, site_name="Partner")
    page = django_app.get("/", extra_environ={"HTTP_HOST": PARTNER_HOST})
    assert "How energy grades work" in page.text and "over 40" in page.text

    PluginSetting.objects.create(site=partner, plugin_id="energy_badges", enabled=False)
    page = django_app.get("/", extra_environ={"HTTP_HOST": PARTNER_HOST})
    assert page.status_code == 200
    assert "How energy grades work" not in page.text


def test_switching_a_plugin_off_takes_its_badges_off_cached_cards_at_once(
    django_app, catalogue, settings, django_capture_on_commit_callbacks
):
    settings.STOREFRONT_PAGE_CACHE = True  # production: the purge generation is bumped by edits

    def badges():
        django_app.reset()
        page = django_app.get("/shop/catalogue/")
        return sorted(badge.text.strip() for badge in page.html.select("article.product_pod .storefront-badge"))

    assert badges() == ["Energy A", "Energy A"]
    assert badges() == ["Energy A", "Energy A"]  # the cards (and the page) now come from the cache
    with django_capture_on_commit_callbacks(execute=True):
        PluginSetting.objects.create(site=Site.objects.get(is_default_site=True), plugin_id="energy_badges", enabled=False)
    assert badges() == []
