"""The test suite: fast hashing, in-memory cache and mail, eager tasks.

DATABASE_URL still decides the database, so the same suite runs on SQLite and
on PostgreSQL.
"""

import os

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process unless a test starts a real worker itself.
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
# Uploads are files served by the application, whatever MEDIA_S3_* says;
# tests/integration/test_media_s3.py points the storage at an S3 server itself.
MEDIA_URL = "/media/"
STOREFRONT_SERVE_MEDIA = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# A file-based SQLite test database, so `pytest --reuse-db` skips the ~40 s of
# migrations on the next run (Django's keepdb still applies new migrations).
# STOREFRONT_TEST_DB gives concurrent runs on one machine a file each.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("STOREFRONT_TEST_DB") or str(VAR_DIR / "test-db.sqlite3"),
    }

# The page cache is off in tests: a test's saves are never committed, so its
# purges never run and a page cached earlier in the test would be stale.
# tests/functional/test_page_cache.py turns it on.
STOREFRONT_PAGE_CACHE = False
# Likewise the site-for-host cache and the category menu: tests create sites
# and categories without committing.
STOREFRONT_SITE_CACHE = False
STOREFRONT_CATEGORY_TREE_CACHE = False
# And cached fragments of pages; tests/functional/test_fragment_cache.py turns them on.
STOREFRONT_FRAGMENT_CACHE_SECONDS = 0
