"""Places and distances: the UK gazetteer in content/gazetteer/ and great-circle distance.

A buyer's location is a postcode, a postcode district or area, a city from the
gazetteer, or "lat,lon" coordinates (what the browser's geolocation gives).
resolve_place() turns any of these into (label, lat, lon) or raises
UnknownPlace with a message the search page can show.
"""

import csv
import math
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

EARTH_RADIUS_KM = 6371.0088
KINDS = {"city", "postcode_area", "postcode_district"}


class UnknownPlace(ValueError):
    pass


class GazetteerError(ValueError):
    """The gazetteer file itself is wrong; the message names the line."""


def gazetteer_path():
    return Path(getattr(settings, "SEARCH_GAZETTEER", Path(settings.BASE_DIR) / "content" / "gazetteer" / "uk_places.csv"))


def _key(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


@lru_cache(maxsize=4)
def load_gazetteer(path=None):
    """{normalised name: (name, kind, lat, lon)}, validated row by row."""
    path = Path(path) if path else gazetteer_path()
    places = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"name", "kind", "latitude", "longitude"} - set(reader.fieldnames or ())
        if missing:
            raise GazetteerError(f"{path}: the header lacks the column(s) {', '.join(sorted(missing))}.")
        for line, row in enumerate(reader, start=2):
            name = (row["name"] or "").strip()
            if not name:
                raise GazetteerError(f"{path}, line {line}: the name is empty.")
            if row["kind"] not in KINDS:
                raise GazetteerError(f"{path}, line {line}: kind {row['kind']!r} is not one of {', '.join(sorted(KINDS))}.")
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError):
                raise GazetteerError(f"{path}, line {line}: latitude and longitude must be numbers.") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise GazetteerError(f"{path}, line {line}: ({lat}, {lon}) is not a coordinate.")
            places[_key(name)] = (name, row["kind"], lat, lon)
    return places


_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)(?:\s*(\d[A-Z]{2}))?$")


def parse_coordinates(text):
    match = _COORDS.match(text or "")
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UnknownPlace(f"{text.strip()} is not a valid latitude,longitude.")
    return lat, lon


def resolve_place(text):
    """(label, lat, lon) for a postcode, district, area, city or "lat,lon"."""
    text = (text or "").strip()
    if not text:
        raise UnknownPlace("Give a postcode, a town or city, or coordinates.")
    if len(text) > 100:
        raise UnknownPlace("That location is too long: give a postcode, a town or city.")
    coords = parse_coordinates(text)
    if coords:
        return f"{coords[0]:.4f}, {coords[1]:.4f}", coords[0], coords[1]
    places = load_gazetteer()
    found = places.get(_key(text))
    if found:
        return found[0], found[2], found[3]
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact) or _POSTCODE.match(text.upper().strip())
    if match:
        area, district = match.group(1), match.group(1) + match.group(2)
        for candidate in (district, district[:-1] if district[-1].isalpha() else None, area):
            if candidate and _key(candidate) in places:
                name, kind, lat, lon = places[_key(candidate)]
                return text.upper(), lat, lon
    raise UnknownPlace(f"We don't know the place {text!r}: try a postcode (e.g. M1 1AE), a city, or coordinates.")


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
