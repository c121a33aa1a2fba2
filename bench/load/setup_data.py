"""Prepare the load benchmark's database: PostgreSQL with the storefront's schema, demo pages and 10,000 products.

Run by bench/load/run.py (or alone). Steps, each skipped when already done:
create the database, migrate, load the demo content (home page, categories),
generate the synthetic catalogue, rebuild the storefront's search index,
collect static files (production serves fingerprinted files), build stock
Oscar's Whoosh index over the same products, and refresh PostgreSQL's
planner statistics (both projects read the same tables, so both gain).
"""

import subprocess
import sys

from bench._server import ROOT, manage

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def database_exists(name, admin_url=PG_ADMIN_URL):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def create_database(name, admin_url=PG_ADMIN_URL, drop=False):
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def product_count(database_url):
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        try:
            return conn.execute("SELECT count(*) FROM catalogue_product").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def analyze(database_url):
    """Fresh planner statistics: straight after a bulk load PostgreSQL guesses a few rows per table."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("ANALYZE")


def prepare(env, stock_env, products, log=print):
    """Everything the servers need, on the database named by env['DATABASE_URL']."""
    rebuilt = prepare_storefront(env, products, log)
    prepare_stock_oscar(stock_env, rebuilt, log)
    analyze(env["DATABASE_URL"])


def prepare_storefront(env, products, log=print):
    """The storefront's schema, demo pages, catalogue, search index and static files; True if the catalogue was (re)built."""
    have = product_count(env["DATABASE_URL"])
    if have < products:
        log("migrating (about a minute)")
        manage(env, "migrate", "--verbosity", "0")
        log("loading demo content (home page, categories, growers)")
        manage(env, "load_demo")
        log(f"generating {products - have} synthetic products")
        subprocess.run([sys.executable, str(ROOT / "bench" / "catalogue_generator.py"), "--products",
                        str(products - have)], env=env, cwd=ROOT, check=True)
        log("rebuilding the storefront's search index")
        manage(env, "rebuild_search_index")
        built = True
    else:
        log(f"database already holds {have} products: reusing it")
        built = False
    log("collecting static files")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return built


def prepare_stock_oscar(stock_env, stale_stock_index, log=print):
    """Stock Oscar's Whoosh index over the same products (built again when the catalogue was) and its static files."""
    stock_manage = [sys.executable, str(ROOT / "bench" / "load" / "stock_oscar" / "manage.py")]
    from pathlib import Path

    whoosh_dir = Path(stock_env["STOCK_OSCAR_WHOOSH_PATH"])
    built = whoosh_dir / "complete"  # written last: an index stopped half-way is built again
    if stale_stock_index or not built.exists():
        log("building stock Oscar's Whoosh index (about 8 minutes for 10,000 products)")
        built.unlink(missing_ok=True)
        subprocess.run([*stock_manage, "rebuild_index", "--noinput", "--verbosity", "0"],
                       env=stock_env, cwd=ROOT, check=True)
        built.write_text("rebuild_index finished\n")
    subprocess.run([*stock_manage, "collectstatic", "--noinput", "--verbosity", "0"],
                   env=stock_env, cwd=ROOT, check=True)
