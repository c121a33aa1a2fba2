"""Location search on the demo catalogue as shipped (load_catalogue from content/), through WebTest."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from haystack import connections

from storefront.demo.loaders.catalogue import load_catalogue
from storefront.search.indexing import rebuild

pytestmark = pytest.mark.django_db
SEARCH = "/shop/search/"
CONTENT = Path(settings.BASE_DIR) / "content"


@pytest.fixture
def demo():
    connections["default"].get_backend().refresh_interval = 0
    load_catalogue(CONTENT, lambda message: None)
    rebuild()


def cards(page):
    """[("title (grower)", distance text)] of the result grid."""
    out = []
    for item in page.html.select(".search-products li.search-result"):
        distance = item.select_one(".search-distance")
        out.append((card_name(item), distance.text.strip() if distance else None))
    return out


def card_name(item):
    """A card's product name with the grower the card names: "Sweet basil 'Genovese', 30 g (Ancoats Microgreens)"."""
    return f"{item.select_one('h3 a').text.strip()} ({item.select_one('.product-card__grower a').text.strip()})"


def test_basil_near_m1_within_50_km_lists_the_manchester_growers_basil_with_its_distance(django_app, demo):
    page = django_app.get(SEARCH, params={"q": "basil", "location": "M1", "radius": "50"})
    assert page.status_code == 200
    assert "Growers near M1 within 50 km." in page.html.select_one(".search-place").text
    found = cards(page)
    assert sorted(title for title, _ in found) == [
        "Sweet basil 'Genovese', 100 g (Ancoats Microgreens)",
        "Sweet basil 'Genovese', 30 g (Ancoats Microgreens)",
        "Sweet basil 'Genovese', 500 g (Ancoats Microgreens)",
    ]
    for _, distance in found:
        kilometres = float(re.fullmatch(r"(\d+(?:\.\d)?) km away", distance).group(1))
        assert kilometres < 2  # Ancoats is a kilometre from the middle of M1


def test_a_full_postcode_finds_the_same_and_a_wider_radius_adds_farther_growers(django_app, demo):
    page = django_app.get(SEARCH, params={"q": "basil", "location": "m1 1ae", "radius": "50"})
    assert len(cards(page)) == 3
    assert "M1 1AE (district M1)" in page.html.select_one(".search-place").text
    wider = cards(django_app.get(SEARCH, params={"q": "basil", "location": "M1", "radius": "300", "sort_by": "distance"}))
    distances = [float(d.split()[0]) for _, d in wider]
    assert distances == sorted(distances) and distances[-1] > 200  # London's basil, about 270 km away
    assert any("(Ancoats Microgreens)" in title for title, _ in wider[:3])


def test_an_unknown_district_is_named_on_the_page(django_app, demo):
    page = django_app.get(SEARCH, params={"q": "basil", "location": "QQ9 9QQ", "radius": "50"})
    assert page.status_code == 200
    assert "We don't know the postcode district QQ9" in page.html.select_one(".search-errors").text


def test_a_category_keeps_the_place_on_its_way_to_its_own_url_and_shows_distances(django_app, demo):
    from oscar.core.loading import get_model

    basil = get_model("catalogue", "Category").objects.get(name="Basil")
    moved = django_app.get(f"/shop/catalogue/category/{basil.slug}_{basil.pk}/", params={"location": "M1", "sort_by": "distance"})
    assert moved.status_code == 301 and moved.location.endswith("?location=M1&sort_by=distance")
    page = moved.follow()
    first = page.html.select("li.search-result")[0]
    assert "(Ancoats Microgreens)" in card_name(first)
    assert first.select_one(".search-distance").text.strip() == "0.9 km away"
