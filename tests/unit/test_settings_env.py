"""The environment readers: good values are parsed, bad ones name the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from storefront.settings import env


def test_database_defaults_to_sqlite_with_concurrency_options(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.database_from_env(tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_database_url_for_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shop:secret@db.internal:5433/shop")
    config = env.database_from_env("unused", conn_max_age=600)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.internal", 5433, "shop", "shop")
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://root@localhost/shop", "scheme 'mysql'"),
        ("postgres://localhost:5432", "names no database"),
        ("not a url", "scheme ''"),
    ],
)
def test_bad_database_url_names_the_problem(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as excinfo:
        env.database_from_env("unused")
    assert message in str(excinfo.value)


def test_cache_url(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    assert env.cache_from_env()["BACKEND"] == "django_redis.cache.RedisCache"
    monkeypatch.setenv("CACHE_URL", "memcached://x")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL has the scheme 'memcached'"):
        env.cache_from_env()


def test_email_url(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user%40x:p%40ss@mail.example.com")
    config = env.email_from_env()
    assert config["EMAIL_HOST"] == "mail.example.com"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "user@x"
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True
    monkeypatch.setenv("EMAIL_URL", "carrier-pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email_from_env()


def test_booleans_and_numbers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env.env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env.env_bool("FLAG")
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT='ten' is not a whole number"):
        env.env_int("COUNT", 1)


def test_required_variable(monkeypatch):
    monkeypatch.delenv("SOMETHING_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOMETHING_REQUIRED is required"):
        env.env_str("SOMETHING_REQUIRED", required=True)
