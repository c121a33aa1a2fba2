"""GET /healthz: JSON for load balancers, 200 when healthy and 503 when not."""

import pytest

from storefront.ops import views


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_a_failing_service_gives_503_and_names_it(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(views.CHECKS, "broker", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionError: connection refused", "ms": body["checks"]["broker"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_broker_check_with_an_unreachable_broker(settings):
    from storefront.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        with pytest.raises(Exception, match="(?i)connect"):
            views.check_broker()
    finally:
        app.conf.broker_url = original


@pytest.mark.django_db
def test_ping_answers_a_fixed_response(client):
    response = client.get("/ping")
    assert (response.status_code, response.content) == (200, b"ok")
