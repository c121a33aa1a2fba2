"""The fixed set of search-page queries the benchmark times: words, facets, places, radii, sorts.

make_queries(count, seed) always returns the same list for the same arguments.
Every query asks for the full page (facet counts included); about half give a
place and radius, some sort by distance, price or newest, some have a typo.
"""

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORDS = [
    "basil", "genovese basil", "thai basil", "mint", "coriander", "parsley", "lettuce", "butterhead lettuce",
    "romaine", "kale", "cavolo nero", "pak choi", "rocket", "spinach", "chard", "watercress", "pea shoots",
    "radish", "sunflower shoots", "microgreens", "strawberries", "cherry tomatoes", "tomato", "chillies",
    "scotch bonnet", "cucumbers", "peppers", "oyster mushrooms", "shiitake", "lion's mane", "enoki",
    "nasturtium", "viola", "edible flowers", "herbs", "hydroponic basil", "organic", "10 kg case", "punnet",
    "bazil", "letuce", "strawbery", "mushroms",  # typos
]
FACETS = [
    "region:North West", "region:Yorkshire and the Humber", "region:London", "region:Scotland", "region:South East",
    "certification:Organic", "certification:GAP (Good Agricultural Practice)", "growing_method:hydroponic",
    "growing_method:vertical farm", "availability:In stock", "product_class:Herbs", "product_class:Fruit",
    "product_class:Microgreens", "category:Basil", "category:Lettuce", "price:[5 TO 10]", "price:[10 TO 25]",
    "price:[* TO 5]",
]
SORTS = ["", "", "", "price", "-price", "newest"]


def cities():
    with (ROOT / "content" / "gazetteer" / "uk_places.csv").open(newline="", encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle) if row["kind"] in ("city", "postcode_district")]


def make_queries(count=200, seed=42):
    rng = random.Random(seed)
    places = cities()
    queries = []
    for i in range(count):
        params = {}
        if rng.random() < 0.75:
            params["q"] = rng.choice(WORDS)
        facets = rng.sample(FACETS, rng.choice([0, 1, 1, 1, 2]))
        if facets:
            params["selected_facets"] = facets
        if i % 2 == 0:
            params["location"] = rng.choice(places)
            params["radius"] = str(rng.choice([50, 100, 200, 400]))
            if rng.random() < 0.4:
                params["sort_by"] = "distance"
        if "sort_by" not in params:
            sort = rng.choice(SORTS)
            if sort:
                params["sort_by"] = sort
        if rng.random() < 0.1:
            params["min_kg"] = str(rng.choice([1, 5, 10]))
        if rng.random() < 0.15:
            params["page"] = str(rng.choice([2, 3]))
        queries.append(params)
    return queries
