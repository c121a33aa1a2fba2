"""Lighthouse performance score of a product page, served as in production (gunicorn, PostgreSQL, Redis).

Uses the load benchmark's database (run bench/load/run.py once first), the
system chromium and a lighthouse installed from npm beforehand (nothing is
downloaded here):

    npm install --prefix var/lighthouse lighthouse@12
    .venv/bin/python bench/load/lighthouse.py [--lighthouse var/lighthouse/node_modules/.bin/lighthouse]

Prints the performance score and the main metrics (Lighthouse's default
mobile profile: simulated slow 4G and a 4x slower CPU) and writes the full
JSON report to var/bench-load/lighthouse-product.json.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._server import ROOT  # noqa: E402
from bench.load.run import gunicorn, probe, storefront_env  # noqa: E402

METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default=str(ROOT / "var" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"))
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("--database", default="perf_load")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-load"))
    parser.add_argument("--page-cache", choices=["on", "off"], default="on")
    args = parser.parse_args()
    for path, what in ((args.lighthouse, "lighthouse (npm install --prefix var/lighthouse lighthouse@12)"),
                       (args.chrome, "chromium")):
        if not Path(path).exists():
            sys.exit(f"{what} not found at {path}")
    workdir = Path(args.workdir)
    env = storefront_env(workdir, f"postgres://postgres@127.0.0.1:5432/{args.database}", args.page_cache == "on")
    url_path = probe(env)["urls"]["product"]
    report = workdir / "lighthouse-product.json"
    with gunicorn(env, "storefront.wsgi", 2) as base:
        subprocess.run(
            [args.lighthouse, base + url_path, "--only-categories=performance", "--output=json",
             f"--output-path={report}", "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env={**os.environ, "CHROME_PATH": args.chrome}, check=True,
        )
    data = json.loads(report.read_text())
    score = round(data["categories"]["performance"]["score"] * 100)
    print(f"Lighthouse performance {score} for {url_path} (page cache {args.page_cache})")
    for metric in METRICS:
        audit = data["audits"][metric]
        print(f"  {audit['title']}: {audit['displayValue']}")


if __name__ == "__main__":
    main()
