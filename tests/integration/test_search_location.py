"""Radius search on the demo's ten growers, one region at a time, as the search form builds it.

The growers are made by factories at the coordinates of content/catalogue/growers.csv
(one per UK region); each region's postcode district and a town of it are
looked up in the shipped gazetteer, and a radius search around each must find
that region's grower and not the others.
"""

import csv
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.http import QueryDict
from haystack import connections

from storefront.search.forms import SearchForm
from storefront.search.geo import gazetteer, haversine_km, normalise
from storefront.search.indexing import rebuild
from storefront.search.service import execute
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db
GROWERS_CSV = Path(settings.BASE_DIR) / "content" / "catalogue" / "growers.csv"
RADIUS_KM = 25  # the demo's growers are at least 40 km apart (Bristol and Cardiff)

# region: (a postcode district there, a town there other than the grower's own city)
REGIONS = {
    "Scotland": ("DD1", "Carnoustie"),
    "North East": ("NE1", "Gateshead"),
    "Yorkshire and the Humber": ("LS1", "Pudsey"),
    "North West": ("M1", "Stretford"),
    "West Midlands": ("B5", "Solihull"),
    "East of England": ("CB4", "Histon"),
    "London": ("SE1", "Bermondsey"),
    "South West": ("BS1", "Keynsham"),
    "Wales": ("CF10", "Penarth"),
    "Northern Ireland": ("BT1", "Lisburn"),
}


def demo_grower_rows():
    with GROWERS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def growers():
    connections["default"].get_backend().refresh_interval = 0
    made = {}
    for row in demo_grower_rows():
        grower = make_grower(row["name"], city=row["city"], region=row["region"],
                             lat=float(row["latitude"]), lon=float(row["longitude"]))
        product = make_produce(f"Lettuce from {row['name']}", grower, product_class="Leafy greens")
        made[row["region"]] = (grower, product)
    rebuild()
    return made


def search(location, radius):
    form = SearchForm(QueryDict(urlencode({"location": location, "radius": str(radius)})))
    assert form.is_valid(), form.errors
    return execute(form.search_request(limit=50))


def test_the_cases_cover_every_demo_region():
    assert sorted(REGIONS) == sorted(row["region"] for row in demo_grower_rows())


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_a_district_and_a_town_of_the_region_find_its_grower_and_not_a_far_one(growers, region):
    district, town = REGIONS[region]
    places = gazetteer()
    assert places.postcodes[district].region == region
    assert places.names[normalise(town)][0].region == region
    grower, product = growers[region]
    by_product = {p.pk: g.name for g, p in growers.values()}
    # the grower farthest from this one: found only when the radius takes in the whole country
    far_grower, far_product = max(growers.values(), key=lambda gp: haversine_km(
        float(grower.latitude), float(grower.longitude), float(gp[0].latitude), float(gp[0].longitude)))
    for typed in (district, town, town.upper(), f"{district.lower()} 1aa"):
        near = search(typed, RADIUS_KM)
        assert {by_product[hit.pk] for hit in near.hits} == {grower.name}, typed
        assert near.hits[0].pk == product.pk and near.hits[0].distance_km < RADIUS_KM
        assert far_product.pk not in {hit.pk for hit in near.hits}
        everywhere = search(typed, 2000)
        assert len(everywhere.hits) == len(growers)
        assert far_product.pk in {hit.pk for hit in everywhere.hits}


def test_distances_are_to_each_grower_in_kilometres(growers):
    response = search("M1", 2000)
    by_pk = {p.pk: g for g, p in growers.values()}
    m1 = gazetteer().postcodes["M1"]
    for hit in response.hits:
        grower = by_pk[hit.pk]
        assert hit.distance_km == pytest.approx(
            haversine_km(m1.lat, m1.lon, float(grower.latitude), float(grower.longitude)), abs=0.01)
    leeds = next(hit for hit in response.hits if by_pk[hit.pk].city == "Leeds")
    assert 50 < leeds.distance_km < 60  # Manchester to Leeds, as the crow flies
