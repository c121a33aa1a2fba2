"""VibeLux benchmark: harvest events processed per second by one worker, and the import time of a 10,000-row file.

    .venv/bin/python bench/vibelux/run.py                       # eager: tasks run in this process
    .venv/bin/python bench/vibelux/run.py --worker              # one real Celery worker on Redis
    .venv/bin/python bench/vibelux/run.py --events 5000 --rows 10000 --products 200

Each run uses a SQLite database of its own under --workdir (migrated on the
first run, about 40 s) and one bench grower selling --products products.

- receive: POST of each signed harvest.completed webhook through Django's test
  client (signature check, schema validation, storing the event);
- process: the stored events through the real task, ``vibelux.tasks.process_webhook_event``:
  eagerly (``.apply()`` in this process) or, with --worker, queued with
  ``.delay()`` to one Celery worker (``--pool solo``) on Redis, timed from the
  first queued event until every event is processed (the worker also runs the
  index updates and plugin events each harvest queues, in between). Each event carries its
  crop cycle and a harvest that is matched to a product, stocked and recorded
  as a lot, so this is the whole pipeline, including the after-commit events
  (search index updates) it triggers;
- import: one CSV file of --rows harvests through the dashboard's import
  (uploads.import_file): read, validate every row, then apply all rows in one
  transaction.

Figures are printed, not asserted: this is not part of the test suite.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CROPS = [("Butterhead lettuce", "head", 0.15), ("Sweet basil", "g", None), ("Pea shoots", "g", None),
         ("Little Gem lettuce", "head", 0.12), ("Watercress", "g", None)]
VARIETIES = ["Rex", "Aroma 2", "Kelvedon", "Nymans", "Aqua", "Flandria", "Tom Thumb", "Genovese"]


def setup(args):
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'vibelux-bench.sqlite3'}"
    os.environ["STOREFRONT_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    if args.worker:
        os.environ["CELERY_BROKER_URL"] = args.redis_url
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    for folder in ("site", "plugins", "."):
        sys.path.insert(0, str(ROOT / folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.1f} s ({os.environ['DATABASE_URL']})")


def catalogue(count):
    """The bench grower and ``count`` products keyed by (crop, variety, pack size, unit)."""
    from decimal import Decimal

    from oscar.core.loading import get_model

    from tests.vibelux_standin import leafy_greens_class
    from vibelux.listings import set_attribute
    from vibelux.models import Connection

    Partner = get_model("partner", "Partner")
    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    Connection.objects.filter(partner__code="vibelux-bench").delete()
    Product.objects.filter(stockrecords__partner__code="vibelux-bench").delete()
    grower, _ = Partner.objects.get_or_create(code="vibelux-bench", defaults={"name": "VibeLux Bench Farm"})
    product_class = leafy_greens_class()
    keys = []
    for n in range(count):
        crop, unit, net = CROPS[n % len(CROPS)]
        variety = VARIETIES[(n // len(CROPS)) % len(VARIETIES)]
        size = 1 if unit == "head" else 50 * (1 + n // (len(CROPS) * len(VARIETIES)))
        product = Product.objects.create(title=f"{crop} '{variety}', {size} {unit}", product_class=product_class)
        for code, value in (("variety", variety), ("pack_size", size), ("pack_unit", unit), ("shelf_life_days", 7)):
            set_attribute(product, code, value)
        StockRecord.objects.create(product=product, partner=grower, partner_sku=f"bench-{n}", price=Decimal("2.00"),
                                   num_in_stock=0)
        keys.append((crop, variety, size, unit, net))
    connection = Connection.objects.create(partner=grower, facility_id="fac-bench", webhook_secret="bench-secret")
    return connection, keys


def harvest_record(n, keys, rng, prefix):
    crop, variety, size, unit, net = rng.choice(keys)
    record = {
        "id": f"{prefix}-hv-{n}", "cycle_id": f"{prefix}-cyc-{n}", "lot_number": f"{prefix.upper()}-{n:06}",
        "harvest_date": "2026-11-10", "actual_yield_kg": rng.randint(5, 80), "grade": "Class I",
        "crop": crop, "variety": variety, "pack_size": size, "pack_unit": unit,
        "updated_at": "2026-11-10T12:00:00Z",
    }
    if net:
        record["pack_net_weight_kg"] = net
    return record


def cycle_record(n, harvest, prefix):
    return {
        "id": f"{prefix}-cyc-{n}", "facility_id": "fac-bench", "room_id": "room-a", "crop": harvest["crop"],
        "variety": harvest["variety"], "planted_date": "2026-10-10", "expected_harvest_date": "2026-11-10",
        "forecast_yield_kg": 50, "status": "harvested", "updated_at": "2026-11-10T11:00:00Z",
        "sensor_summary": {"mean_temperature_c": 21, "mean_humidity_pct": 65, "mean_co2_ppm": 900,
                           "mean_ppfd": 250, "mean_dli": 14.4, "mean_vpd_kpa": 0.9},
        "energy_use": {"kwh": 300, "renewable_share_pct": 50},
    }


def bench_events(args, connection, keys):
    from django.test import Client
    from django.urls import reverse

    from tests.vibelux_standin import event, signed
    from vibelux.models import WebhookEvent
    from vibelux.tasks import process_webhook_event

    rng = random.Random(7)
    payloads = []
    for n in range(args.events):
        harvest = harvest_record(n, keys, rng, "ev")
        payloads.append(event(f"bench-ev-{n}", "harvest.completed",
                              {"crop_cycle": cycle_record(n, harvest, "ev"), "harvest": harvest}))
    client = Client()
    url = reverse("vibelux:webhook", args=[connection.webhook_key])
    # Store the events as the webhook view does, without running them yet.
    import vibelux.webhooks as webhooks

    queued = []
    original = webhooks.transaction.on_commit
    webhooks.transaction.on_commit = lambda func, robust=False: queued.append(func)
    try:
        started = time.perf_counter()
        for payload in payloads:
            body, headers = signed(connection.webhook_secret, payload)
            response = client.post(url, body, content_type="application/json", headers=headers)
            assert response.status_code == 202, response.content
        receive = time.perf_counter() - started
    finally:
        webhooks.transaction.on_commit = original
    print(f"receive: {args.events} signed webhooks checked and stored in {receive:.2f} s "
          f"= {args.events / receive:.0f} per second")

    pks = list(WebhookEvent.objects.filter(connection=connection).order_by("pk").values_list("pk", flat=True))
    if args.worker:
        worker = start_worker(args)
        try:
            started = time.perf_counter()
            for pk in pks:
                process_webhook_event.delay(pk)
            while WebhookEvent.objects.filter(pk__in=pks, status=WebhookEvent.RECEIVED).exists():
                if time.perf_counter() - started > args.timeout:
                    raise SystemExit(f"the worker did not finish within {args.timeout} s")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        how = "one Celery worker (solo pool) on Redis"
    else:
        started = time.perf_counter()
        for pk in pks:
            process_webhook_event.apply(args=[pk])
        elapsed = time.perf_counter() - started
        how = "eager, in this process"
    failed = WebhookEvent.objects.filter(pk__in=pks).exclude(status=WebhookEvent.PROCESSED).count()
    if failed:
        raise SystemExit(f"{failed} events did not process; see WebhookEvent.outcome")
    print(f"process: {len(pks)} harvest events in {elapsed:.2f} s = {len(pks) / elapsed:.1f} events per second ({how})")
    return len(pks) / elapsed


def start_worker(args):
    from storefront.celery import app

    # Tasks a previous run left queued (index updates queued after its last event) would
    # otherwise run first, against rows that are gone, and count against this run.
    app.control.purge()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(ROOT / f) for f in ("site", "plugins", ".")))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "storefront", "worker", "--pool", "solo", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        replies = app.control.ping(timeout=1.0)
        if replies:
            return worker
        if worker.poll() is not None:
            raise SystemExit("the Celery worker exited at start; is Redis running?")
    worker.terminate()
    raise SystemExit("the Celery worker did not answer within 60 s")


def bench_import(args, connection, keys):
    import csv
    import io

    from vibelux import uploads
    from vibelux.models import Lot

    rng = random.Random(11)
    out = io.StringIO()
    fields = ["id", "cycle_id", "lot_number", "harvest_date", "actual_yield_kg", "grade", "crop", "variety",
              "pack_size", "pack_unit", "pack_net_weight_kg", "updated_at"]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for n in range(args.rows):
        writer.writerow(harvest_record(n, keys, rng, "up"))
    text = out.getvalue()
    before = Lot.objects.filter(connection=connection).count()
    started = time.perf_counter()
    report = uploads.import_file(connection, "bench.csv", text)
    elapsed = time.perf_counter() - started
    added = Lot.objects.filter(connection=connection).count() - before
    assert added == args.rows, (added, args.rows)
    print(f"import: {args.rows} CSV rows ({len(text) / 1e6:.1f} MB) validated and imported in {elapsed:.2f} s "
          f"= {args.rows / elapsed:.0f} rows per second ({report.outcome.summary()})")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--products", type=int, default=120)
    parser.add_argument("--worker", action="store_true", help="Process events in one real Celery worker on Redis.")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "vibelux-bench"))
    args = parser.parse_args(argv)
    setup(args)
    connection, keys = catalogue(args.products)
    print(f"catalogue: {len(keys)} products for one grower")
    rate = bench_events(args, connection, keys)
    seconds = bench_import(args, connection, keys)
    print(f"summary: {rate:.1f} harvest events per second by one worker; {args.rows} rows imported in {seconds:.1f} s")


if __name__ == "__main__":
    main()
