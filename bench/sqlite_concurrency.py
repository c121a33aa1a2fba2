"""How the embedded default (SQLite) holds up under concurrent buyers.

Serves the storefront with gunicorn (2 sync workers, production settings) on
a fresh SQLite database with a small catalogue, then sends product page views
from several threads, with a share of basket additions (writes) mixed in, and
prints the status codes and the share of errors.

Stock django-oscar on SQLite answered about 5% of product page views under two
workers with a 500 "database is locked" (its analytics counter writes on each
view). Here a product view writes nothing, and writes wait for the lock.

    .venv/bin/python bench/sqlite_concurrency.py [--requests 2000] [--threads 8]
"""

import argparse
import collections
import concurrent.futures
import http.cookiejar
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn, manage, project_env  # noqa: E402

SEED = """
from decimal import Decimal
from oscar.core.loading import get_model
from oscar.test.factories import create_product
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
grower = Partner.objects.create(name="Bench Grower")
for i in range({products}):
    product = create_product(title=f"Bench lettuce {{i}}", upc=f"bench-{{i}}")
    StockRecord.objects.create(product=product, partner=grower, partner_sku=f"b{{i}}", price=Decimal("2.50"), num_in_stock=100000)
print(",".join(str(p.pk) + ":" + p.get_absolute_url() for p in get_model("catalogue", "Product").objects.all()))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--products", type=int, default=40)
    parser.add_argument("--write-share", type=float, default=0.1, help="share of requests that add to a basket")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        workdir = Path(tmp)
        env = project_env(workdir)
        print("migrating a fresh SQLite database ...", flush=True)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        import subprocess

        out = subprocess.run([sys.executable, "manage.py", "shell", "-c", SEED.format(products=args.products)],
                             env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
        products = [item.split(":", 1) for item in out.stdout.strip().splitlines()[-1].split(",")]

        with gunicorn(env, workers=2) as base:
            codes = collections.Counter()
            latencies = []

            def one(i):
                pk, url = products[i % len(products)]
                started = time.perf_counter()
                try:
                    if (i % 100) < args.write_share * 100:
                        jar = http.cookiejar.CookieJar()
                        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
                        page = opener.open(base + url, timeout=30).read().decode()
                        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "quantity": 1}).encode()
                        request = urllib.request.Request(base + f"/shop/basket/add/{pk}/", data=data,
                                                         headers={"Referer": base + url})
                        status = opener.open(request, timeout=30).status
                    else:
                        status = urllib.request.urlopen(base + url, timeout=30).status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except OSError as exc:
                    status = type(exc).__name__
                latencies.append(time.perf_counter() - started)
                return status

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
                for status in pool.map(one, range(args.requests)):
                    codes[status] += 1
            elapsed = time.perf_counter() - started

    errors = sum(count for status, count in codes.items() if status not in (200, 302))
    latencies.sort()
    print(f"requests: {args.requests}  threads: {args.threads}  writes: {args.write_share:.0%}  gunicorn: 2 sync workers")
    print(f"status codes: {dict(codes)}")
    print(f"errors: {errors} ({errors / args.requests:.2%})")
    print(f"throughput: {args.requests / elapsed:.1f} req/s  p50: {statistics.median(latencies) * 1000:.0f} ms"
          f"  p95: {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
