"""The embedded backend end to end: index real Oscar products, then query them."""

import pytest
from haystack import connections
from haystack.query import SearchQuerySet

from storefront.search import extra_fields
from storefront.search.indexing import rebuild, reindex_products
from storefront.search.query import And, Clause, RangeFacet, SearchRequest
from storefront.search.service import execute
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index():
    backend = connections["default"].get_backend()
    backend.refresh_interval = 0  # every search sees this test's rows, not a previous test's
    yield backend


@pytest.fixture
def catalogue():
    leeds = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire", certifications="organic")
    london = make_grower("Thames Vertical Farm", city="London", region="London", certifications="gap")
    york = make_grower("Minster Microgreens", city="York", region="Yorkshire", certifications="organic,gap")
    products = {
        "basil": make_produce("Genovese Basil", leeds, price="4.50", pack_size_kg=10, variety="Genovese", category="Herbs"),
        "thai": make_produce("Thai Basil", london, price="6.00", pack_size_kg=2, category="Herbs"),
        "tomatoes": make_produce("Cherry Tomatoes", york, price="12.00", product_class="Fruit", growing_method="aquaponic",
                                 category="Fruit"),
        "peas": make_produce("Pea Shoots", york, price="30.00", num_in_stock=0, product_class="Microgreens",
                             category="Microgreens", description="Sweet shoots, cut to order"),
        "lettuce": make_produce("Butterhead Lettuce", london, price="55.00", product_class="Leafy greens",
                                growing_method="vertical"),
    }
    count, _ = rebuild()
    assert count == 5
    return products


def titles(response):
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    names = dict(Product.objects.values_list("pk", "title"))
    return [names[hit.pk] for hit in response.hits]


def test_words_match_stemmed_and_rank_titles_first(catalogue):
    response = execute(SearchRequest(text="basil"))
    assert sorted(titles(response)) == ["Genovese Basil", "Thai Basil"]
    assert titles(execute(SearchRequest(text="tomato")))[0] == "Cherry Tomatoes"
    assert titles(execute(SearchRequest(text="shoot sweet"))) == ["Pea Shoots"]
    assert execute(SearchRequest(text="basil tomatoes")).total == 0  # every word must match


def test_a_typo_still_finds_the_product_and_suggests_the_spelling(catalogue):
    response = execute(SearchRequest(text="basill"))
    assert response.total == 2
    assert response.suggestion == "basil"
    assert execute(SearchRequest(text="basill", fuzzy=False)).total == 0


def test_prefix_matching_for_autocomplete(catalogue):
    assert sorted(titles(execute(SearchRequest(text="bas", prefix=True)))) == ["Genovese Basil", "Thai Basil"]
    assert titles(execute(SearchRequest(text="cherry tom", prefix=True))) == ["Cherry Tomatoes"]


def test_facet_counts_follow_the_filters(catalogue):
    everything = execute(SearchRequest(facet_fields=["region", "certification", "availability", "product_class"]))
    assert dict(everything.facets["region"]) == {"Yorkshire": 3, "London": 2}
    assert dict(everything.facets["availability"]) == {"In stock": 4, "Out of stock": 1}
    assert dict(everything.facets["certification"])["Organic"] == 3
    narrowed = execute(SearchRequest(where=Clause("region", "exact", "Yorkshire"), facet_fields=["product_class"]))
    assert narrowed.total == 3
    assert dict(narrowed.facets["product_class"]) == {"Herbs": 1, "Fruit": 1, "Microgreens": 1}
    either = execute(SearchRequest(where=Clause("product_class", "in", ("Fruit", "Microgreens"))))
    assert either.total == 2


def test_price_range_facets_and_filters_use_half_open_buckets(catalogue):
    buckets = [("[* TO 5]", None, 5.0), ("[5 TO 25]", 5.0, 25.0), ("[25 TO *]", 25.0, None)]
    response = execute(SearchRequest(range_facets={"price_range": RangeFacet("price", buckets)}))
    assert response.range_facets["price_range"] == {"[* TO 5]": 1, "[5 TO 25]": 2, "[25 TO *]": 2}
    assert execute(SearchRequest(where=Clause("price", "range", (5.0, 25.0)))).total == 2
    assert execute(SearchRequest(where=Clause("pack_size_kg", "gte", 10))).total == 1


