"""Cost of the plugin host on the product list page: all plugins enabled versus none.

Renders /shop/catalogue/ in-process (Django's test client, no network) on a
private SQLite database, with every installed plugin switched on for the site
(the site catalogue plugin restricted to every grower, so its filter runs)
and with an empty plugin host. The two alternate request by request, so
drift (caches warming, the machine's load) hits both alike. Reports the
median and mean time per page and the queries per page, at two page sizes:
the difference in queries between modes must not grow with the page size.

    .venv/bin/python bench/plugins/product_list.py              # 24 and 48 products a page
    .venv/bin/python bench/plugins/product_list.py --samples 100 --json var/bench-plugins/result.json
    .venv/bin/python bench/plugins/product_list.py --url "/shop/search/?q="

The first run migrates a fresh database (about a minute); later runs reuse it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(workdir):
    sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
    os.environ["STOREFRONT_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "storefront.settings.production"
    os.environ["STATIC_ROOT"] = str(workdir / "static")  # production serves hashed, collected files
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "k7" * 30)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("RATE_LIMIT_SEARCH", "1000000/m")  # the benchmark is one client asking fast, on purpose
    os.environ.setdefault("STOREFRONT_PAGE_CACHE", "false")  # time rendering the page, not serving it from the cache
    import django

    django.setup()


def build_catalogue(products):
    """Growers with verified energy reports and `products` products, indexed; once per database."""
    import datetime
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from oscar.core.loading import get_model

    from energy_badges.models import EnergyReport
    from storefront.search.indexing import rebuild
    from storefront.search.testing import make_grower, make_produce

    from django.db import transaction

    Product = get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    if Product.objects.count() >= products:
        return
    with transaction.atomic():  # a run stopped half-way leaves nothing behind
        _build(products, Product, Partner, make_grower, make_produce, EnergyReport, ContentFile, datetime, Decimal)
    rebuild()


def _build(products, Product, Partner, make_grower, make_produce, EnergyReport, ContentFile, datetime, Decimal):
    growers = [
        Partner.objects.filter(name=f"Bench Grower {i}").first() or make_grower(f"Bench Grower {i}", city=city)
        for i, city in enumerate(["Leeds", "London", "Bristol", "Cardiff"])
    ]
    for i, grower in enumerate(growers):
        if EnergyReport.objects.filter(partner=grower).exists():
            continue
        report = EnergyReport(
            partner=grower, kwh_per_kg=Decimal(6 + 9 * i), renewable_share=Decimal(30), lighting_efficacy=Decimal("2.7"),
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
            status=EnergyReport.VERIFIED,
        )
        report.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4 bench"), save=False)
        report.save()
    for i in range(Product.objects.count(), products):
        make_produce(f"Bench product {i:03d}", growers[i % len(growers)], price=f"{3 + i % 7}.50", category="Herbs")


def enable_everything(site):
    """Every installed plugin on for the site; the site catalogue limited to every grower, so its filter runs."""
    from oscar.core.loading import get_model

    from storefront.plugins.host import get_host
    from storefront.plugins.models import PluginSetting

    codes = ", ".join(get_model("partner", "Partner").objects.values_list("code", flat=True))
    for plugin_id in get_host().plugins:
        setting = PluginSetting.objects.filter(site=site, plugin_id=plugin_id).first() or PluginSetting(
            site=site, plugin_id=plugin_id
        )
        setting.enabled = True
        if plugin_id == "site_catalogue":
            setting.config = {"growers": codes}
        setting.save()


def measure(client, url, per_page, samples, plugins=None):
    """Alternate the installed host (all plugins on) and an empty host, request by request.

    Swapping hosts instead of switching plugins off in the database keeps
    writes (and the cache and index refreshes they cause) out of the timing;
    the host's own machinery (middleware, scope, guarded caller) runs in both.
    """
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from storefront.plugins.host import PluginHost, get_host, set_host

    settings.OSCAR_PRODUCTS_PER_PAGE = per_page
    installed = get_host()
    hosts = {"all": installed if plugins is None else PluginHost().register_installed(*plugins), "none": PluginHost()}
    times = {"none": [], "all": []}
    cpu = {"none": [], "all": []}  # CPU time of this process: far less disturbed by other load on the machine
    queries, badges, cards = {}, {}, 0
    try:
        for mode in ("none", "all"):
            set_host(hosts[mode])
            for _ in range(3):  # warm the template, scope and search caches
                response = client.get(url, secure=True)
                assert response.status_code == 200, response.status_code
            counts = []
            for _ in range(3):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, secure=True)
                counts.append(len(captured))
            queries[mode] = min(counts)
            html = response.content.decode()
            badges[mode] = html.count("storefront-badge--")
            cards = html.count('class="product_pod')
        for i in range(samples):
            for mode in (("none", "all") if i % 2 else ("all", "none")):
                set_host(hosts[mode])
                started, cpu_started = time.perf_counter(), time.process_time()
                client.get(url, secure=True)
                times[mode].append((time.perf_counter() - started) * 1000)
                cpu[mode].append((time.process_time() - cpu_started) * 1000)
    finally:
        set_host(None)
    result = {"url": url, "per_page": per_page, "cards": cards, "queries": queries, "badges": badges}
    for mode, values in times.items():
        result[f"{mode}_median_ms"] = round(statistics.median(values), 2)
        result[f"{mode}_mean_ms"] = round(statistics.fmean(values), 2)
        result[f"{mode}_samples"] = len(values)
    for mode, values in cpu.items():
        result[f"{mode}_cpu_median_ms"] = round(statistics.median(values), 2)
    result["time_overhead_pct"] = round(100 * (result["all_median_ms"] / result["none_median_ms"] - 1), 1)
    result["cpu_overhead_pct"] = round(100 * (result["all_cpu_median_ms"] / result["none_cpu_median_ms"] - 1), 1)
    result["extra_queries"] = queries["all"] - queries["none"]
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-plugins")
    parser.add_argument("--samples", type=int, default=60, help="timed requests per mode (default 60)")
    parser.add_argument("--per-page", type=int, nargs="+", default=[24, 48])
    parser.add_argument("--url", default="/shop/catalogue/", help="the list page (default /shop/catalogue/; try /shop/search/?q=)")
    parser.add_argument(
        "--card-cache-seconds", type=int, default=0,
        help="the search app's card cache (default 0: every card and its badges rendered on every request)",
    )
    parser.add_argument("--plugins", nargs="+", help="the plugins of the 'all' mode (default: every installed plugin)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    setup_django(args.workdir)

    from django.core.management import call_command
    from django.test import Client

    from storefront.plugins.host import get_host

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not (args.workdir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    build_catalogue(max(args.per_page))
    print(f"Database ready in {time.perf_counter() - started:.0f} s; plugins: {', '.join(sorted(get_host().plugins))}")
    client = Client(HTTP_HOST="localhost")
    from django.conf import settings

    settings.SEARCH_CARD_CACHE_SECONDS = args.card_cache_seconds
    from wagtail.models import Site

    enable_everything(Site.objects.get(is_default_site=True))
    results = [measure(client, args.url, per_page, args.samples, args.plugins) for per_page in args.per_page]
    print(f"{args.url}, search card cache {args.card_cache_seconds} s, 'all' = {', '.join(args.plugins or sorted(get_host().plugins))}")
    print(
        f"{'cards':>6} {'none ms':>9} {'all ms':>9} {'wall +%':>8} {'none cpu':>9} {'all cpu':>9} {'cpu +%':>7} "
        f"{'queries none':>13} {'queries all':>12} {'badges':>7}"
    )
    for r in results:
        print(
            f"{r['cards']:>6} {r['none_median_ms']:>9} {r['all_median_ms']:>9} {r['time_overhead_pct']:>8} "
            f"{r['none_cpu_median_ms']:>9} {r['all_cpu_median_ms']:>9} {r['cpu_overhead_pct']:>7} "
            f"{r['queries']['none']:>13} {r['queries']['all']:>12} {r['badges']['all']:>7}"
        )
    growth = results[-1]["extra_queries"] - results[0]["extra_queries"]
    print(
        f"Plugin host, all plugins vs none: {results[-1]['cpu_overhead_pct']}% CPU time "
        f"({results[-1]['time_overhead_pct']}% wall) at {results[-1]['cards']} cards, "
        f"{results[-1]['extra_queries']} extra queries per page, {growth} more for "
        f"{results[-1]['cards'] - results[0]['cards']} more products (medians of {results[-1]['all_samples']} pages)."
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
