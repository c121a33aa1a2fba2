"""Load benchmark: the storefront against stock django-oscar, on PostgreSQL and Redis, with wrk.

One command prepares everything and prints the table:

    .venv/bin/python bench/load/run.py                    # 10,000 products, 15 s per page
    .venv/bin/python bench/load/run.py --duration 30 --json var/bench-load/result.json

What it does: creates (or reuses) the PostgreSQL database `perf_load` with the
storefront's schema, demo pages and a synthetic catalogue (bench/
catalogue_generator.py), builds both search indexes, then serves three
configurations one after another with gunicorn (2 sync workers, production
settings, persistent database connections, Redis cache) and drives each page
with wrk (8 connections, 2 threads):

- storefront, page cache on (what an anonymous buyer gets),
- storefront, page cache off (STOREFRONT_PAGE_CACHE=false): every page
  rendered, with the caches a visitor the page cache cannot serve still
  gets (product cards, fragments of pages, the site and menu per process),
- stock Oscar (bench/load/stock_oscar: Oscar's defaults, Whoosh search).

Pages: home, a category of 20+ products, a product, a search with a facet
selected, add to basket (a POST from a new anonymous buyer each time), the
basket page (one line), and the ceiling: a fixed response through the same
stack (/ping). Queries per request come from bench/load/probe.py. Needs wrk
(apt-get install wrk), PostgreSQL on 127.0.0.1:5432 and Redis on 6379.
"""

import argparse
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._server import ROOT, free_port, project_env  # noqa: E402
from bench.load.setup_data import create_database, prepare  # noqa: E402

PAGES = ["home", "category", "product", "search", "add_to_basket", "basket", "ceiling"]
CSRF = "benchcsrf" + "0" * 23  # a valid 32-character token, sent as cookie and form field alike
SECRET = "bench-only-" + "q4" * 30


def storefront_env(workdir, database_url, page_cache):
    return project_env(
        workdir,
        DATABASE_URL=database_url,
        CACHE_URL="redis://127.0.0.1:6379/5",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STOREFRONT_PAGE_CACHE="true" if page_cache else "false",
        # The load test is a few clients asking fast, on purpose: lift the per-IP limits.
        RATE_LIMIT_SEARCH="100000000/m",
        RATE_LIMIT_PAYMENT="100000000/m",
    )


def stock_env(workdir, database_url):
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "bench" / "load"),
        "DJANGO_SETTINGS_MODULE": "stock_oscar.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": "redis://127.0.0.1:6379/6",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STOCK_OSCAR_WHOOSH_PATH": str(workdir / "stock-whoosh"),
        "STOCK_OSCAR_STATIC_ROOT": str(workdir / "stock-static"),
        "MEDIA_ROOT": str(workdir / "media"),
    }


def flush_redis(db):
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


@contextmanager
def gunicorn(env, app, workers):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/ping", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn ({app}) did not start")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def basket_cookie(base, urls):
    """Cookies of an anonymous buyer with one line in the basket (for the basket page)."""
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(http.cookiejar.Cookie(0, "csrftoken", CSRF, None, False, "127.0.0.1", False, False, "/", True,
                                         False, None, False, None, None, {}))
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    body = urllib.parse.urlencode({"quantity": 1, "csrfmiddlewaretoken": CSRF}).encode()
    request = urllib.request.Request(base + urls["add_to_basket"], data=body,
                                     headers={"Referer": base + urls["product"]})
    try:
        opener.open(request)
    except urllib.error.HTTPError as exc:  # the redirect after adding: its cookies are already in the jar
        if exc.code not in (301, 302, 303):
            raise
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "basket" not in cookies:
        raise RuntimeError(f"Adding to the basket at {base} set no basket cookie (cookies: {cookies})")
    return cookies


