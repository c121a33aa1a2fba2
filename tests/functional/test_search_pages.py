"""The search pages as a buyer uses them, through WebTest."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.urls import reverse
from haystack import connections
from oscar.test.factories import UserFactory

from storefront.search.backends.base import SearchUnavailable
from storefront.search.indexing import rebuild
from storefront.search.tasks import send_saved_search_alerts
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db

SEARCH = "/shop/search/"


@pytest.fixture(autouse=True)
def fresh_index():
    connections["default"].get_backend().refresh_interval = 0


@pytest.fixture
def catalogue():
    leeds = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire", certifications="organic")
    london = make_grower("Thames Vertical Farm", city="London", region="London", certifications="gap")
    products = [
        make_produce("Genovese Basil", leeds, price="4.50", pack_size_kg=10, category="Herbs"),
        make_produce("Thai Basil", london, price="6.00", pack_size_kg=2, category="Herbs"),
        make_produce("Cherry Tomatoes", leeds, price="12.00", product_class="Fruit", category="Fruit"),
    ]
    rebuild()
    return products


def product_titles(page):
    return sorted(a.text.strip() for a in page.html.select(".search-products h3 a"))


def test_a_query_shows_matching_products_with_facets(django_app, catalogue):
    page = django_app.get(SEARCH, params={"q": "basil"})
    assert page.status_code == 200
    assert product_titles(page) == ["Genovese Basil", "Thai Basil"]
    facets = page.html.select_one(".search-facets").text
    assert "Yorkshire" in facets and "London" in facets


def test_a_facet_link_narrows_results_and_can_be_bookmarked(django_app, catalogue):
    page = django_app.get(SEARCH, params={"q": "basil"})
    link = next(a for a in page.html.select(".search-facets a") if a.text.strip() == "Yorkshire")
    narrowed = django_app.get(link["href"])
    assert product_titles(narrowed) == ["Genovese Basil"]
    assert parse_qs(urlparse(link["href"]).query)["selected_facets"] == ["region:Yorkshire"]
    # the same URL, opened fresh, gives the same page
    assert product_titles(django_app.get(link["href"])) == ["Genovese Basil"]


def test_a_place_and_radius_limit_growers_and_show_distance(django_app, catalogue):
    page = django_app.get(SEARCH, params={"location": "LS1 4AP", "radius": "50", "sort_by": "distance"})
    assert product_titles(page) == ["Cherry Tomatoes", "Genovese Basil"]
    distances = [p.text for p in page.html.select(".search-distance")]
    assert len(distances) == 2 and all("km away" in d for d in distances)


def test_browser_coordinates_work_like_a_place(django_app, catalogue):
    page = django_app.get(SEARCH, params={"lat": "51.5", "lon": "-0.12", "radius": "25"})
    assert product_titles(page) == ["Thai Basil"]


def test_an_unknown_place_gives_a_message_not_an_error(django_app, catalogue):
    page = django_app.get(SEARCH, params={"q": "basil", "location": "Atlantis", "radius": "10"})
    assert page.status_code == 200
    assert "We don't know the place" in page.html.select_one(".search-errors").text
    assert product_titles(page) == ["Genovese Basil", "Thai Basil"]


def test_an_empty_query_lists_the_catalogue_with_the_same_facets(django_app, catalogue):
    page = django_app.get(SEARCH)
    assert len(product_titles(page)) == 3
    assert "Price range" in page.html.select_one(".search-facets").text
    browse = django_app.get(reverse("catalogue:index"), params={"selected_facets": "product_class:Fruit"})
    assert browse.status_code == 200
    assert "Cherry Tomatoes" in browse.text and "Genovese Basil" not in browse.text


def test_minimum_pack_size(django_app, catalogue):
    assert product_titles(django_app.get(SEARCH, params={"q": "basil", "min_kg": "10"})) == ["Genovese Basil"]


def test_autocomplete_answers_with_titles_and_links(django_app, catalogue):
    data = django_app.get(reverse("search:autocomplete"), params={"q": "cherry to"}).json
    assert [s["title"] for s in data["suggestions"]] == ["Cherry Tomatoes"]
    assert data["suggestions"][0]["url"].startswith("/shop/catalogue/")


def test_cms_pages_have_their_own_section(django_app, catalogue):
    from wagtail.models import Page

    root = Page.objects.get(depth=1)
    home = root.get_children().first() or root.add_child(instance=Page(title="Home", slug="home"))
    home.add_child(instance=Page(title="How we grow basil indoors", slug="grow-basil"))
    page = django_app.get(SEARCH, params={"q": "basil"})
    section = page.html.select_one(".search-pages")
    assert section is not None and "How we grow basil indoors" in section.text


def test_search_down_gives_an_unavailable_page_and_healthz_says_so(django_app, catalogue, monkeypatch):
    backend = connections["default"].get_backend()

    def down(*args, **kwargs):
        raise SearchUnavailable("connection refused")

    monkeypatch.setattr(backend, "execute", down)
    monkeypatch.setattr(backend, "ping", down)
    page = django_app.get(SEARCH, params={"q": "basil"}, status=503)
    assert "Search is unavailable" in page.text
    health = django_app.get("/healthz", status=503).json
    assert health["checks"]["search"]["ok"] is False
    assert health["checks"]["database"]["ok"] is True


def test_saved_search_emails_new_matches_once(django_app, catalogue):
    user = UserFactory(email="chef@example.com")
    page = django_app.get(SEARCH, params={"q": "basil", "min_kg": "5", "location": "Leeds", "radius": "50"}, user=user)
    form = next(f for f in page.forms.values() if f.action == reverse("search:saved-add"))
    saved_list = form.submit(user=user).follow(user=user)
    assert "basil, at least 5 kg, within 50 km of Leeds" in saved_list.text

    assert send_saved_search_alerts.delay().get()["sent"] == 0  # nothing new since it was saved
    grower = make_grower("Kirkstall Herbs", city="Leeds", region="Yorkshire")
    make_produce("Lemon Basil", grower, price="7.00", pack_size_kg=6)
    make_produce("Far Away Basil", make_grower("Soho Roof", city="London"), pack_size_kg=20)
    rebuild()
    result = send_saved_search_alerts.delay().get()
    assert result["sent"] == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chef@example.com"]
    assert "Lemon Basil" in mail.outbox[0].body and "Far Away Basil" not in mail.outbox[0].body
    assert send_saved_search_alerts.delay().get()["sent"] == 0  # not sent twice


def test_cached_cards_show_a_new_price_and_this_requests_csrf_token(django_app, catalogue):
    from django.core.cache import cache

    from storefront.search.cards import local_cards

    cache.clear()
    local_cards.clear()
    first = django_app.get(SEARCH, params={"q": "genovese"})
    assert "£4.50" in first.html.select_one(".search-products").text
    record = catalogue[0].stockrecords.get()
    record.price = "3.25"
    record.save()
    second = django_app.get(SEARCH, params={"q": "genovese"})
    assert "£3.25" in second.html.select_one(".search-products").text
    token = second.html.select_one(".search-products input[name=csrfmiddlewaretoken]")
    assert token is not None and "placeholder" not in token["value"]


def test_a_page_whose_cards_are_cached_loads_no_products(django_app, catalogue, monkeypatch):
    from oscar.core.loading import get_model

    from storefront.search.service import PageProducts

    category = get_model("catalogue", "Category").objects.get(name="Herbs").get_absolute_url()
    first = (product_titles(django_app.get(SEARCH, params={"q": "basil"})), django_app.get(category).text)

    def not_loaded(self, pk):
        raise AssertionError("a cached card needs no product object")

    monkeypatch.setattr(PageProducts, "get", not_loaded)
    assert product_titles(django_app.get(SEARCH, params={"q": "basil"})) == first[0] == ["Genovese Basil", "Thai Basil"]
    listing = django_app.get(category)
    assert sorted(a.text.strip() for a in listing.html.select("article.product_pod h3 a")) == ["Genovese Basil", "Thai Basil"]


def test_result_products_load_in_one_batch_and_deleted_ones_drop_out(catalogue, django_assert_num_queries):
    from storefront.search import service
    from storefront.search.query import SearchRequest

    from oscar.test.factories import create_stockrecord

    hits = service.execute(SearchRequest(text="", sort="title")).hits
    catalogue[2].delete()  # gone from the database, still in the index
    second = create_stockrecord(catalogue[1], price="5.75", num_in_stock=3, partner_name="Kirkstall Herbs")
    catalogue[0].stockrecords.update(num_allocated=2)
    results = service.load_products(hits)
    assert [result.pk for result in results] == [catalogue[0].pk, catalogue[1].pk]
    first = catalogue[1].stockrecords.exclude(pk=second.pk).get()
    assert [[(pk, str(price), left, allocated) for pk, price, left, allocated in result.facts.stock] for result in results] == [
        [(catalogue[0].stockrecords.get().pk, "4.50", 10, 2)],
        [(first.pk, "6.00", 10, None), (second.pk, "5.75", 3, None)],
    ]
    assert results[0].object == catalogue[0]  # the first product asked for loads the page
    with django_assert_num_queries(0):
        assert [result.object.title for result in results] == ["Genovese Basil", "Thai Basil"]
        prices = [sorted(str(record.price) for record in result.object.stockrecords.all()) for result in results]
        assert prices == [["4.50"], ["5.75", "6.00"]]


def test_facet_lists_are_rendered_once_per_index_generation(django_app, catalogue, monkeypatch):
    from storefront.search import facets
    from storefront.search.indexing import reindex_products

    def regions(page):
        return [a.text.strip() for a in page.html.select(".search-facets a")]

    first = regions(django_app.get(SEARCH, params={"q": "basil"}))
    assert "Yorkshire" in first and "London" in first

    def not_counted_again(*args):
        raise AssertionError("the facet lists of this page and index generation are cached")

    monkeypatch.setattr(facets, "facet_data", not_counted_again)
    assert regions(django_app.get(SEARCH, params={"q": "basil"})) == first
    monkeypatch.undo()

    other = regions(django_app.get(SEARCH, params={"q": "tomatoes"}))  # another search: its own lists
    assert "Yorkshire" in other and "London" not in other
    cornish = make_produce("Lemon Basil", make_grower("Kernow Herbs", city="Truro", region="Cornwall"), category="Herbs")
    reindex_products([cornish.pk])  # a new index generation: counted and rendered again
    assert "Cornwall" in regions(django_app.get(SEARCH, params={"q": "basil"}))


def test_category_menu_of_a_listing_marks_its_category_and_shows_a_renamed_one_at_once(
    django_app, catalogue, settings, django_capture_on_commit_callbacks
):
    from oscar.core.loading import get_model

    settings.STOREFRONT_CATEGORY_TREE_CACHE = True  # production: the rendered menu is kept per purge generation
    Category = get_model("catalogue", "Category")
    herbs = Category.objects.get(name="Herbs")

    def menu(url):
        side = django_app.get(url).html.select_one(".side_categories")
        return [a.text.strip() for a in side.select("a")], [b.text.strip() for b in side.select("strong")]

    links, bold = menu(herbs.get_absolute_url())
    assert sorted(links) == ["Fruit", "Herbs"] and bold == ["Herbs"]
    fruit = Category.objects.get(name="Fruit")
    links, bold = menu(fruit.get_absolute_url())
    assert sorted(links) == ["Fruit", "Herbs"] and bold == ["Fruit"]
    with django_capture_on_commit_callbacks(execute=True):
        herbs.name = "Fresh herbs"
        herbs.save()
    links, bold = menu(fruit.get_absolute_url())
    assert sorted(links) == ["Fresh herbs", "Fruit"] and bold == ["Fruit"]
