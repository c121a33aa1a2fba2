"""GET /healthz: is every backing service reachable?

Answers 200 when all checks pass and 503 when any fails, so a load balancer
takes the instance out of rotation; the JSON body names what failed.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache():
    key = "healthz:probe"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok" and "DummyCache" not in settings.CACHES["default"]["BACKEND"]:
        raise RuntimeError("cache did not return the value just written")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager (tasks run in-process)"}
    from storefront.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"transport": conn.transport.driver_type}


def check_search():
    """Ask the search backend itself: the embedded one reads its document table, Elasticsearch pings its cluster."""
    from haystack import connections

    backend = connections["default"].get_backend()
    detail = backend.ping() or {}  # raises when search cannot answer
    return {"engine": settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"].rsplit(".", 1)[-1], **detail}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "search": check_search,
}


@never_cache
@require_GET
def healthz(request):
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Exception as exc:  # any failure of a backing service is reported, not raised
            healthy = False
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": results}, status=200 if healthy else 503)


def ping(request):
    """GET /ping: a fixed response through the whole middleware stack, no database or cache read.

    The load benchmark's ceiling (bench/load/run.py): how fast this server
    answers at all, to set each page's figures against.
    """
    return HttpResponse(b"ok", content_type="text/plain")
