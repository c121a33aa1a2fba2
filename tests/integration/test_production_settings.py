"""Production settings: a wrong or missing setting stops the process at start,
with a message that names it; a complete configuration passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="storefront.settings.production", **env_overrides)
    # the checkout these tests live in, not whichever copy is installed
    env["PYTHONPATH"] = os.pathsep.join(str(ROOT / folder) for folder in ("site", "plugins"))
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://shop@127.0.0.1:5432/shop",
}


def test_missing_secret_key_is_a_clear_error():
    result = manage("check", **{k: v for k, v in GOOD.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required" in result.stderr


def test_weak_secret_key_is_refused():
    result = manage("check", **{**GOOD, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_bad_database_url_is_a_clear_error():
    result = manage("check", **{**GOOD, "DATABASE_URL": "mysql://root@localhost/shop"})
    assert result.returncode != 0
    assert "DATABASE_URL has the scheme 'mysql'" in result.stderr


def test_missing_allowed_hosts_is_a_clear_error():
    result = manage("check", **{k: v for k, v in GOOD.items() if k != "ALLOWED_HOSTS"})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required in production" in result.stderr


def test_complete_configuration_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("cache_url", "expected"),
    [("locmem://", "False 0"), ("redis://127.0.0.1:6379/1", "True 300")],
)
def test_page_and_fragment_caches_are_on_only_with_a_shared_cache(cache_url, expected):
    # A purge bumps a number in the cache: with a per-process cache it would not reach the other workers.
    code = "from django.conf import settings as s; print(s.STOREFRONT_PAGE_CACHE, s.STOREFRONT_FRAGMENT_CACHE_SECONDS)"
    result = manage("shell", "-c", code, **GOOD, CACHE_URL=cache_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == expected.split()  # after the shell's own lines
