"""Search benchmark: index build time and search-view latency, embedded backend vs Whoosh.

    .venv/bin/python bench/search/run.py --products 10000 --whoosh
    .venv/bin/python bench/search/run.py --products 100000
    .venv/bin/python bench/search/run.py --products 10000 --database-url postgres://postgres@127.0.0.1:5432/search_bench

For each run: a database of its own (a SQLite file under --workdir, or the
PostgreSQL database named, created if missing), filled by
bench/catalogue_generator.py unless it already holds that many generated
products; then

- build: the embedded backend's full rebuild (manage.py rebuild_search_index's code path);
- open: a fresh process's first load of the index into memory;
- view: GET /shop/search/ through Django's test client for each of a fixed set
  of queries (bench/search/queries.py: words, 0-3 facets, half with a place
  and radius, sorts, pages), i.e. form validation, the backend query with all
  facet counts, loading the page's products and rendering the template;
- query: the backend call alone for the same requests.

With --whoosh the same documents go into haystack's Whoosh backend and the same
queries run through the same view, with Whoosh answering the backend call.
Whoosh has no geo search, so the place and radius are dropped from its
requests (which only makes its job easier), and it ignores range facets.

Figures are printed, not asserted: this is not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "search")]


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(times):
    ms = [t * 1000 for t in times]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "mean": statistics.fmean(ms), "max": max(ms)}


def ensure_postgres_database(url):
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(args):
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{workdir / f'search-{args.products}.sqlite3'}"
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["STOREFRONT_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    # one client sends every query: the per-IP search rate limit would answer 429s and skew the figures
    os.environ["RATE_LIMIT_SEARCH"] = "1000000/m"
    os.environ.pop("ELASTICSEARCH_URL", None)
    from catalogue_generator import setup_django

    setup_django("storefront.settings.dev")
    return url


class WhooshAdapter:
    """Answers the view's SearchRequest with haystack's Whoosh backend, through SearchQuerySet."""

    def __init__(self, alias):
        from haystack import connections

        self.alias = alias
        backend = connections[alias].get_backend()
        backend.setup()
        self.fields = set(backend.schema.names())

    def execute(self, request):
        from haystack.query import SearchQuerySet

        from storefront.search.query import And, Clause, Hit, SearchResponse

        sqs = SearchQuerySet(using=self.alias)
        if request.text:
            sqs = sqs.auto_query(request.text)
        clauses = []
        stack = [request.where] if request.where is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, And):
                stack.extend(node.children)
            elif isinstance(node, Clause):
                clauses.append(node)
        for clause in clauses:
            if clause.op == "exact":
                sqs = sqs.narrow(f'{clause.field}:"{clause.value}"')
            elif clause.op == "in":
                sqs = sqs.narrow("(" + " OR ".join(f'{clause.field}:"{v}"' for v in clause.value) + ")")
            elif clause.op == "range":
                low, high = clause.value
                sqs = sqs.narrow(f"{clause.field}:[{'' if low is None else low} TO {'' if high is None else high}]")
            elif clause.op in ("gte", "gt"):
                sqs = sqs.narrow(f"{clause.field}:[{clause.value} TO]")
        facet_fields = [f for f in request.facet_fields if f in self.fields]  # plugin facets are not in its schema
        for field in facet_fields:
            sqs = sqs.facet(field)
        sort = {"price": "price", "-price": "-price", "newest": "-date_created", "title": "title"}.get(request.sort)
        if sort:
            sqs = sqs.order_by(sort)
        page = list(sqs[request.offset : request.offset + request.limit])
        facets = sqs.facet_counts().get("fields", {}) if facet_fields else {}
        return SearchResponse(
            hits=[Hit(pk=int(r.pk), score=r.score or 0.0) for r in page if r is not None],
            total=sqs.count(),
            facets={name: list(values) for name, values in facets.items()},
            range_facets={},
        )


def time_view(client, queries, warmup=20):
    """Two timed passes over the queries: the first meets mostly uncached product cards, the second finds them
    cached (and the embedded backend's answers and the rendered facet lists, kept per index generation)."""
    for params in queries[:warmup]:
        client.get("/shop/search/", params)
    passes, statuses = [], {}
    for _ in range(2):
        times = []
        for params in queries:
            started = time.perf_counter()
            response = client.get("/shop/search/", params)
            times.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        passes.append(times)
    return passes, statuses


def time_queries(engine, queries):
    from django.http import QueryDict
    from django.utils.http import urlencode

    from storefront.search.forms import SearchForm

    # The embedded snapshot remembers its answers (the view passes asked these already): time its own search.
    snapshot = getattr(engine, "snapshot", None)
    search = snapshot().run if snapshot is not None else engine.execute
    times, totals = [], []
    for params in queries:
        form = SearchForm(QueryDict(urlencode(params, doseq=True)))
        form.is_valid()
        request = form.search_request(offset=0, limit=24)
        started = time.perf_counter()
        response = search(request)
        times.append(time.perf_counter() - started)
        totals.append(response.total)
    return times, totals


def main(argv=None):
    parser = argparse.ArgumentParser(description="Search benchmark: build time and search-view p50/p95.")
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="", help="Default: a SQLite file under --workdir.")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-search"))
    parser.add_argument("--whoosh", action="store_true", help="Also build and query haystack's Whoosh backend.")
    parser.add_argument("--whoosh-queries", type=int, default=None, help="Time Whoosh on only the first N queries.")
    args = parser.parse_args(argv)
    if args.queries < 1 or args.products < 1:
        parser.error("--products and --queries must be at least 1")

    start_load = ", ".join(f"{x:.2f}" for x in os.getloadavg())  # other work on the machine skews every figure
    url = setup(args)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from haystack import connections
    from oscar.core.loading import get_model

    from catalogue_generator import UPC_PREFIX, clear_generated, generate
    from queries import make_queries
    from storefront.search import service
    from storefront.search.backends import embedded
    from storefront.search.indexing import iter_chunks, product_index, rebuild

    call_command("migrate", verbosity=0)
    Product = get_model("catalogue", "Product")
    have = Product.objects.filter(upc__startswith=UPC_PREFIX).count()
    if have != args.products:
        if have:
            clear_generated()
        started = time.perf_counter()
        generate(args.products, seed=args.seed, progress=lambda d, t: print(f"\rgenerating {d}/{t}", end="", file=sys.stderr))
        print(f"\ngenerated {args.products} products in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    vendor = connection.vendor
    queries = make_queries(args.queries)
    results = []

    # ---- embedded --------------------------------------------------------
    count, build_s = rebuild()
    embedded._states.clear()
    backend = connections["default"].get_backend()
    import resource

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    backend.snapshot()
    open_s = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client = Client()
    (cold, warm), statuses = time_view(client, queries)
    query_times, totals = time_queries(backend, queries)
    results.append(("embedded", vendor, count, build_s, open_s, summary(cold), summary(warm), summary(query_times), statuses, totals))

    # ---- whoosh ----------------------------------------------------------
    if args.whoosh:
        from django.conf import settings

        whoosh_dir = tempfile.mkdtemp(prefix="whoosh-", dir=args.workdir)
        settings.HAYSTACK_CONNECTIONS["whoosh"] = {"ENGINE": "haystack.backends.whoosh_backend.WhooshEngine", "PATH": whoosh_dir}
        whoosh = connections["whoosh"].get_backend()
        index = product_index("whoosh")
        whoosh.setup()
        whoosh.clear()
        started = time.perf_counter()
        done = 0
        for chunk in iter_chunks(index.index_queryset()):
            index.prepare_chunk(chunk)  # the same documents the embedded backend got
            whoosh.update(index, chunk)
            done += len(chunk)
            print(f"\rwhoosh: indexed {done}/{count}", end="", file=sys.stderr)
        whoosh_build = time.perf_counter() - started
        print(file=sys.stderr)
        adapter = WhooshAdapter("whoosh")
        whoosh_queries = []
        for params in queries[: args.whoosh_queries or len(queries)]:
            params = {k: v for k, v in params.items() if k not in ("location", "radius")}
            if params.get("sort_by") == "distance":
                params.pop("sort_by")
            whoosh_queries.append(params)
        from django.core.cache import cache

        from storefront.search.cards import local_cards

        cache.clear()  # Whoosh's first pass meets uncached cards too
        local_cards.clear()
        original = service.backend
        service.backend = lambda using="default": adapter
        try:
            (w_cold, w_warm), w_statuses = time_view(client, whoosh_queries, warmup=5)
        finally:
            service.backend = original
        w_query, w_totals = time_queries(adapter, whoosh_queries)
        results.append(("whoosh", "files", done, whoosh_build, 0.0, summary(w_cold), summary(w_warm), summary(w_query), w_statuses, w_totals))

    # ---- report ----------------------------------------------------------
    print()
    print(f"load average at the end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; at the start: {start_load}")
    print(f"Search benchmark: {args.products} products, {len(queries)} queries, database {vendor} "
          f"({'PostgreSQL' if url.startswith('postgres') else 'SQLite file'}), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'backend':9} {'store':6} {'docs':>6} {'build s':>7} {'open s':>6} | {'view p50':>8} {'p95':>6} (cards cold) | "
          f"{'view p50':>8} {'p95':>6} (cards cached) | {'query p50':>9} {'p95':>6} ms  statuses")
    for name, store, docs, build, opened, cold, warm, query, st, _ in results:
        print(f"{name:9} {store:6} {docs:6d} {build:7.1f} {opened:6.2f} | {cold['p50']:8.1f} {cold['p95']:6.1f}              | "
              f"{warm['p50']:8.1f} {warm['p95']:6.1f}                | {query['p50']:9.2f} {query['p95']:6.2f}     {st}")
    if len(results) == 2:
        e, w = results
        print(f"Whoosh / embedded: view p95 x{w[5]['p95'] / e[5]['p95']:.1f} (cards cold), x{w[6]['p95'] / e[6]['p95']:.1f} (cards cached); "
              f"view p50 x{w[5]['p50'] / e[5]['p50']:.1f} / x{w[6]['p50'] / e[6]['p50']:.1f}; "
              f"query p95 x{w[7]['p95'] / e[7]['p95']:.0f}; index build x{w[3] / e[3]:.1f}")
    print(f"embedded snapshot: peak RSS {rss_before / 1024:.0f} MB before the first load, {rss_after / 1024:.0f} MB after")
    empty = sum(1 for t in results[0][9] if t == 0)
    print(f"embedded: {empty} of {len(queries)} queries matched nothing; median hits {statistics.median(results[0][9]):.0f}")


if __name__ == "__main__":
    main()
