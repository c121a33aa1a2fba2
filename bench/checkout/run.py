"""Checkout benchmark: orders placed end to end on PostgreSQL against the local Stripe server.

Measures, in one run:

* completions per second: buyers going through the whole checkout at once
  (add to basket, address, shipping method, payment page with its
  PaymentIntent, card token, confirm, place order; the sellers' transfers and
  the confirmation email run in-process after commit, as in the embedded
  setup), counted as orders placed per second of wall time;
* the p50/p95/max time of the place-order step (the POST that locks stock,
  writes the order and captures);
* the number of SQL queries of placing an order with 1 line and with 10 lines.

Run from the repository root (it creates and keeps the database test_<name>):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/checkout_bench \\
        .venv/bin/python bench/checkout/run.py --buyers 60 --concurrency 4

Prints the figures and a one-line summary; --json FILE also writes them.
"""

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.test")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=60, help="checkouts in the throughput run (default 60)")
    parser.add_argument("--concurrency", type=int, default=4, help="buyers checking out at once (default 4)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--tasks",
        choices=["queued", "eager"],
        default="queued",
        help="queued (default, as in production): after-commit tasks (transfers, email) go to a broker that "
        "nobody consumes, so a request is timed alone; eager: they run inside the request",
    )
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of placing the 1-line order")
    parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite too (figures are not comparable)")
    args = parser.parse_args(argv)
    if args.buyers < 1 or args.concurrency < 1:
        parser.error("--buyers and --concurrency must be at least 1")
    return args


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv=None):
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) and not args.allow_sqlite:
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/checkout_bench (or pass --allow-sqlite).")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from storefront.payments.localserver import start
    from tests.stripe_connect_standin import ConnectStandin

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    print(f"Database: creating or reusing test database for {connection.settings_dict['NAME']} ...", flush=True)
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    stripe_server = start()
    connect = ConnectStandin().start()
    settings.STRIPE_API_BASE = stripe_server.url
    settings.STRIPE_CONNECT_API_BASE = connect.url
    settings.STRIPE_LOCAL = True
    settings.STRIPE_NETWORK_RETRIES = 0
    if args.tasks == "queued":
        from storefront.celery import app

        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
    try:
        results = run(args, connect)
    finally:
        stripe_server.stop()
        connect.stop()
    print(json.dumps(results, indent=2))
    print(
        f"Checkout: {results['completions_per_second']:.2f} orders/s end to end "
        f"({results['orders']} orders, concurrency {args.concurrency}); place-order p95 "
        f"{results['place_order_ms']['p95']:.0f} ms; queries to place 1 line: "
        f"{results['queries']['1_line']}, 10 lines: {results['queries']['10_lines']} ({results['database']}, tasks {results['tasks']})."
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def run(args, connect):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from oscar.core.loading import get_model

    from tests.factories import create_country, create_grower, create_listed_product, create_user

    Order = get_model("order", "Order")
    run_id = f"{int(time.time())}"
    create_country()
    growers = []
    for name in ("Bench Leaf", "Bench Fungi"):
        grower = create_grower(f"{name} {run_id}")
        account = connect.add_account()
        from storefront.payments.models import SellerAccount

        SellerAccount.objects.create(
            partner=grower, account_id=account["id"], charges_enabled=True, payouts_enabled=True, details_submitted=True
        )
        growers.append(grower)
    products = [
        create_listed_product(growers[i % 2], f"Bench product {run_id}-{i}", price=f"{2 + i}.50", stock=100_000)
        for i in range(10)
    ]

    def card_token():
        import urllib.parse
        import urllib.request

        from django.conf import settings

        data = urllib.parse.urlencode({
            "card[number]": "4242424242424242", "card[exp_month]": "12", "card[exp_year]": "2034",
            "card[cvc]": "123", "key": "pk_test_localstripe",
        }).encode()
        with urllib.request.urlopen(settings.STRIPE_API_BASE + "/v1/tokens", data=data, timeout=10) as response:
            return json.load(response)["id"]

    addresses = iter(range(1, 60000))

    def prepare(email, items):
        """A buyer up to an authorised card; returns (client, intent id)."""
        # One address per buyer: the payment pages are rate-limited per address.
        number = next(addresses)
        client = Client(REMOTE_ADDR=f"10.{number // 250}.{number % 250}.1")
        client.force_login(create_user(email))
        for product in items:
            client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        client.post(reverse("checkout:shipping-address"), {
            "first_name": "Ben", "last_name": "Chmark", "line1": "1 Test Row", "line4": "Leeds",
            "postcode": "LS1 1AA", "country": "GB",
        })
        client.post(reverse("checkout:shipping-method"), {"method_code": "farm-pickup"})
        page = client.get(reverse("checkout:payment-details"))
        # Read the intent from the page, as the browser does (response.context is not thread-safe).
        intent_id = re.search(r'data-intent="([^"]+)"', page.content.decode()).group(1)
        answer = client.post(reverse("checkout:payment-confirm"), {"token": card_token(), "payment_intent": intent_id})
        if answer.json().get("status") != "requires_capture":
            raise RuntimeError(f"card not authorised for {email}: {answer.json()}")
        return client, intent_id

    def place(client, intent_id):
        started = time.perf_counter()
        response = client.post(reverse("checkout:preview"), {"action": "place_order", "payment_intent": intent_id})
        elapsed = time.perf_counter() - started
        if response.status_code != 302 or response.url != reverse("checkout:thank-you"):
            raise RuntimeError(f"order not placed: {response.status_code} {getattr(response, 'url', '')}")
        return elapsed

    # Query counts: one buyer at a time, the place-order request only.
    queries = {}
    for label, items in (("1_line", products[:1]), ("10_lines", products)):
        client, intent_id = prepare(f"q{label}-{run_id}@bench.example", items)
        with CaptureQueriesContext(connection) as captured:
            place(client, intent_id)
        queries[label] = len(captured.captured_queries)
        if args.show_queries and label == "1_line":
            for query in captured.captured_queries:
                print(query["sql"][:160])

    # Throughput: whole checkouts, `concurrency` at a time, each of 2 lines.
    place_times, errors = [], []
    lock = threading.Lock()
    next_buyer = iter(range(args.buyers))

    def worker():
        from django.db import connection as thread_connection

        try:
            while True:
                with lock:
                    index = next(next_buyer, None)
                if index is None:
                    return
                try:
                    client, intent_id = prepare(f"b{index}-{run_id}@bench.example", products[index % 9: index % 9 + 2])
                    elapsed = place(client, intent_id)
                    with lock:
                        place_times.append(elapsed)
                except Exception as exc:  # counted and reported, the run goes on
                    with lock:
                        errors.append(repr(exc))
        finally:
            thread_connection.close()

    orders_before = Order.objects.count()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    orders = Order.objects.count() - orders_before
    ms = [t * 1000 for t in place_times]
    return {
        "database": connection.vendor,
        "tasks": args.tasks,
        "buyers": args.buyers,
        "concurrency": args.concurrency,
        "orders": orders,
        "errors": errors[:5],
        "error_count": len(errors),
        "wall_seconds": round(wall, 2),
        "completions_per_second": round(orders / wall, 2) if wall else 0.0,
        "place_order_ms": {
            "p50": round(statistics.median(ms), 1) if ms else None,
            "p95": round(percentile(ms, 0.95), 1) if ms else None,
            "max": round(max(ms), 1) if ms else None,
        },
        "queries": queries,
        "cpu_count": os.cpu_count(),
    }


if __name__ == "__main__":
    main()
