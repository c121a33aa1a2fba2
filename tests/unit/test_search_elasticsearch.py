"""The Elasticsearch 8/9 backend without a cluster: the exact requests it sends and how it reads answers.

Runs everywhere; tests/integration/test_search_elasticsearch_live.py runs the
same backend against a real cluster when ELASTICSEARCH_URL is set.
"""

import datetime as dt

import pytest

from storefront.search.backends import elasticsearch as es
from storefront.search.backends.base import SearchUnavailable
from storefront.search.query import And, Clause, Not, Or, RangeFacet, SearchRequest


def backend(**options):
    return es.ElasticsearchSearchBackend("default", URL=options.pop("URL", "http://127.0.0.1:9"), TIMEOUT=1, **options)


def test_mappings_have_english_stemming_edge_ngrams_keywords_and_geo():
    analysis = es.INDEX_SETTINGS["analysis"]
    assert "english_stemmer" in analysis["analyzer"]["storefront_english"]["filter"]
    assert analysis["filter"]["autocomplete_edge"]["type"] == "edge_ngram"
    properties = es.INDEX_MAPPINGS["properties"]
    assert properties["title"]["fields"]["ac"]["analyzer"] == "storefront_autocomplete"
    assert properties["region"] == {"type": "keyword"}
    assert properties["locations"] == {"type": "geo_point"}
    assert properties["price"] == {"type": "double"}
    # a plugin's new string field becomes a keyword without a mapping change
    assert es.INDEX_MAPPINGS["dynamic_templates"][0]["extra_strings"]["mapping"] == {"type": "keyword"}


def test_a_full_request_becomes_one_search_body():
    request = SearchRequest(
        text="basil",
        where=And((Clause("region", "exact", "Yorkshire"), Or((Clause("price", "range", (5.0, None)), Not(Clause("grade", "in", ("Class II",))))))),
        facet_fields=["region", "certification"],
        range_facets={"price_range": RangeFacet("price", [("[* TO 5]", None, 5.0), ("[5 TO *]", 5.0, None)])},
        point=(53.8, -1.55),
        radius_km=50,
        sort="distance",
        offset=24,
        limit=24,
    )
    body = es.build_search_body(request)
    must = body["query"]["bool"]["must"][0]["multi_match"]
    assert must["query"] == "basil" and must["fuzziness"] == "AUTO" and must["fields"] == ["title^3", "text"]
    tree, geo = body["query"]["bool"]["filter"]
    assert tree == {"bool": {"filter": [
        {"term": {"region": "Yorkshire"}},
        {"bool": {"should": [{"range": {"price": {"gte": 5.0}}}, {"bool": {"must_not": [{"terms": {"grade": ["Class II"]}}]}}],
                  "minimum_should_match": 1}},
    ]}}
    assert geo == {"geo_distance": {"distance": "50km", "locations": {"lat": 53.8, "lon": -1.55}}}
    assert body["aggs"]["field:region"] == {"terms": {"field": "region", "size": 50}}
    assert body["aggs"]["range:price_range"]["range"]["ranges"] == [{"key": "[* TO 5]", "to": 5.0}, {"key": "[5 TO *]", "from": 5.0}]
    assert body["sort"][0]["_geo_distance"]["mode"] == "min"
    assert (body["from_"], body["size"], body["track_total_hits"]) == (24, 24, True)


def test_autocomplete_uses_the_edge_ngram_field_and_empty_text_matches_all():
    body = es.build_search_body(SearchRequest(text="bas", prefix=True, fuzzy=False))
    assert body["query"]["bool"]["must"][0] == {"multi_match": {"query": "bas", "type": "bool_prefix", "fields": ["title.ac"], "operator": "and"}}
    assert es.build_search_body(SearchRequest())["query"]["bool"]["must"][0] == {"match_all": {}}
    assert es.build_search_body(SearchRequest(sort="-price"))["sort"][0] == {"price": {"order": "desc", "missing": "_last"}}


