"""Every CMS page type renders through the shop's layout, with its content; the blog lists, filters and feeds."""

import datetime
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from wagtail.models import Site

from storefront.cms import factories
from storefront.cms.models import NavigationSettings
from storefront.cms.navigation import cache_key

pytestmark = pytest.mark.django_db


CONTENT_BODY = [
    ("hero", {"heading": "Picked this morning", "subheading": "Greens from farms nearby.",
              "button_text": "Shop now", "button_link": "/shop/", "image": None}),
    ("paragraph", "<p>Indoor farms grow <b>all year round</b>.</p>"),
    ("call_to_action", {"heading": "Open a trade account", "text": "<p>Invoice billing.</p>", "tone": "brand",
                        "button": {"text": "Register", "link": {"page": None, "url": "/shop/accounts/login/"}}}),
    ("testimonial", {"quote": "Nothing from the market comes close.", "name": "Amira Khan", "role": "Head chef"}),
    ("faq", {"heading": "Questions", "items": [
        {"question": "When do you deliver?", "answer": "<p>Tuesday to Saturday.</p>"},
    ]}),
]


@pytest.fixture
def home():
    return factories.create_home_page(title="Grown Indoors home", body=CONTENT_BODY)


@pytest.fixture
def navigation(home):
    about = factories.create_standard_page(home, title="About us", slug="about")
    settings = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.header_links = factories.stream([("link", {"label": "Our story", "link": {"page": about.pk, "url": ""}})])
    settings.footer_links = factories.stream(
        [("link", {"label": "Delivery info", "link": {"page": None, "url": "/delivery/"}})]
    )
    settings.social_links = factories.stream(
        [("social", {"name": "Instagram", "url": "https://instagram.com/growers"})]
    )
    settings.save()
    return settings


def test_home_page_renders_every_content_block_in_the_shop_layout(django_app, home, navigation):
    response = django_app.get("/")
    assert response.status_code == 200
    html = response.text
    for text in ["Picked this morning", "all year round", "Open a trade account", "/shop/accounts/login/",
                 "Nothing from the market comes close.", "Amira Khan", "When do you deliver?"]:
        assert text in html, text
    # The shop's header and the site stylesheet come from oscar/layout.html.
    assert "css/storefront.css" in html
    assert "/shop/basket/" in html
    assert 'action="/shop/search/"' in html
    # Navigation from the site settings: header page link, footer URL, social link.
    assert response.html.select_one(".site-nav__links a[href='/about/']").text.strip() == "Our story"
    assert response.html.select_one(".site-footer__links a[href='/delivery/']").text.strip() == "Delivery info"
    assert response.html.select_one(".site-footer__social a[href='https://instagram.com/growers']")


def test_shop_pages_share_the_layout_and_navigation(django_app, home, navigation):
    response = django_app.get("/shop/basket/")
    assert response.status_code == 200
    assert "css/storefront.css" in response.text
    assert response.html.select_one(".site-nav__links a[href='/about/']")
    assert response.html.select_one(".site-footer__social a[href='https://instagram.com/growers']")


def test_navigation_is_cached_and_refreshed_when_the_settings_change(django_app, home, navigation):
    django_app.get("/")
    site = Site.objects.get(is_default_site=True)
    assert cache.get(cache_key(site.pk))["footer"] == [{"label": "Delivery info", "url": "/delivery/"}]

    navigation.footer_links = factories.stream(
        [("link", {"label": "Wholesale", "link": {"page": None, "url": "/wholesale/"}})]
    )
    navigation.save()
    assert cache.get(cache_key(site.pk)) is None
    assert django_app.get("/").html.select_one(".site-footer__links a[href='/wholesale/']")


def test_landing_page_renders_intro_and_blocks(django_app, home):
    factories.create_landing_page(
        home, title="For restaurants", slug="for-restaurants", intro="Cut this morning, on the pass by lunch.",
        body=[("paragraph", "<p>Standing orders for kitchens.</p>")],
    )
    response = django_app.get("/for-restaurants/")
    assert response.status_code == 200
    assert "<h1 class=\"page-intro__title\">For restaurants</h1>" in response.text
    assert "Cut this morning, on the pass by lunch." in response.text
    assert "Standing orders for kitchens." in response.text
    assert "<title>For restaurants | Grown Indoors</title>" in response.text


def test_standard_page_renders_image_with_caption(django_app, home):
    image = factories.create_image("Basil under LEDs")
    factories.create_standard_page(
        home, title="About us", slug="about", intro="Who we are.",
        body=[("image", {"image": image.pk, "caption": "Basil at day 21", "attribution": "Photo: Ana", "wide": False})],
    )
    response = django_app.get("/about/")
    assert response.status_code == 200
    figure = response.html.select_one("figure.figure-block")
    assert figure.img["src"].startswith("/media/images/")
    assert "Basil at day 21" in figure.figcaption.text
    assert "Photo: Ana" in figure.figcaption.text


