"""In-process cost of the product page, the basket page, add to basket and the fixed response.

The load benchmark (bench/load/run.py) measures these pages through gunicorn
and wrk; this one asks them through Django's test client in one process, so
the time, CPU and queries of each request can be compared (and profiled)
without a server, with the settings the load benchmark serves the uncached
storefront with (production settings, page cache off, PostgreSQL, Redis) and
stock Oscar's (bench/load/stock_oscar), on the load benchmark's database:

    .venv/bin/python bench/load/product_basket.py                  # both projects, 200 requests a page
    .venv/bin/python bench/load/product_basket.py --samples 400 --project storefront
    .venv/bin/python bench/load/product_basket.py --project storefront --profile product
    .venv/bin/python bench/load/product_basket.py --no-fragments   # the storefront rendering every fragment too

Each request is made as wrk makes it: the product page and add to basket
(a POST, answered with a redirect) by a new anonymous visitor with only a
CSRF cookie, the basket page by a buyer with one line, /ping (a fixed
response through the middleware) by anyone. Per page it prints the median
and 95th percentile of the wall time and the median CPU time per request,
and the queries per request. --profile runs cProfile over one page's
requests and prints the functions that cost most.

The database is the load benchmark's (perf_load by default); the first run
of bench/load/run.py builds it.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._server import ROOT  # noqa: E402
from bench.load.run import CSRF, stock_env, storefront_env  # noqa: E402

PAGES = ["product", "basket", "add_to_basket", "ceiling"]


# --- the measuring child (one per project, with that project's settings) ----------------


_client = None


def visitor():
    """A new anonymous visitor with only a CSRF cookie, as wrk sends it.

    One test client serves every visitor (with its cookies cleared): each
    client loads the middleware afresh, and WhiteNoise's scan of the static
    files would then be timed with every request.
    """
    from http.cookies import SimpleCookie

    from django.test import Client

    global _client
    if _client is None:
        _client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    _client.cookies = SimpleCookie({"csrftoken": CSRF})
    return _client


def add_to_basket(client, urls):
    response = client.post(urls["add_to_basket"], {"quantity": 1, "csrfmiddlewaretoken": CSRF})
    if response.status_code != 302:
        raise SystemExit(f"Add to basket answered {response.status_code}, not a redirect")
    return response


def requester(page, urls):
    """A function making one request of the page, as the load benchmark makes it."""
    if page == "product":
        return lambda: visitor().get(urls["product"])
    if page == "add_to_basket":
        return lambda: add_to_basket(visitor(), urls)
    if page == "basket":
        buyer = visitor()
        add_to_basket(buyer, urls)
        cookies = buyer.cookies

        def basket():
            buyer.cookies = cookies
            return buyer.get(urls["basket"])

        return basket
    return lambda: visitor().get(urls["ceiling"])


def measure_page(page, urls, samples):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = requester(page, urls)
    for _ in range(5):  # warm templates, the site and scope caches, the connection
        response = request()
    expected = 302 if page == "add_to_basket" else 200
    if response.status_code != expected:
        raise SystemExit(f"{page} at {urls[page]} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = len(captured)  # now: every request starts by emptying the connection's query log
    wall, cpu = [], []
    for _ in range(samples):
        started, cpu_started = time.perf_counter(), time.process_time()
        request()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    wall.sort()
    return {
        "median_ms": round(statistics.median(wall), 2),
        "p95_ms": round(wall[int(0.95 * (len(wall) - 1))], 2),
        "cpu_ms": round(statistics.median(cpu), 2),
        "queries": queries,
    }


def profile_page(page, urls, samples, limit):
    request = requester(page, urls)
    for _ in range(5):
        request()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(samples):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def benchmark_urls():
    """The load benchmark's product (bench/load/probe.py picks it) and the URLs around it."""
    from django.urls import reverse

    from probe import benchmark_product

    product = benchmark_product()
    return {
        "product": product.get_absolute_url(),
        "add_to_basket": reverse("basket:add", kwargs={"pk": product.pk}),
        "basket": reverse("basket:summary"),
        "ceiling": "/ping",
    }


def child(args):
    for folder in ("site", "plugins", "bench/load"):
        sys.path.insert(0, str(ROOT / folder))
    import django

    django.setup()
    urls = json.loads(args.urls) if args.urls else benchmark_urls()
    if args.profile:
        print(profile_page(args.profile, urls, args.samples, args.limit))
        return
    pages = {page: measure_page(page, urls, args.samples) for page in PAGES}
    print("RESULT " + json.dumps({"urls": urls, "pages": pages}))


# --- the parent: one child per project, then the table -------------------------------------


def run_child(env, args, urls=None, profile=None):
    command = [sys.executable, __file__, "--child", "--samples", str(args.samples), "--limit", str(args.limit)]
    if urls:
        command += ["--urls", json.dumps(urls)]
    if profile:
        command += ["--profile", profile]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"measuring failed:\n{out.stderr[-3000:]}")
    if profile:
        return out.stdout
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="perf_load", help="the load benchmark's PostgreSQL database")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-load"))
    parser.add_argument("--project", choices=["storefront", "stock"], action="append",
                        help="measure only this project (repeatable; default both)")
    parser.add_argument("--samples", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--profile", choices=PAGES, help="profile this page (storefront unless --project stock)")
    parser.add_argument("--limit", type=int, default=35, help="functions listed by --profile")
    parser.add_argument("--no-fragments", action="store_true",
                        help="serve the storefront with cached fragments off (STOREFRONT_FRAGMENT_CACHE_SECONDS=0)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    workdir = Path(args.workdir)
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    envs = {
        "storefront": storefront_env(workdir, database_url, page_cache=False),
        "stock": stock_env(workdir, database_url),
    }
    if args.no_fragments:
        envs["storefront"]["STOREFRONT_FRAGMENT_CACHE_SECONDS"] = "0"
    projects = args.project or ["storefront", "stock"]
    if args.profile:
        print(run_child(envs[projects[0]], args, profile=args.profile))
        return
    results, urls = {}, None
    for project in projects:
        results[project] = run_child(envs[project], args, urls)
        urls = results[project]["urls"]
    print(f"{'page':<14}" + "".join(f"| {project:^36} " for project in projects)
          + ("| ratio" if len(projects) == 2 else ""))
    print(f"{'':<14}" + "".join(f"| {'median':>8} {'p95':>8} {'cpu':>8} {'q':>6} " for _ in projects))
    for page in PAGES:
        row = f"{page:<14}"
        for project in projects:
            r = results[project]["pages"][page]
            row += f"| {r['median_ms']:8.2f} {r['p95_ms']:8.2f} {r['cpu_ms']:8.2f} {r['queries']:>6} "
        if len(projects) == 2:
            a, b = (results[p]["pages"][page]["median_ms"] for p in projects)
            row += f"| {b / a:.2f}x"
        print(row)
    print(f"ms per request, in-process (test client), {args.samples} requests a page; cpu = median CPU time; "
          f"q = queries; ratio = {projects[-1]} median / {projects[0]} median (above 1: {projects[0]} is faster)"
          if len(projects) == 2 else f"ms per request, in-process (test client), {args.samples} requests a page")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
