"""The demo pages loader: replaces the welcome page, fills pages, posts and navigation, and is safe to run twice."""

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from oscar.test.factories import CategoryFactory, create_product
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from storefront.cms.models import BlogPage, HomePage, LandingPage, NavigationSettings, StandardPage
from storefront.demo.loaders.pages import PageContentError, load_pages

pytestmark = pytest.mark.django_db

CONTENT = Path(settings.BASE_DIR) / "content"


def _quiet(message):
    pass


def _snapshot():
    return (Page.objects.count(), Revision.objects.count(), get_image_model().objects.count(),
            NavigationSettings.objects.count())


def test_loads_the_demo_site_and_a_second_run_creates_nothing(django_app):
    CategoryFactory(name="Microgreens", slug="microgreens")
    basil = create_product(title="Genovese basil", price=Decimal("1.80"), num_in_stock=20)
    messages = []

    first = load_pages(CONTENT, messages.append)

    assert first["pages created"] == 5
    assert first["blog posts created"] == 6
    assert first["images created"] >= 10
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 8000)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.slug == "home"
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page.pk).exists()  # welcome page gone
    assert LandingPage.objects.live().count() == 2
    assert StandardPage.objects.live().get().slug == "about"
    assert BlogPage.objects.live().count() == 6
    assert any("not in the catalogue" in m.lower() for m in messages)

    before = _snapshot()
    second = load_pages(CONTENT, _quiet)
    assert not any(key.endswith("created") for key in second), second
    assert not second.get("pages updated") and not second.get("blog posts updated"), second
    assert _snapshot() == before

    home = django_app.get("/")
    assert "Picked this morning, on your plate tonight" in home.text
    assert home.html.select_one(f".product-card a[href='{basil.get_absolute_url()}']")
    assert [a.text for a in home.html.select(".site-nav__links > li > a.nav-link")][1:] == [
        "For restaurants", "Grow-room to table", "Journal", "About"]
    assert home.html.select_one(".site-footer__social a[href^='https://www.instagram.com/']")
    for url in ["/for-restaurants/", "/grow-room-to-table/", "/about/", "/journal/",
                "/journal/microgreens-for-chefs/"]:
        assert django_app.get(url).status_code == 200, url
    feed = ElementTree.fromstring(django_app.get("/journal/feed/").body)
    assert len(feed.findall("channel/item")) == 6


def test_catalogue_loaded_later_fills_the_commerce_blocks_on_the_next_run(django_app):
    load_pages(CONTENT, _quiet)
    assert not django_app.get("/").html.select(".product-card")

    create_product(title="Pea shoots", price=Decimal("2.20"), num_in_stock=5)
    result = load_pages(CONTENT, _quiet)

    assert result.get("pages updated", 0) >= 1
    assert "pages created" not in result
    assert django_app.get("/").html.select_one(".product-card__title").text == "Pea shoots"


def _copy_content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT / "pages", target / "pages")
    shutil.copytree(CONTENT / "blog", target / "blog")
    return target


@pytest.mark.parametrize(
    "file_name, change, message",
    [
        ("about.json", lambda d: d.update(type="gallery"), "about.json: unknown page type 'gallery'"),
        ("about.json", lambda d: d["body"].append({"type": "carousel", "value": {}}),
         "about.json: body[5]: unknown block type 'carousel'"),
        ("home.json", lambda d: d["body"][0]["value"].update(headline="x"),
         "home.json: body[0] (hero): unknown field(s) headline"),
        ("home.json", lambda d: d["body"][6]["value"]["button"]["link"].update(page="nowhere"),
         "no page with slug 'nowhere'"),
        ("about.json", lambda d: d.pop("title"), "about.json: \"title\" is missing or empty"),
    ],
)
def test_bad_content_names_the_file_and_writes_nothing(tmp_path, file_name, change, message):
    content = _copy_content(tmp_path)
    path = content / "pages" / file_name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    before = _snapshot()

    with pytest.raises(PageContentError, match=re.escape(message)):
        load_pages(content, _quiet)
    assert _snapshot() == before


def test_a_block_of_a_plugin_that_is_off_is_left_out_with_a_progress_line(tmp_path, django_app):
    content = _copy_content(tmp_path)
    path = content / "pages" / "about.json"
    data = json.loads(path.read_text())
    assert any(block["type"] == "energy_method" for block in data["body"])  # the energy badges plugin is on
    data["body"].insert(1, {"type": "solar_forecast", "plugin": "solar", "value": {"days": 7}})
    path.write_text(json.dumps(data))
    lines = []

    load_pages(content, lines.append)

    assert "about.json: body[1]: left out the 'solar_forecast' block (the solar plugin is off)." in " ".join(lines)
    about = django_app.get("/about/")
    assert "How we grade energy use" in about.text  # the plugin block of an enabled plugin is kept


def test_a_post_with_a_bad_date_is_refused(tmp_path):
    content = _copy_content(tmp_path)
    path = content / "blog" / "water-the-quiet-advantage.json"
    data = json.loads(path.read_text())
    data["date"] = "3rd March"
    path.write_text(json.dumps(data))

    with pytest.raises(PageContentError, match="water-the-quiet-advantage.json: date '3rd March' is not a date"):
        load_pages(content, _quiet)


def test_invalid_json_reports_line_and_column(tmp_path):
    content = _copy_content(tmp_path)
    (content / "pages" / "about.json").write_text('{"type": "standard",\n "slug": }')

    with pytest.raises(PageContentError, match=r"about.json: line 2, column 10: invalid JSON"):
        load_pages(content, _quiet)


def test_a_welcome_page_that_another_site_uses_is_kept_and_the_load_stops():
    welcome = Page.objects.get(depth=2, slug="home")
    Site.objects.create(hostname="partner.localhost", port=80, root_page=welcome, site_name="Partner")
    before = _snapshot()

    with pytest.raises(PageContentError, match="a page with slug 'home' already sits at the top of the page tree"):
        load_pages(CONTENT, _quiet)
    assert _snapshot() == before
    assert Site.objects.filter(hostname="partner.localhost", root_page=welcome).exists()
