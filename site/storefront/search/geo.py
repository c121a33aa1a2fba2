"""Places and distances: the UK gazetteer in content/gazetteer/ and great-circle distance.

A buyer's location is a postcode (full, "M1 1AE" or "m11ae"), a postcode
district ("M1") or area ("M"), a town or city ("Newcastle", "Leeds, UK",
"Newport, Isle of Wight"), or "lat,lon" coordinates (what the browser's
geolocation gives). resolve_place() turns any of these into (label, lat, lon)
or raises UnknownPlace with a message the search page shows, naming what it
did not find.

The gazetteer is three CSV files read once per process (see
content/gazetteer/README.md): uk_places.csv, kept by hand (the cities the
demo and the benchmarks use, with their common variants as aliases), and two
generated from open data by content/tools/build_gazetteer.py: uk_towns.csv
(GeoNames' UK places) and uk_postcodes.csv (every postcode district and area:
Great Britain's from the ONS postcode directory, Northern Ireland's at their
towns). A full postcode resolves to its district: the files hold districts,
not the 1.8 million postcodes.
"""

import csv
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

EARTH_RADIUS_KM = 6371.0088
KINDS = {"city", "town", "postcode_area", "postcode_district"}
POSTCODE_KINDS = {"postcode_area", "postcode_district"}
GAZETTEER_FILES = ("uk_places.csv", "uk_towns.csv", "uk_postcodes.csv")  # earlier files win a shared name
MAX_LENGTH = 100

# A postcode's outward code (district) and inward code (sector and unit): "SW1A" + "1AA".
_OUTWARD = r"[A-Z]{1,2}\d[A-Z\d]?"
_FULL_POSTCODE = re.compile(rf"^({_OUTWARD})\s*(\d[A-Z]{{2}})$")
_DISTRICT = re.compile(rf"^({_OUTWARD})$")
_PARTIAL_POSTCODE = re.compile(rf"^({_OUTWARD})\s+\d[A-Z]?$")  # "M1 1" or "M1 1A": the district is known
_AREA = re.compile(r"^[A-Z]{1,2}$")
_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$")
# Words of a county's or nation's name that do not tell one apart from another.
_GENERIC_WORDS = {"county", "co", "district", "borough", "city", "council", "of", "and", "the", "ni", "uk", "gb"}


class UnknownPlace(ValueError):
    pass


class GazetteerError(ValueError):
    """A gazetteer file itself is wrong; the message names the file and line."""


class Place(NamedTuple):  # a tuple: thousands are built when the gazetteer loads
    name: str
    kind: str
    region: str
    lat: float
    lon: float
    county: str = ""


_SAINT = re.compile(r"\bsaint\b")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalise(name):
    """The lookup key of a name: accents, case, punctuation and "Saint"/"St." folded ("St Albans" = "saint albans")."""
    text = name or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    if "saint" in text:
        text = _SAINT.sub("st", text)
    return _NOT_ALNUM.sub("", text)


def gazetteer_paths():
    configured = getattr(settings, "SEARCH_GAZETTEER_FILES", None)
    if configured:
        return tuple(Path(p) for p in configured)
    folder = Path(settings.BASE_DIR) / "content" / "gazetteer"
    return tuple(folder / name for name in GAZETTEER_FILES)


def read_places(path):
    """[(Place, [aliases])] of one gazetteer file, validated row by row."""
    path = Path(path)
    places = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = {"name", "kind", "latitude", "longitude"} - set(header)
        if missing:
            raise GazetteerError(f"{path}: the header lacks the column(s) {', '.join(sorted(missing))}.")
        width = len(header)
        # the optional columns read from an empty cell where a file has none
        at = [header.index(name) if name in header else width for name in
              ("name", "kind", "region", "latitude", "longitude", "county", "aliases")]
        for line, row in enumerate(reader, start=2):
            row = row + [""] * (width + 1 - len(row))
            name, kind, region, lat, lon, county, aliases = (row[i].strip() for i in at)
            if not name or (kind not in POSTCODE_KINDS and not normalise(name)):
                raise GazetteerError(f"{path}, line {line}: the name is empty.")
            if kind not in KINDS:
                raise GazetteerError(f"{path}, line {line}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}.")
            try:
                lat, lon = float(lat), float(lon)
            except ValueError:
                raise GazetteerError(f"{path}, line {line}: latitude and longitude must be numbers.") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise GazetteerError(f"{path}, line {line}: ({lat}, {lon}) is not a coordinate.")
            if kind in POSTCODE_KINDS and not (_DISTRICT.match(name) or _AREA.match(name)):
                raise GazetteerError(f"{path}, line {line}: {name!r} is not a postcode district or area.")
            aliases = [a.strip() for a in aliases.split("|") if a.strip()] if aliases else []
            places.append((Place(name, kind, region, lat, lon, county), aliases))
    return places


