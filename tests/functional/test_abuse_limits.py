"""Rate limits answer 429 with Retry-After and a message; security headers are sent;
HTML that sellers write is stored inert."""

import pytest
from django.urls import reverse
from oscar.test import factories

from storefront.security import ratelimit
from storefront.security.sanitize import clean_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    settings.STOREFRONT_RATE_LIMITS = {
        "login": {"url_names": ["customer:login"], "rate": "3/m", "keys": ["ip", "account"],
                  "account_fields": ["login-username"]},
        "password_reset": {"url_names": ["password-reset"], "rate": "2/h", "keys": ["ip", "account"],
                           "account_fields": ["email"]},
        "search": {"url_names": ["search:search"], "methods": ["GET"], "rate": "5/m", "keys": ["ip"]},
        "payment": {"url_names": ["checkout:preview"], "rate": "2/10m", "keys": ["basket", "ip"]},
    }


def login(client, email, ip):
    return client.post(reverse("customer:login"), {"login-username": email, "login-password": "wrong", "login_submit": "1"},
                       REMOTE_ADDR=ip)


def test_login_is_limited_per_ip(client, tight_limits):
    for i in range(3):
        assert login(client, f"user{i}@example.com", "10.0.0.1").status_code == 200
    response = login(client, "someone.else@example.com", "10.0.0.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many login attempts from your network address" in response.content.decode()
    # Another address is not affected.
    assert login(client, "other@example.com", "10.0.0.2").status_code == 200


def test_login_is_limited_per_account_across_addresses(client, tight_limits):
    for i in range(3):
        assert login(client, "victim@example.com", f"10.0.1.{i}").status_code == 200
    response = login(client, "VICTIM@example.com", "10.0.1.99")
    assert response.status_code == 429
    assert "for this account" in response.content.decode()


def test_password_reset_is_limited_per_account(client, tight_limits):
    url = reverse("password-reset")
    for i in range(2):
        assert client.post(url, {"email": "a@example.com"}, REMOTE_ADDR=f"10.0.2.{i}").status_code in (200, 302)
    assert client.post(url, {"email": "a@example.com"}, REMOTE_ADDR="10.0.2.50").status_code == 429


def test_search_is_limited_per_ip_and_answers_json_when_asked(client, tight_limits):
    url = reverse("search:search")
    for _ in range(5):
        assert client.get(url, {"q": "basil"}, REMOTE_ADDR="10.0.3.1").status_code == 200
    response = client.get(url, {"q": "basil"}, REMOTE_ADDR="10.0.3.1", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"


def test_payment_attempts_are_limited_per_basket(client, tight_limits):
    # Placing the order is where a card is charged: card testing shows up as
    # many attempts on one basket.
    user = factories.UserFactory()
    client.force_login(user)
    url = reverse("checkout:preview")
    # Each attempt from a different address, so only the per-basket count can trip.
    statuses = [client.post(url, {"action": "place_order"}, REMOTE_ADDR=f"10.0.4.{i}").status_code for i in range(3)]
    assert 429 not in statuses[:2]
    assert statuses[2] == 429


def test_a_bad_rate_setting_names_itself(settings):
    settings.STOREFRONT_RATE_LIMITS = {"login": {"url_names": ["customer:login"], "rate": "ten per minute"}}
    with pytest.raises(Exception, match=r"STOREFRONT_RATE_LIMITS\['login'\]\['rate'\] = 'ten per minute' is not a rate"):
        ratelimit.load_rules()


def test_security_headers(client):
    response = client.get("/healthz")
    csp = response["Content-Security-Policy"]
    assert "https://js.stripe.com" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    "dirty, forbidden",
    [
        ('<p>Fresh<script>alert(1)</script></p>', "<script"),
        ('<p onmouseover="alert(1)">Basil</p>', "onmouseover"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<img src=x onerror=alert(1)>', "onerror"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ],
)
def test_product_descriptions_are_stored_inert(client, dirty, forbidden):
    product = factories.create_product(title="Basil", description=dirty, price=3, num_in_stock=5)
    product.refresh_from_db()
    assert forbidden not in product.description
    assert forbidden not in clean_html(dirty)


def test_safe_formatting_is_kept():
    assert clean_html("<p><strong>Crisp</strong> <a href='https://x.example'>link</a></p>") == (
        '<p><strong>Crisp</strong> <a href="https://x.example" rel="noopener noreferrer nofollow">link</a></p>'
    )