LUA = """
wrk.method = %(method)s
wrk.body = %(body)s
wrk.headers["Cookie"] = %(cookie)s
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Referer"] = %(referer)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"errors": %%d, "non_2xx_3xx": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(base, path, duration, connections, threads, workdir, method="GET", body="", cookie=""):
    script = workdir / "wrk.lua"
    script.write_text(LUA % {"method": lua_string(method), "body": lua_string(body),
                             "cookie": lua_string(cookie or f"csrftoken={CSRF}"), "referer": lua_string(base + "/")})
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s",
         "-s", str(script), base + path],
        capture_output=True, text=True, check=True,
    ).stdout
    line = next((line for line in out.splitlines() if line.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary for {path}:\n{out}")
    data = json.loads(line[len("WRKJSON "):])
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50"] / 1000, "p95_ms": data["p95"] / 1000, "p99_ms": data["p99"] / 1000,
        "errors": data["errors"] + data["non_2xx_3xx"], "requests": data["requests"],
    }


def probe(env, urls=None):
    command = [sys.executable, str(ROOT / "bench" / "load" / "probe.py")]
    if urls:
        command += ["--urls", json.dumps(urls)]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name, env, app, urls, args, workdir, log):
    results = {}
    with gunicorn(env, app, args.workers) as base:
        cookie = basket_cookie(base, urls) if "basket" in args.pages else ""
        for page in args.pages:
            kwargs = {}
            if page == "add_to_basket":
                kwargs = {"method": "POST", "body": f"quantity=1&csrfmiddlewaretoken={CSRF}"}
            elif page == "basket":
                kwargs = {"cookie": cookie}
            wrk(base, urls[page], args.warmup, args.connections, args.threads, workdir, **kwargs)  # warm-up
            results[page] = wrk(base, urls[page], args.duration, args.connections, args.threads, workdir, **kwargs)
            r = results[page]
            log(f"  {name:<22} {page:<14} {r['rps']:9.1f} req/s  p95 {r['p95_ms']:8.1f} ms  errors {r['errors']}")
    return results


def table(runs, queries, pages=PAGES):
    """The figures per page and configuration, and each storefront configuration's throughput over stock Oscar's."""
    names = {"cached": "storefront (cached)", "uncached": "storefront (uncached)", "stock": "stock Oscar"}
    ratios = [name for name in ("cached", "uncached") if name in runs and "stock" in runs]
    head = (f"{'page':<14}" + "".join(f"| {names[n]:^38} " for n in runs)
            + "".join(f"| ratio {name}/stock " for name in ratios))
    sub = f"{'':<14}" + "".join(f"| {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>4} {'q':>3} " for _ in runs) + "|"
    lines = [head, sub, "-" * len(head)]
    for page in pages:
        row = f"{page:<14}"
        for name in runs:
            r = runs[name][page]
            row += (f"| {r['rps']:8.1f} {r['p50_ms']:6.1f} {r['p95_ms']:6.1f} {r['p99_ms']:6.1f} {r['errors']:>4} "
                    f"{queries[name][page]:>3} ")
        for name in ratios:
            width = len(f" ratio {name}/stock ") - 2
            row += f"| {runs[name][page]['rps'] / runs['stock'][page]['rps']:{width}.1f}x "
        lines.append(row)
    lines.append("latencies in ms; q = database queries per request; ceiling = fixed response through the same stack")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--database", default="perf_load", help="PostgreSQL database to create or reuse.")
    parser.add_argument("--reset", action="store_true", help="Drop the database and build it again.")
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per page and configuration.")
    parser.add_argument("--warmup", type=int, default=2,
                        help="Seconds of untimed load per page first (each worker's first search loads the index).")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-load"))
    parser.add_argument("--only", choices=["cached", "uncached", "stock"], action="append",
                        help="Measure only these configurations (repeatable); ratios need stock Oscar's.")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"Comma-separated subset of the pages to load (default all: {','.join(PAGES)}).")
    parser.add_argument("--json", help="Also write the results to this file.")
    args = parser.parse_args()
    args.pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    if set(args.pages) - set(PAGES):
        parser.error(f"unknown pages: {', '.join(sorted(set(args.pages) - set(PAGES)))}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"

    def log(message):
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    create_database(args.database, drop=args.reset)
    envs = {
        "cached": (storefront_env(workdir, database_url, True), "storefront.wsgi"),
        "uncached": (storefront_env(workdir, database_url, False), "storefront.wsgi"),
        "stock": (stock_env(workdir, database_url), "stock_oscar.wsgi"),
    }
    prepare(envs["cached"][0], envs["stock"][0], args.products, log)
    found = probe(envs["uncached"][0])
    urls = found["urls"]
    log("pages: " + json.dumps(urls))
    stock_urls = {**urls, **probe(envs["stock"][0])["urls"]}  # stock Oscar's own home and facet link
    for page in ("category", "product", "add_to_basket", "basket", "ceiling"):
        stock_urls[page] = urls[page]
    wanted = args.only or ["cached", "uncached", "stock"]
    queries, runs = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in wanted:
            env, app = envs[name]
            flush_redis(6 if name == "stock" else 5)
            page_urls = stock_urls if name == "stock" else urls
            queries[name] = probe(env, page_urls)["queries"]
            flush_redis(6 if name == "stock" else 5)
            log(f"{name}: queries per request {queries[name]}")
            runs[name] = measure(name, env, app, page_urls, args, Path(scratch), log)
    result = {"urls": {"storefront": urls, "stock": stock_urls}, "queries": queries, "runs": runs,
              "settings": vars(args), "seconds": round(time.monotonic() - started)}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(table(runs, queries, args.pages))
    print(f"{args.products} products, gunicorn {args.workers} sync workers, wrk {args.connections} connections "
          f"x {args.duration} s per page; took {result['seconds']} s")


if __name__ == "__main__":
    main()
