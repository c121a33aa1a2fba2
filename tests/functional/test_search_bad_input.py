"""Whatever a buyer types into a search URL gives a page (with a message), never a server error."""

import pytest
from django.urls import reverse
from haystack import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.search.indexing import rebuild
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db
SEARCH = "/shop/search/"

nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet='"\\\'*?:()[]{}^~!&|/-+ AND OR NOT TO basil', max_size=40),
    st.text(min_size=190, max_size=3000),
    st.sampled_from(['"', "\\", '"basil', "basil\\", "[* TO 5]", "price:[5 TO", "region:", ":", "\u0000", "💚🌿", "a" * 10000]),
)
facet = st.one_of(
    st.text(max_size=40),
    st.builds(lambda f, v: f"{f}:{v}", st.sampled_from(["region", "price", "category", "unknown", "energy_grade", "region_exact", ""]), nasty_text),
)
number_text = st.one_of(st.text(max_size=12), st.sampled_from(["nan", "inf", "-inf", "-5", "0", "1e309", "50", "9999999"]),
                        st.floats(allow_nan=True, allow_infinity=True).map(str))
params = st.fixed_dictionaries(
    {},
    optional={
        "q": nasty_text,
        "selected_facets": st.lists(facet, max_size=25),
        "location": nasty_text,
        "radius": number_text,
        "lat": number_text,
        "lon": number_text,
        "min_kg": number_text,
        "sort_by": st.one_of(st.text(max_size=12), st.sampled_from(["distance", "price", "-price", "newest", "relevance"])),
        "page": number_text,
    },
)
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def small_catalogue():
    connections["default"].get_backend().refresh_interval = 0
    grower = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire", certifications="organic")
    make_produce("Genovese Basil", grower, price="4.50", pack_size_kg=10)
    make_produce("Cherry Tomatoes", grower, price="12.00", product_class="Fruit")
    rebuild()


@HYPOTHESIS
@given(query=params)
def test_any_search_parameters_give_a_page(django_app, small_catalogue, query):
    response = django_app.get(SEARCH, params=query, status="*")
    assert response.status_code == 200, response.text[:500]


@HYPOTHESIS
@given(query=params)
def test_any_parameters_on_the_catalogue_listing_give_a_page(django_app, small_catalogue, query):
    response = django_app.get(reverse("catalogue:index"), params=query, status="*")
    assert response.status_code == 200, response.text[:500]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=nasty_text)
def test_autocomplete_answers_any_text(django_app, small_catalogue, q):
    response = django_app.get(reverse("search:autocomplete"), params={"q": q}, status="*")
    assert response.status_code == 200
    assert isinstance(response.json["suggestions"], list)


def test_bad_values_are_named_in_a_message(django_app, small_catalogue):
    page = django_app.get(SEARCH, params={"q": "basil", "radius": "-3", "location": "Leeds", "sort_by": "sideways",
                                          "selected_facets": ["colour:green", "price:[cheap TO dear]"], "min_kg": "lots"})
    errors = page.html.select_one(".search-errors").text
    assert "radius must be between" in errors
    assert "sideways" in errors
    assert "colour:green" in errors and "price:[cheap TO dear]" in errors
    assert "number" in errors  # min_kg
    # the valid parts still ran
    assert "Genovese Basil" in page.html.select_one(".search-products").text


def test_a_too_long_query_says_so(django_app, small_catalogue):
    page = django_app.get(SEARCH, params={"q": "basil " * 100})
    assert "at most 200 characters" in page.html.select_one(".search-errors").text
