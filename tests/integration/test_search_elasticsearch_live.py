"""The Elasticsearch backend against a real cluster (8.x or 9.x).

Runs only when ELASTICSEARCH_URL is set (for example http://127.0.0.1:9200);
each test run uses an index of its own and deletes it afterwards.
"""

import os
import uuid

import pytest

from storefront.search.backends.base import SearchUnavailable
from storefront.search.query import Clause, RangeFacet, SearchRequest
from storefront.search.testing import make_grower, make_produce

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against"),
]


@pytest.fixture
def engine():
    from storefront.search.backends.elasticsearch import ElasticsearchSearchBackend

    backend = ElasticsearchSearchBackend("default", URL=ELASTICSEARCH_URL, INDEX_NAME=f"storefront-test-{uuid.uuid4().hex[:8]}", TIMEOUT=10)
    try:
        backend.ping()
    except SearchUnavailable as exc:
        pytest.skip(f"ELASTICSEARCH_URL is set but the cluster does not answer: {exc}")
    backend.clear()
    yield backend
    backend.client.indices.delete(index=backend.index_name, ignore_unavailable=True)


@pytest.fixture
def indexed(engine):
    from storefront.search.indexing import iter_chunks, product_index

    leeds = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire", certifications="organic")
    london = make_grower("Thames Vertical Farm", city="London", region="London", certifications="gap")
    make_produce("Genovese Basil", leeds, price="4.50", pack_size_kg=10)
    make_produce("Thai Basil", london, price="6.00", pack_size_kg=2)
    make_produce("Cherry Tomatoes", leeds, price="12.00", product_class="Fruit")
    index = product_index()
    for chunk in iter_chunks(index.index_queryset()):
        engine.update(index, chunk)
    engine.refresh()
    return engine


def test_words_stemming_and_typos(indexed):
    assert indexed.execute(SearchRequest(text="basil")).total == 2
    assert indexed.execute(SearchRequest(text="tomato")).total == 1
    assert indexed.execute(SearchRequest(text="basill")).total == 2  # fuzziness AUTO


def test_autocomplete_prefix(indexed):
    assert indexed.execute(SearchRequest(text="cherry to", prefix=True, fuzzy=False)).total == 1


def test_facets_ranges_and_filters(indexed):
    response = indexed.execute(SearchRequest(
        facet_fields=["region", "certification"],
        range_facets={"price_range": RangeFacet("price", [("[* TO 5]", None, 5.0), ("[5 TO *]", 5.0, None)])},
    ))
    assert dict(response.facets["region"]) == {"Yorkshire": 2, "London": 1}
    assert response.range_facets["price_range"] == {"[* TO 5]": 1, "[5 TO *]": 2}
    assert indexed.execute(SearchRequest(where=Clause("pack_size_kg", "gte", 10))).total == 1


def test_geo_distance_filter_and_sort(indexed):
    response = indexed.execute(SearchRequest(point=(53.8008, -1.5491), radius_km=50, sort="distance"))
    assert response.total == 2
    assert response.hits[0].distance_km < 1


def test_remove(indexed):
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.get(title="Thai Basil")
    indexed.remove(f"catalogue.product.{product.pk}")
    indexed.refresh()
    assert indexed.execute(SearchRequest(text="basil")).total == 1