def test_an_answer_becomes_hits_facets_and_distances():
    request = SearchRequest(facet_fields=["region"], point=(53.8, -1.55), sort="relevance",
                            range_facets={"price_range": RangeFacet("price", [("[* TO 5]", None, 5.0)])})
    raw = {
        "hits": {"total": {"value": 7, "relation": "eq"}, "hits": [
            {"_id": "catalogue.product.3", "_score": 2.5, "_source": {"pk": 3, "title": "Basil", "price": 4.5, "locations": ["53.8,-1.55", "51.5,-0.12"]}},
        ]},
        "aggregations": {
            "field:region": {"buckets": [{"key": "Yorkshire", "doc_count": 5}, {"key": "London", "doc_count": 2}]},
            "range:price_range": {"buckets": {"[* TO 5]": {"doc_count": 4}}},
        },
    }
    response = es.parse_search_response(request, raw)
    assert response.total == 7
    assert response.hits[0].pk == 3 and response.hits[0].score == 2.5
    assert response.hits[0].distance_km == pytest.approx(0, abs=0.01)  # the nearest of its growers
    assert response.facets == {"region": [("Yorkshire", 5), ("London", 2)]}
    assert response.range_facets == {"price_range": {"[* TO 5]": 4}}


def test_documents_are_bulk_indexed_with_their_identifiers(monkeypatch):
    sent = []

    def fake_bulk(client, actions, **kwargs):
        sent.extend(actions)
        return len(sent), []

    monkeypatch.setattr("elasticsearch.helpers.bulk", fake_bulk)
    engine = backend()
    engine._index_ready = True
    written = engine.write_documents([{"id": "catalogue.product.9", "django_id": "9", "django_ct": "catalogue.product",
                                       "title": "Mint", "date_created": dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)}])
    assert written == 1
    assert sent[0]["_id"] == "catalogue.product.9" and sent[0]["_index"] == "storefront-products"
    assert sent[0]["_source"] == {"django_id": "9", "django_ct": "catalogue.product", "title": "Mint",
                                  "date_created": "2026-01-02T00:00:00+00:00", "pk": 9}


def test_refused_documents_are_an_error_not_silence(monkeypatch):
    monkeypatch.setattr("elasticsearch.helpers.bulk", lambda client, actions, **kw: (0, [{"index": {"error": "mapper_parsing_exception"}}]))
    engine = backend()
    engine._index_ready = True
    with pytest.raises(SearchUnavailable, match="refused 1 document"):
        engine.write_documents([{"id": "catalogue.product.1", "django_id": "1"}])


def test_a_cluster_that_is_down_is_reported_as_unavailable():
    engine = backend(URL="http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(SearchUnavailable, match="Elasticsearch could not"):
        engine.ping()
    with pytest.raises(SearchUnavailable):
        engine.execute(SearchRequest(text="basil"))


def test_a_connection_without_a_url_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ELASTICSEARCH_URL"):
        es.ElasticsearchSearchBackend("default")


def test_a_radius_search_from_the_form_filters_and_measures_like_the_embedded_backend():
    from django.http import QueryDict

    from storefront.search.forms import SearchForm
    from storefront.search.geo import gazetteer, haversine_km

    form = SearchForm(QueryDict("q=basil&location=m1+1ae&radius=50"))
    assert form.is_valid(), form.errors
    request = form.search_request()
    m1 = gazetteer().postcodes["M1"]
    body = es.build_search_body(request)
    # a product matches when one of its growers is within the radius: geo_distance on the multi-valued geo_point
    assert body["query"]["bool"]["filter"] == [{"geo_distance": {"distance": "50km", "locations": {"lat": m1.lat, "lon": m1.lon}}}]
    ancoats, arches = "53.483959,-2.244644", "51.498224,-0.067463"  # content/catalogue/growers.csv
    raw = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [
        {"_id": "catalogue.product.5", "_score": 1.0, "_source": {"pk": 5, "title": "Sweet basil", "locations": [arches, ancoats]}},
    ]}}
    hit = es.parse_search_response(request, raw).hits[0]
    assert hit.distance_km == pytest.approx(haversine_km(m1.lat, m1.lon, 53.483959, -2.244644))  # its nearest grower
    assert hit.distance_km < 2
    # sorted by distance, the distance is the one Elasticsearch computed (sort value, in km as asked)
    by_distance = SearchForm(QueryDict("location=M1&radius=50&sort_by=distance"))
    assert by_distance.is_valid()
    sorted_request = by_distance.search_request()
    assert es.build_search_body(sorted_request)["sort"][0]["_geo_distance"] == {
        "locations": {"lat": m1.lat, "lon": m1.lon}, "order": "asc", "unit": "km", "mode": "min"}
    raw["hits"]["hits"][0]["sort"] = [0.93, 5]
    assert es.parse_search_response(sorted_request, raw).hits[0].distance_km == 0.93