class Gazetteer:
    """Names (with every place that shares a name, best first) and postcode districts and areas."""

    def __init__(self, paths):
        self.names = {}  # key -> [Place], the first file's places first, then as the file orders them
        self.postcodes = {}  # "M1", "SW1A", "M" -> Place
        for path in paths:
            for place, aliases in read_places(path):
                if place.kind in POSTCODE_KINDS:
                    self.postcodes.setdefault(place.name.upper(), place)
                    continue
                for name in [place.name, *aliases]:
                    same = self.names.setdefault(normalise(name), [])
                    # A later file's entry for a place already held (GeoNames' Leeds beside ours) adds nothing.
                    if not any(abs(place.lat - other.lat) < 0.05 and abs(place.lon - other.lon) < 0.05 for other in same):
                        same.append(place)

    def __len__(self):
        return len(self.names) + len(self.postcodes)

    def by_name(self, text):
        """(label, Place) for a town or city, "Name" or "Name, county or nation"; None when unknown."""
        candidates = self.names.get(normalise(text))
        if candidates:
            return self._label(candidates[0], candidates), candidates[0]
        name, comma, qualifier = text.partition(",")
        candidates = self.names.get(normalise(name)) if comma else None
        if not candidates:
            return None
        wanted = _words(qualifier)
        for place in candidates:
            if wanted and wanted <= _words(f"{place.county} {place.region} {_nation(place)}"):
                return self._label(place, candidates), place
        # "Leeds, UK", "Leeds, West Yorkshire": the qualifier names nothing we hold apart; the name decides.
        return self._label(candidates[0], candidates), candidates[0]

    @staticmethod
    def _label(place, candidates):
        if len(candidates) == 1:
            return place.name
        where = place.county if place.county and normalise(place.county) != normalise(place.name) else _nation(place)
        return f"{place.name}, {where}"


def _words(text):
    """The telling words of a county or nation: "County Down" and "Down District" are both {"down"}."""
    words = set(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()))
    if "ni" in words:
        words |= {"northern", "ireland"}
    return words - _GENERIC_WORDS


def _nation(place):
    return place.region if place.region in ("Scotland", "Wales", "Northern Ireland") else "England"


@lru_cache(maxsize=4)
def gazetteer(paths=None):
    return Gazetteer(paths or gazetteer_paths())


def load_gazetteer(path=None):
    """{key: (name, kind, lat, lon)} of one file (validated), or of the whole gazetteer; the best place per name."""
    if path is not None:
        out = {}
        for place, aliases in read_places(path):
            for name in [place.name, *aliases]:
                out.setdefault(normalise(name), (place.name, place.kind, place.lat, place.lon))
        return out
    found = gazetteer()
    out = {key: (p.name, p.kind, p.lat, p.lon) for key, p in ((k, ps[0]) for k, ps in found.names.items())}
    for code, p in found.postcodes.items():
        out.setdefault(normalise(code), (p.name, p.kind, p.lat, p.lon))
    return out


def parse_coordinates(text):
    match = _COORDS.match(text or "")
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UnknownPlace(f"{text.strip()} is not a valid latitude,longitude.")
    return lat, lon


def parse_postcode(text):
    """(what the buyer typed, tidied; outward code or area) for anything shaped like a UK postcode, else None."""
    upper = " ".join(text.upper().split())
    match = _FULL_POSTCODE.match(upper)
    if match:
        return f"{match.group(1)} {match.group(2)}", match.group(1)
    match = _PARTIAL_POSTCODE.match(upper) or _DISTRICT.match(upper.replace(" ", ""))
    if match:
        return upper, match.group(1)
    if _AREA.match(upper):
        return upper, upper
    return None


def resolve_place(text):
    """(label, lat, lon) for a postcode, district, area, town or city, or "lat,lon"."""
    text = (text or "").strip()
    if not text:
        raise UnknownPlace("Give a postcode, a town or city, or coordinates.")
    if len(text) > MAX_LENGTH:
        raise UnknownPlace("That location is too long: give a postcode, a town or city.")
    coords = parse_coordinates(text)
    if coords:
        return f"{coords[0]:.4f}, {coords[1]:.4f}", coords[0], coords[1]
    places = gazetteer()
    postcode = parse_postcode(text)
    if postcode:
        typed, code = postcode
        place = places.postcodes.get(code)
        if place:
            if place.kind == "postcode_area":
                label = f"{code} (postcode area)"
            else:
                label = typed if typed == code else f"{typed} (district {code})"
            return label, place.lat, place.lon
        found = places.by_name(text)  # a two-letter town, should there be one
        if found:
            return found[0], found[1].lat, found[1].lon
        what = "postcode area" if _AREA.match(code) else "postcode district"
        raise UnknownPlace(f"We don't know the {what} {code}: check the postcode, or give a town or city.")
    found = places.by_name(text)
    if found:
        return found[0], found[1].lat, found[1].lon
    raise UnknownPlace(f"We don't know the place {text!r}: try a postcode (e.g. M1 1AE), a town or city, or coordinates.")


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_array(lat, lon, lats, lons):
    """Distances in km from one point to numpy arrays of points."""
    import numpy as np

    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lons) - math.radians(lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
