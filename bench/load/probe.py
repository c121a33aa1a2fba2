"""Find the benchmark's page URLs and count each page's database queries, in-process.

Run by bench/load/run.py once per configuration (storefront cached, uncached,
stock Oscar) with that configuration's settings in the environment; prints
one JSON object: {"urls": {page: url}, "queries": {page: count}}. Counting
here rather than in the servers keeps the measured servers unmodified: the
count is the second request's (the first warms per-process caches), made
by a new visitor, as wrk sends it, through Django's test client with the same settings the server uses.

    python bench/load/probe.py [--urls JSON]     # --urls: reuse another run's URLs
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEARCH_TERM = "basil"


def benchmark_category():
    """The deepest category with 24 or more products."""
    from django.db.models import Count
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    category = (
        Category.objects.annotate(n=Count("product")).filter(n__gte=24).order_by("-depth", "path").first()
    )
    if category is None:
        raise SystemExit("No category holds 20 or more products: generate the catalogue first.")
    return category


def benchmark_product(category=None):
    """The first product in stock of the benchmark's category."""
    from oscar.core.loading import get_model

    category = category or benchmark_category()
    Product = get_model("catalogue", "Product")
    product = Product.objects.filter(stockrecords__num_in_stock__gt=0, categories=category).order_by("pk").first()
    if product is None:
        raise SystemExit(f"No product in stock in category {category}.")
    return product


def find_urls(client):
    """Home, a category with 20+ products, a product with stock, a search with one facet selected."""
    from django.urls import reverse

    category = benchmark_category()
    product = benchmark_product(category)
    search = reverse("search:search") + f"?q={SEARCH_TERM}"
    html = client.get(search).content.decode()
    facet = re.search(r'href="[^"]*?(selected_facets=[^"&]+)', html)
    if facet is None:
        raise SystemExit(f"The search page at {search} shows no facet link to select.")
    return {
        "home": "/" if os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("storefront") else reverse("catalogue:index"),
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": search + "&" + facet.group(1).replace("&amp;", "&"),
        "add_to_basket": reverse("basket:add", kwargs={"pk": product.pk}),
        "basket": reverse("basket:summary"),
        "ceiling": "/ping",
        "product_pk": product.pk,
    }


def count_queries(urls):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, statuses = {}, {}
    for page in ("home", "category", "product", "search", "ceiling"):
        Client().get(urls[page])  # warm per-process caches (templates, site, plugins) and the page cache
        client = Client()  # counted as wrk sends it: a visitor with no cookies yet
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(urls[page])
        counts[page], statuses[page] = len(ctx.captured_queries), response.status_code
    # Add to basket: a new anonymous buyer (as the load test sends it), then the basket page with that line.
    client = Client()
    client.get(urls["product"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(urls["add_to_basket"], {"quantity": 1})
    counts["add_to_basket"], statuses["add_to_basket"] = len(ctx.captured_queries), response.status_code
    client.get(urls["basket"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(urls["basket"])
    counts["basket"], statuses["basket"] = len(ctx.captured_queries), response.status_code
    bad = {page: status for page, status in statuses.items() if status >= 400 or (page != "add_to_basket" and status != 200)}
    if bad:
        raise SystemExit(f"Pages answered with an unexpected status: {bad} (URLs: {urls})")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", help="JSON of URLs found by an earlier run (so both projects load the same pages).")
    args = parser.parse_args()
    for folder in ("site", "plugins", "bench/load"):
        sys.path.insert(0, str(ROOT / folder))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client may use 'testserver' as host
    urls = json.loads(args.urls) if args.urls else find_urls(Client())
    print(json.dumps({"urls": urls, "queries": count_queries(urls)}))


if __name__ == "__main__":
    main()
