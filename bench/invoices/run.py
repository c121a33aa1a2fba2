"""Invoice benchmark: milliseconds to render one invoice PDF of 1, 10 and 60 lines.

    .venv/bin/python bench/invoices/run.py                 # 20 renders of each
    .venv/bin/python bench/invoices/run.py --repeat 50 --lines 1 10 60 200

Each run uses a SQLite database of its own under --workdir (migrated on the
first run, about a minute), makes the orders inside a transaction that is
rolled back at the end, and renders each order --repeat times with
``render_invoice(order)``, the function the download views call. It prints,
per order size: the median and slowest time of a whole render, the part of it
spent reading the order (``invoice_from_order``, with its SQL query count) and
laying out and writing the PDF, the pages and the size of the file.

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


def setup(workdir):
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'invoices-bench.sqlite3'}"
    os.environ["STOREFRONT_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("CELERY_BROKER_URL", None)
    for folder in ("site", "plugins", "."):
        sys.path.insert(0, str(ROOT / folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.1f} s")


def timed(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1, 10, 60], help="order sizes (default 1 10 60)")
    parser.add_argument("--repeat", type=int, default=20, help="renders of each order (default 20)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "storefront-invoices-bench"))
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(count < 1 for count in args.lines):
        parser.error("--repeat and every --lines must be at least 1")
    setup(Path(args.workdir).resolve())

    import io

    import pypdf
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from storefront.commerce.invoices import render_invoice
    from storefront.commerce.invoices.content import invoice_from_order
    from storefront.commerce.invoices.pdf import InvoicePDF
    from tests.factories import create_user
    from tests.invoice_factories import many_lines_order, settle

    with transaction.atomic():
        buyer = create_user(f"bench-{time.time_ns()}@example.com")
        render_invoice(many_lines_order(buyer, 1))  # first use: imports, font files read once per process
        print(f"{'lines':>5}  {'render ms (median / max)':>25}  {'read ms':>8}  {'queries':>7}  {'PDF ms':>7}  "
              f"{'pages':>5}  {'bytes':>7}")
        for count in args.lines:
            order = many_lines_order(buyer, count)
            settle(order)
            renders, data = timed(lambda: render_invoice(order), args.repeat)
            reads, invoice = timed(lambda: invoice_from_order(order), args.repeat)
            with CaptureQueriesContext(connection) as queries:
                invoice_from_order(order)
            layouts, _ = timed(lambda: InvoicePDF(invoice).render(), args.repeat)
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
            print(f"{count:>5}  {statistics.median(renders):>14.1f} / {max(renders):>8.1f}  "
                  f"{statistics.median(reads):>8.1f}  {len(queries):>7}  {statistics.median(layouts):>7.1f}  "
                  f"{pages:>5}  {len(data):>7}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