@pytest.fixture
def blog(home):
    index = factories.create_blog_index(home, title="Journal", slug="journal", posts_per_page=2)
    hero = factories.create_image("Lettuce racks")
    posts = [
        factories.create_blog_post(index, "Why local lettuce lasts longer", date=datetime.date(2026, 3, 1),
                                   tags=["freshness"], hero_image=hero),
        factories.create_blog_post(index, "LEDs and the energy bill", date=datetime.date(2026, 3, 8),
                                   tags=["energy"]),
        factories.create_blog_post(index, "Water use indoors", date=datetime.date(2026, 3, 15),
                                   tags=["energy", "water"]),
        factories.create_blog_post(index, "Meet the growers", date=datetime.date(2026, 3, 22),
                                   tags=["local supply"], author="Priya Patel"),
        factories.create_blog_post(index, "Microgreens for chefs", date=datetime.date(2026, 3, 29),
                                   tags=["freshness"]),
    ]
    return index, posts


def _titles(response):
    return [a.text.strip() for a in response.html.select(".blog-card__title")]


def test_blog_index_paginates_newest_first(django_app, blog):
    first = django_app.get("/journal/")
    assert first.status_code == 200
    assert _titles(first) == ["Microgreens for chefs", "Meet the growers"]
    assert "Page 1 of 3" in first.text

    last = first.click(href=r"\?page=2").click(href=r"\?page=3")
    assert _titles(last) == ["Why local lettuce lasts longer"]
    # Past the end or not a number: the nearest real page, never an error.
    assert _titles(django_app.get("/journal/?page=99")) == ["Why local lettuce lasts longer"]
    assert _titles(django_app.get("/journal/?page=abc")) == ["Microgreens for chefs", "Meet the growers"]


def test_blog_index_filters_by_tag_and_keeps_the_tag_when_paging(django_app, blog):
    response = django_app.get("/journal/?tag=energy")
    assert _titles(response) == ["Water use indoors", "LEDs and the energy bill"]
    assert response.html.select_one(".tag--active").text.strip() == "energy"

    response = django_app.get("/journal/?tag=freshness")
    assert _titles(response) == ["Microgreens for chefs", "Why local lettuce lasts longer"]
    assert "No posts with this tag yet." in django_app.get("/journal/?tag=nothing-here").text


def test_blog_post_renders_author_date_tags_hero_and_body(django_app, blog):
    response = django_app.get("/journal/why-local-lettuce-lasts-longer/")
    assert response.status_code == 200
    html = response.text
    assert "By Sam Grower" in html
    assert "1 March 2026" in html
    assert "The whole story of Why local lettuce lasts longer." in html
    assert response.html.select_one(".blog-post__hero img")["src"].startswith("/media/images/")
    assert response.html.select_one(".blog-post__footer a.tag[href='/journal/?tag=freshness']")


def test_rss_feed_is_valid_xml_with_the_newest_posts(django_app, blog):
    response = django_app.get("/journal/feed/")
    assert response.status_code == 200
    assert response.content_type == "application/rss+xml"
    channel = ElementTree.fromstring(response.body).find("channel")
    assert channel.findtext("title") == "Journal"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items][:2] == ["Microgreens for chefs", "Meet the growers"]
    assert len(items) == 5
    assert items[0].findtext("link") == "http://localhost/journal/microgreens-for-chefs/"
    assert items[0].findtext("description") == "The short version of Microgreens for chefs."
    assert [c.text for c in items[1].findall("category")] == ["local supply"]


def test_unpublished_posts_are_not_listed(django_app, blog):
    index, posts = blog
    posts[-1].unpublish()
    assert "Microgreens for chefs" not in django_app.get("/journal/").text
    assert "Microgreens for chefs" not in django_app.get("/journal/feed/").text


def test_links_to_unpublished_pages_are_left_out_of_the_navigation(django_app, home, navigation):
    about = home.get_children().get(slug="about")
    about.unpublish()
    response = django_app.get("/")
    assert not response.html.select_one(".site-nav__links a[href='/about/']")


@pytest.mark.parametrize(
    "url", ["/shop/", "/journal/?tag=energy", "https://example.com/x", "mailto:hello@example.com", ""]
)
def test_link_urls_that_are_accepted(url):
    from storefront.cms.blocks import validate_link_url

    validate_link_url(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "www.example.com", "shop/", "ftp://example.com/file"])
def test_link_urls_that_are_refused(url):
    from django.core.exceptions import ValidationError

    from storefront.cms.blocks import validate_link_url

    with pytest.raises(ValidationError, match="Enter a full URL"):
        validate_link_url(url)


def test_a_link_needs_exactly_one_of_page_and_url(home):
    from wagtail.blocks.struct_block import StructBlockValidationError

    from storefront.cms.blocks import LinkBlock

    block = LinkBlock()
    assert block.clean(block.to_python({"page": None, "url": "/shop/"}))["url"] == "/shop/"
    for raw in ({"page": None, "url": ""}, {"page": home.pk, "url": "/shop/"}):
        with pytest.raises(StructBlockValidationError) as error:
            block.clean(block.to_python(raw))
        assert "Choose a page or enter a URL" in str(error.value.block_errors["url"])


def test_a_hero_button_needs_both_text_and_link():
    from wagtail.blocks.struct_block import StructBlockValidationError

    from storefront.cms.blocks import HeroBlock

    block = HeroBlock()
    value = block.to_python({"heading": "Fresh", "button_text": "Shop now", "button_link": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "needs both a text and a link" in str(error.value.block_errors["button_link"])


def test_posts_per_page_must_be_between_1_and_48(home):
    from django.core.exceptions import ValidationError

    index = factories.create_blog_index(home)
    index.posts_per_page = 0
    with pytest.raises(ValidationError, match="between 1 and 48"):
        index.full_clean()
