"""The gazetteer as shipped: every postcode district, area and town of the demo's regions resolves.

Reads the real files in content/gazetteer/ (no database): what a buyer types
into "Near" must find a place, and what it cannot find must be named.
"""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from storefront.search.geo import GazetteerError, UnknownPlace, gazetteer, normalise, read_places, resolve_place

GAZETTEER = Path(settings.BASE_DIR) / "content" / "gazetteer"
# The regions of the demo's ten growers (content/catalogue/growers.csv).
DEMO_REGIONS = ["Scotland", "North East", "Yorkshire and the Humber", "North West", "West Midlands",
                "East of England", "London", "South West", "Wales", "Northern Ireland"]


def rows(name):
    with (GAZETTEER / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_growers_regions_are_the_gazetteers():
    growers = rows("../catalogue/growers.csv")
    assert sorted(g["region"] for g in growers) == sorted(DEMO_REGIONS)


def test_every_postcode_district_and_area_resolves_as_typed_and_inside_a_full_postcode():
    postcodes = rows("uk_postcodes.csv")
    districts = [r for r in postcodes if r["kind"] == "postcode_district"]
    assert len(districts) > 3000 and len([r for r in postcodes if r["kind"] == "postcode_area"]) == 121
    for region in DEMO_REGIONS:
        assert len([r for r in districts if r["region"] == region]) >= 80, region
    for row in postcodes:
        expected = (float(row["latitude"]), float(row["longitude"]))
        typed = [row["name"], row["name"].lower()]
        if row["kind"] == "postcode_district":
            typed += [f"{row['name']} 9ZZ", f"{row['name']}9zz".lower(), f" {row['name'].lower()}  9zz "]
        for text in typed:
            label, lat, lon = resolve_place(text)
            assert (lat, lon) == expected, text
            assert row["name"] in label


@pytest.mark.parametrize("typed, label, district", [
    ("M1 1AE", "M1 1AE (district M1)", "M1"),
    ("m11ae", "M1 1AE (district M1)", "M1"),
    ("M1 1", "M1 1 (district M1)", "M1"),  # half a postcode: the district is known
    ("sw1a1aa", "SW1A 1AA (district SW1A)", "SW1A"),
    ("W1", "W1", "W1"),  # the stem of W1A ... W1W, as people write it
    ("bt1 5gs", "BT1 5GS (district BT1)", "BT1"),
    ("LS", "LS (postcode area)", "LS"),
])
def test_full_and_partial_postcodes_resolve_to_their_district(typed, label, district):
    place = gazetteer().postcodes[district]
    assert resolve_place(typed) == (label, place.lat, place.lon)


def test_every_town_and_city_of_the_demo_regions_resolves_by_name_in_any_case():
    names = gazetteer().names
    checked = 0
    for file in ("uk_places.csv", "uk_towns.csv"):
        for row in rows(file):
            if row["region"] not in DEMO_REGIONS:
                continue
            for typed in (row["name"], row["name"].upper(), row["name"].lower()):
                label, lat, lon = resolve_place(typed)
                # the place of that name (the best known of those that share it)
                best = names[normalise(row["name"])][0]
                assert (lat, lon) == (best.lat, best.lon), typed
                assert label.startswith(best.name)
            checked += 1
    assert checked > 2000


@pytest.mark.parametrize("typed, name, near", [
    ("Newcastle", "Newcastle upon Tyne", (54.98, -1.62)),
    ("newcastle-upon-tyne", "Newcastle upon Tyne", (54.98, -1.62)),
    ("NEWCASTLE UPON TYNE", "Newcastle upon Tyne", (54.98, -1.62)),
    ("Newcastle, County Down", "Newcastle, Down District", (54.22, -5.89)),  # the other Newcastle, by its county
    ("Hull", "Kingston upon Hull", (53.77, -0.33)),
    ("Londonderry", "Derry", (55.0, -7.31)),
    ("Caerdydd", "Cardiff", (51.48, -3.18)),
    ("Dùn Èideann", "Edinburgh", (55.95, -3.19)),
    ("Saint Albans", "St Albans", (51.75, -0.33)),
    ("Newport", "Newport, Wales", (51.58, -3.0)),  # the biggest of six Newports
    ("Newport, Isle of Wight", "Newport, Isle of Wight", (50.70, -1.29)),
    ("Leeds, UK", "Leeds", (53.80, -1.55)),
    ("Ancoats", "Ancoats", (53.48, -2.23)),  # a demo grower's neighbourhood
])
def test_common_variants_of_town_names(typed, name, near):
    label, lat, lon = resolve_place(typed)
    assert label.startswith(name)
    assert lat == pytest.approx(near[0], abs=0.05) and lon == pytest.approx(near[1], abs=0.05)


@pytest.mark.parametrize("typed, named", [
    ("QQ9 9QQ", "postcode district QQ9"),
    ("m0 1aa", "postcode district M0"),
    ("ZZ", "postcode area ZZ"),
    ("Atlantis", "'Atlantis'"),
    ("Leeds upon Sea", "'Leeds upon Sea'"),
])
def test_an_unknown_place_is_named_in_the_error(typed, named):
    with pytest.raises(UnknownPlace, match=named):
        resolve_place(typed)


def test_a_postcode_row_that_is_not_a_postcode_is_rejected_naming_the_line(tmp_path):
    bad = tmp_path / "postcodes.csv"
    bad.write_text("name,kind,region,latitude,longitude\nM1,postcode_district,North West,53.48,-2.24\n"
                   "Manchester,postcode_district,North West,53.48,-2.24\n")
    with pytest.raises(GazetteerError, match="line 3.*not a postcode"):
        read_places(bad)
