"""Production: everything from the environment, and nothing insecure by default.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. A missing or malformed one
stops the process at start with a message that names it.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .env import cache_from_env, database_from_env, env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production: a comma-separated list of host names.")
env_str("DATABASE_URL", required=True)
# Keep connections open between requests, checked before reuse.
DATABASES = {"default": database_from_env("unused", conn_max_age=env_int("CONN_MAX_AGE", 600))}
CACHES = {"default": cache_from_env(default="locmem://")}
# Pages are purged through the cache itself, so a per-process cache would let
# other workers serve a stale page: the page cache needs a shared one (Redis).
STOREFRONT_PAGE_CACHE = env_bool("STOREFRONT_PAGE_CACHE", "LocMemCache" not in CACHES["default"]["BACKEND"])
# Fragments of pages are purged the same way, so they too need a shared cache.
STOREFRONT_FRAGMENT_CACHE_SECONDS = env_int(
    "STOREFRONT_FRAGMENT_CACHE_SECONDS", 0 if "LocMemCache" in CACHES["default"]["BACKEND"] else 300
)

STORAGES = {
    "default": STORAGES["default"],  # noqa: F405  (files under MEDIA_ROOT, or the MEDIA_S3_* bucket: base.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Cookies only over HTTPS. SECURE_COOKIES=false is for a local benchmark over plain HTTP.
SECURE_COOKIES = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
OSCAR_BASKET_COOKIE_SECURE = SECURE_COOKIES
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = SECURE_COOKIES
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN
OSCAR_URL_SCHEMA = "https"
