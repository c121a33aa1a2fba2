"""Uncached page timings in-process: the category page and a search with a facet, at 10,000 products.

    .venv/bin/python bench/load/pages.py                          # category and search, 60 requests each
    .venv/bin/python bench/load/pages.py --pages category --requests 200
    .venv/bin/python bench/load/pages.py --profile search         # also a cProfile of that page
    .venv/bin/python bench/load/pages.py --database perf_load     # the load benchmark's database

The database is PostgreSQL (`perf_pages` unless --database says otherwise),
prepared like the load benchmark's (bench/load/setup_data.py: migrations,
demo content, 10,000 synthetic products, the storefront's search index,
collected static files; no stock Oscar index) and reused on later runs. The
pages are the load benchmark's (bench/load/probe.py picks them), requested
through Django's test client in this one process, with the load benchmark's
server settings (production settings, persistent connections, Redis cache)
and the page cache off: every request renders the page, as wrk's uncached
run does. Each request comes from a new visitor with no cookies. After a
few warm-up requests (per-process caches: templates, the search snapshot,
product cards) each page is requested --requests times.

Printed per page: wall-clock p50 / p95 / mean and CPU time per request (CPU
time moves less than wall time when the shared machine is busy), and the
database queries of one request. Figures are printed, never asserted.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._server import ROOT  # noqa: E402
from bench.load.run import storefront_env  # noqa: E402
from bench.load.setup_data import analyze, create_database, prepare_storefront  # noqa: E402

PAGES = ["category", "search"]
WARM_UP = 5


def percentile(values, pct):
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


_client = None


def get(url):
    """One request as a new visitor; the response must be a rendered 200 page.

    One test client serves every request (a new one would build the middleware
    again, whitenoise's scan of the static files included, as no server does
    per request); its cookies are cleared first, as wrk sends none.
    """
    global _client
    if _client is None:
        from django.test import Client

        _client = Client()
    _client.cookies.clear()
    response = _client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.get("X-Page-Cache") == "hit":
        raise SystemExit(f"{url} came from the page cache: this benchmark times rendering")
    return response


def time_page(url, requests):
    walls, cpus = [], []
    for _ in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        get(url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "p50_ms": percentile(walls, 50),
        "p95_ms": percentile(walls, 95),
        "mean_ms": statistics.fmean(walls),
        "cpu_ms": statistics.fmean(cpus),
    }


def count_queries(url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        get(url)
    return len(ctx.captured_queries)


def profile(url, requests, limit, dump=None):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get(url)
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(limit)
        print(f"\n--- profile of {requests} requests to {url}, by {order} ---", file=sys.stderr)
        print(out.getvalue(), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--database", default="perf_pages", help="PostgreSQL database to create or reuse.")
    parser.add_argument("--reset", action="store_true", help="Drop the database and build it again.")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7",
                        help="The cache (flushed at the start, so no run reads another's cards).")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"Comma-separated, from {', '.join(PAGES)}.")
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per page.")
    parser.add_argument("--profile", choices=PAGES, help="Also profile this page (cProfile, printed to stderr).")
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--profile-file", help="Also save the profile here (pstats format, e.g. for snakeviz).")
    parser.add_argument("--json", help="Also write the results to this file.")
    args = parser.parse_args()
    pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    workdir = ROOT / "var" / "bench-pages"
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = storefront_env(workdir, database_url, page_cache=False)
    env["CACHE_URL"] = args.cache_url
    create_database(args.database, drop=args.reset)
    if prepare_storefront(env, args.products, log):
        analyze(database_url)

    os.environ.update(env)
    for folder in ("site", "plugins", "bench/load"):
        sys.path.insert(0, str(ROOT / folder))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from probe import find_urls

    cache.clear()
    urls = find_urls(Client())
    results = {}
    for page in pages:
        url = urls[page]
        for _ in range(WARM_UP):
            get(url)
        results[page] = {"url": url, "queries": count_queries(url), **time_page(url, args.requests)}
        log(f"{page}: {json.dumps(results[page])}")
    if args.profile:
        profile(urls[args.profile], args.requests, args.profile_lines, args.profile_file)

    load = os.getloadavg()[0]
    print(f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'CPU ms':>8} {'queries':>8}  url")
    for page, r in results.items():
        print(f"{page:<10} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['mean_ms']:8.1f} {r['cpu_ms']:8.1f} "
              f"{r['queries']:>8}  {r['url']}")
    print(f"{args.requests} requests per page after {WARM_UP} warm-up requests, in-process, page cache off, "
          f"database {args.database}; 1-minute load average {load:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "settings": vars(args), "load": load}, indent=2))


if __name__ == "__main__":
    main()