def test_radius_limits_growers_and_distance_sorts(catalogue):
    leeds = (53.8008, -1.5491)
    near = execute(SearchRequest(point=leeds, radius_km=50, sort="distance"))
    # Leeds (0 km) then York (about 35 km); London is about 270 km away
    assert titles(near)[0] == "Genovese Basil"
    assert near.total == 3
    assert near.hits[0].distance_km < 1
    assert 25 < near.hits[-1].distance_km < 45
    everywhere = execute(SearchRequest(point=leeds, sort="distance"))
    assert everywhere.total == 5
    assert everywhere.hits[-1].distance_km > 250


def test_sorting_by_price_both_ways(catalogue):
    assert titles(execute(SearchRequest(sort="price")))[0] == "Genovese Basil"
    assert titles(execute(SearchRequest(sort="-price")))[0] == "Butterhead Lettuce"


def test_updates_and_removals_reach_a_process_that_already_has_a_snapshot(catalogue):
    assert execute(SearchRequest(text="lettuce")).total == 1
    lettuce = catalogue["lettuce"]
    lettuce.title = "Butterhead Salad"
    lettuce.save()
    reindex_products([lettuce.pk])
    assert execute(SearchRequest(text="lettuce")).total == 0
    assert execute(SearchRequest(text="salad")).total == 1
    lettuce_pk = lettuce.pk
    lettuce.delete()
    assert reindex_products([lettuce_pk]) == (0, 1)
    assert execute(SearchRequest(text="salad")).total == 0


def test_saving_a_product_queues_its_reindex_after_commit(catalogue, django_capture_on_commit_callbacks):
    peas = catalogue["peas"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = peas.stockrecords.get()
        record.num_in_stock = 40
        record.save()
    assert callbacks, "a stock change queues an index update on commit"
    in_stock = execute(SearchRequest(where=Clause("availability", "exact", "In stock")))
    assert in_stock.total == 5


def test_a_plugin_field_becomes_a_facet_without_backend_changes(catalogue):
    grades = {catalogue["basil"].pk: "A", catalogue["thai"].pk: "A", catalogue["tomatoes"].pk: "C"}
    extra_fields.register_index_fields("energy", lambda product: {"energy_grade": grades.get(product.pk)})
    extra_fields.register_index_fields("broken", lambda product: 1 / 0)
    try:
        rebuild()
        response = execute(SearchRequest(facet_fields=["energy_grade"], where=Clause("energy_grade", "exact", "A")))
        assert response.total == 2
        assert response.facets["energy_grade"] == [("A", 2)]
    finally:
        extra_fields.unregister_index_fields("energy")
        extra_fields.unregister_index_fields("broken")


def test_haystack_searchqueryset_runs_on_the_same_backend(catalogue):
    sqs = SearchQuerySet().filter(content="basil").facet("region").narrow('region_exact:"Yorkshire"')
    assert sqs.count() == 1
    assert [r.pk for r in sqs] == [str(catalogue["basil"].pk)] or [int(r.pk) for r in sqs] == [catalogue["basil"].pk]
    assert dict(sqs.facet_counts()["fields"]["region"]) == {"Yorkshire": 1}
    assert SearchQuerySet().filter(price__gte=30).count() == 2
    assert SearchQuerySet().order_by("-price")[0].object.title == "Butterhead Lettuce"
    combined = And((Clause("region", "exact", "London"), Clause("price", "lt", 10)))
    assert execute(SearchRequest(where=combined)).total == 1


def test_a_provider_for_many_products_is_called_once_per_chunk(catalogue):
    calls = []

    def many(products):
        calls.append(len(products))
        return {p.pk: {"energy_grade": "B"} for p in products}

    extra_fields.register_index_fields("energy", lambda product: {"energy_grade": "Z"}, many=many)
    try:
        rebuild()
        assert calls == [5]
        assert execute(SearchRequest(where=Clause("energy_grade", "exact", "B"))).total == 5
    finally:
        extra_fields.unregister_index_fields("energy")


def test_a_snapshot_answers_a_repeated_request_from_memory_until_the_index_changes(catalogue):
    def request():
        return SearchRequest(text="basil", facet_fields=["region"])

    first = execute(request())
    assert first.generation is not None
    assert execute(request()) is first  # an equal request, the same snapshot: the same response
    assert execute(SearchRequest(text="basil", facet_fields=["region"], sort="price")) is not first
    cornish = make_produce("Lemon Basil", make_grower("Kernow Herbs", city="Truro", region="Cornwall"))
    reindex_products([cornish.pk])
    after = execute(request())
    assert after.generation != first.generation
    assert after.total == 3 and ("Cornwall", 1) in after.facets["region"]
