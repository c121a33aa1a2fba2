"""Pure helpers of the search app: places, distances, words, ranges, filters."""

import pytest
from haystack.query import SQ

from storefront.search.geo import GazetteerError, UnknownPlace, haversine_km, load_gazetteer, resolve_place
from storefront.search.query import And, Clause, InvalidSearch, Not, Or, SearchRequest, parse_narrow, parse_range, sq_to_tree
from storefront.search.search_indexes import pack_size_kg
from storefront.search.text import analyse, edit_distance_at_most_one, stem


@pytest.mark.parametrize(
    "typed, near",
    [
        ("Leeds", (53.80, -1.55)),
        ("  newcastle upon tyne ", (54.98, -1.62)),
        ("LS1 4AP", (53.80, -1.55)),  # a full postcode resolves through its district
        ("sw1a1aa", (51.50, -0.14)),
        ("SW1P 3AB", (51.50, -0.14)),  # a full postcode of a lettered district (SW1P)
        ("M", (53.48, -2.24)),
        ("51.5, -0.12", (51.5, -0.12)),
        ("53.4 -2.2", (53.4, -2.2)),
    ],
)
def test_places_resolve_to_coordinates(typed, near):
    label, lat, lon = resolve_place(typed)
    assert label
    assert lat == pytest.approx(near[0], abs=0.1) and lon == pytest.approx(near[1], abs=0.1)


@pytest.mark.parametrize("typed", ["Atlantis", "", "   ", "QQ9 9QQ", "95, 10", "x" * 300])
def test_unknown_places_say_so(typed):
    with pytest.raises(UnknownPlace):
        resolve_place(typed)


def test_the_gazetteer_rejects_a_bad_row_naming_the_line(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("name,kind,region,latitude,longitude\nLeeds,city,Yorkshire,53.8,-1.5\nNowhere,village,X,1,2\n")
    with pytest.raises(GazetteerError, match="line 3.*village"):
        load_gazetteer(str(bad))
    assert len(load_gazetteer()) > 200


def test_distances():
    assert haversine_km(51.5074, -0.1278, 53.4808, -2.2426) == pytest.approx(262, abs=3)  # London - Manchester
    assert haversine_km(1, 1, 1, 1) == 0


def test_words_are_folded_stemmed_and_stop_words_dropped():
    assert analyse("The Tomatoes and Chillies") == ["tomato", "chilly"]  # light stemming: consistent, not a dictionary
    assert analyse("Pak Choï, 500 g") == ["pak", "choi", "500", "g"]
    assert stem("strawberries") == "strawberry"
    assert stem("hopping") == "hop"
    assert stem("grass") == "grass"
    assert edit_distance_at_most_one("basil", "basill")
    assert edit_distance_at_most_one("basil", "baisl")  # a transposition
    assert not edit_distance_at_most_one("basil", "bazill")


def test_ranges_and_narrow_strings():
    assert parse_range("[5 TO 10]") == (5.0, 10.0)
    assert parse_range("[* TO 5]") == (None, 5.0)
    assert parse_narrow('region_exact:"North West"') == Clause("region", "exact", "North West")
    assert parse_narrow("price:[10 TO *]") == Clause("price", "range", (10.0, None))
    for bad in ("[5 TO]", "[a TO b]", "5-10", ""):
        with pytest.raises(InvalidSearch):
            parse_range(bad)
    with pytest.raises(InvalidSearch):
        parse_narrow("no colon here")


def test_haystack_filters_become_text_and_a_filter_tree():
    text, tree = sq_to_tree(SQ(content="basil") & (SQ(region="Yorkshire") | ~SQ(price__lt=5)))
    assert text == "basil"
    assert tree == Or((Clause("region", "exact", "Yorkshire"), Not(Clause("price", "lt", 5))))
    assert sq_to_tree(SQ(region="A") & SQ(grade__in=["B", "C"])) == ("", And((Clause("region", "exact", "A"), Clause("grade", "in", ("B", "C")))))


def test_requests_refuse_what_cannot_run():
    with pytest.raises(InvalidSearch, match="Unknown sort"):
        SearchRequest(sort="sideways")
    with pytest.raises(InvalidSearch, match="needs a location"):
        SearchRequest(sort="distance")
    with pytest.raises(InvalidSearch, match="radius needs a location"):
        SearchRequest(radius_km=10)
    with pytest.raises(InvalidSearch, match="operator"):
        Clause("price", "like", 1)


@pytest.mark.parametrize("value, kg", [(10, 10.0), ("10", 10.0), ("2.5 kg", 2.5), ("500 g", 0.5), ("a box", None), (None, None)])
def test_pack_sizes_are_read_in_kilograms(value, kg):
    assert pack_size_kg(value) == kg
