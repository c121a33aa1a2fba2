"""Read configuration from the environment, with working embedded defaults.

Every value that differs between machines comes through one of these helpers,
so a wrong value fails at start with a message that names the variable and the
fix, instead of failing later inside a request.
"""

import os
import re
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(
                f"The environment variable {name} is required here but is not set."
            )
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def database_from_env(default_sqlite_path, *, conn_max_age=0):
    """DATABASES['default'] from DATABASE_URL (SQLite file by default)."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite_path}"
    scheme = urlparse(url).scheme
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL has the scheme {scheme!r}, which this project does not "
            f"support. Use sqlite:///path/to/db.sqlite3 or "
            f"postgres://user:password@host:5432/name."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no SQLite file: use sqlite:///path/to/db.sqlite3.")
        # Concurrency for the embedded default: WAL lets readers run while one
        # writer writes, a busy timeout waits for the lock instead of failing with
        # "database is locked", and IMMEDIATE transactions take the write lock
        # up front so two writers never deadlock upgrading a read lock.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    elif not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database: add /name after the host.")
    return config


def cache_from_env(name="CACHE_URL", default="locmem://"):
    """CACHES['default'] from CACHE_URL: locmem://, dummy://, redis://host:port/db."""
    url = os.environ.get(name) or default
    parsed = urlparse(url)
    if parsed.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parsed.netloc or "default"}
    if parsed.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if parsed.scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    raise ImproperlyConfigured(
        f"{name} has the scheme {parsed.scheme!r}; use locmem://, dummy:// or redis://host:6379/0."
    )


def email_from_env(default="console://"):
    """Email settings from EMAIL_URL: console://, file:///dir, locmem://, smtp(+tls|+ssl)://user:pass@host:port."""
    url = os.environ.get("EMAIL_URL") or default
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parsed.path}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        if not parsed.hostname:
            raise ImproperlyConfigured("EMAIL_URL names no SMTP host: use smtp+tls://user:password@host:587.")
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname,
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
            "EMAIL_TIMEOUT": int(query.get("timeout", ["10"])[0]),
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL has the scheme {scheme!r}; use console://, file:///dir, locmem:// or smtp+tls://user:pass@host:587."
    )


# Uploaded media in an S3-compatible object store (storefront.media.storage).
MEDIA_S3_VARIABLES = (
    "MEDIA_S3_BUCKET", "MEDIA_S3_ENDPOINT_URL", "MEDIA_S3_REGION", "MEDIA_S3_ACCESS_KEY_ID",
    "MEDIA_S3_SECRET_ACCESS_KEY", "MEDIA_S3_PUBLIC_URL", "MEDIA_S3_QUERYSTRING_AUTH",
    "MEDIA_S3_QUERYSTRING_EXPIRE", "MEDIA_S3_ADDRESSING_STYLE", "MEDIA_S3_PREFIX",
)
# AWS's rules for bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens.
BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
ADDRESSING_STYLES = ("path", "virtual")


def _env_http_url(name):
    """An http(s) URL with a host from the variable `name`, without a trailing slash, or None when unset."""
    value = env_str(name)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.query or parsed.fragment:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an http(s) URL with a host: use e.g. https://media.example.com"
            + (" (no ?query or #fragment)" if parsed.query or parsed.fragment else "")
            + "."
        )
    return value.rstrip("/")


def media_storage_from_env():
    """Where uploads go: (STORAGES['default'] entry, MEDIA_URL), or (None, None) for files on this machine.

    With no MEDIA_S3_BUCKET, uploads are files under MEDIA_ROOT, served at
    /media/ by the application (storefront.media.views). With it, they go to
    the bucket through django-storages' S3 backend:

    - an S3-compatible server (MinIO, Ceph, moto, ...): MEDIA_S3_ENDPOINT_URL
      plus MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY;
    - AWS S3: MEDIA_S3_REGION, and the keys or boto3's own credentials
      (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance or task role).

    File URLs are signed and expire (MEDIA_S3_QUERYSTRING_EXPIRE seconds) so
    the bucket can stay private; MEDIA_S3_PUBLIC_URL (a CDN or a public
    bucket) gives plain URLs on that address instead.
    """
    bucket = env_str("MEDIA_S3_BUCKET")
    if bucket is None:
        stray = [name for name in MEDIA_S3_VARIABLES if os.environ.get(name)]
        if stray:
            raise ImproperlyConfigured(
                f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} set but MEDIA_S3_BUCKET is not: "
                f"set MEDIA_S3_BUCKET to keep uploads in that bucket, or unset {'it' if len(stray) == 1 else 'them'} "
                f"to keep them under MEDIA_ROOT."
            )
        return None, None
    if not BUCKET_NAME_RE.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            f"MEDIA_S3_BUCKET={bucket!r} is not a bucket name: 3 to 63 lower-case letters, digits, dots "
            f"and hyphens, starting and ending with a letter or digit."
        )
    endpoint = _env_http_url("MEDIA_S3_ENDPOINT_URL")
    region = env_str("MEDIA_S3_REGION")
    if region is not None and not REGION_RE.match(region):
        raise ImproperlyConfigured(f"MEDIA_S3_REGION={region!r} is not a region name: use e.g. eu-west-2.")
    access_key = env_str("MEDIA_S3_ACCESS_KEY_ID")
    secret_key = env_str("MEDIA_S3_SECRET_ACCESS_KEY")
    if (access_key is None) != (secret_key is None):
        given, missing = (("MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY") if secret_key is None
                          else ("MEDIA_S3_SECRET_ACCESS_KEY", "MEDIA_S3_ACCESS_KEY_ID"))
        raise ImproperlyConfigured(f"{given} is set but {missing} is not: an access key needs both halves.")
    if endpoint is not None and access_key is None:
        raise ImproperlyConfigured(
            "MEDIA_S3_ENDPOINT_URL points at an S3-compatible server, which needs MEDIA_S3_ACCESS_KEY_ID and "
            "MEDIA_S3_SECRET_ACCESS_KEY (that server's access key)."
        )
    if endpoint is None and region is None:
        raise ImproperlyConfigured(
            "MEDIA_S3_REGION is required with AWS S3 (MEDIA_S3_BUCKET without MEDIA_S3_ENDPOINT_URL): the "
            "bucket's region, e.g. eu-west-2. For another S3-compatible server set MEDIA_S3_ENDPOINT_URL."
        )
    # MinIO and most other servers answer on one host (path style); AWS prefers bucket.s3.region.amazonaws.com.
    addressing_style = env_str("MEDIA_S3_ADDRESSING_STYLE", "path" if endpoint else "virtual")
    if addressing_style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"MEDIA_S3_ADDRESSING_STYLE={addressing_style!r} is not one of: {', '.join(ADDRESSING_STYLES)}."
        )
    prefix = (env_str("MEDIA_S3_PREFIX", "") or "").strip("/")
    if prefix and any(part in {"", ".", ".."} for part in prefix.split("/")):
        raise ImproperlyConfigured(f"MEDIA_S3_PREFIX={prefix!r} is not a folder name such as media or shop/media.")
    public_url = _env_http_url("MEDIA_S3_PUBLIC_URL")
    querystring_auth = env_bool("MEDIA_S3_QUERYSTRING_AUTH", public_url is None)
    if public_url is not None and querystring_auth:
        raise ImproperlyConfigured(
            "MEDIA_S3_QUERYSTRING_AUTH=true cannot sign URLs on MEDIA_S3_PUBLIC_URL: a public address serves "
            "plain URLs. Unset one of them."
        )
    querystring_expire = env_int("MEDIA_S3_QUERYSTRING_EXPIRE", 3600)
    if querystring_expire < 60 or querystring_expire > 7 * 24 * 3600:
        raise ImproperlyConfigured(
            f"MEDIA_S3_QUERYSTRING_EXPIRE={querystring_expire} is out of range: give seconds between 60 and "
            f"604800 (S3's limit for a signed URL is 7 days)."
        )
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": region or "us-east-1",
        "addressing_style": addressing_style,
        "signature_version": "s3v4",
        "location": prefix,
        "querystring_auth": querystring_auth,
        "querystring_expire": querystring_expire,
        # A second upload with the same name gets a new name, as on the file system, instead of
        # replacing the first product's image.
        "file_overwrite": False,
        # Objects get no ACL of their own: the bucket's policy decides who reads them.
        "default_acl": None,
    }
    if access_key is not None:
        options.update(access_key=access_key, secret_key=secret_key)
    if public_url is not None:
        parsed = urlparse(public_url)
        options.update(custom_domain=parsed.netloc + parsed.path, url_protocol=f"{parsed.scheme}:")
        base = public_url
    elif endpoint is not None:
        base = f"{endpoint}/{bucket}" if addressing_style == "path" else _virtual_host_url(endpoint, bucket)
    elif addressing_style == "path":
        base = f"https://s3.{options['region_name']}.amazonaws.com/{bucket}"
    else:
        base = f"https://{bucket}.s3.{options['region_name']}.amazonaws.com"
    media_url = f"{base}/{prefix}/" if prefix else f"{base}/"
    return {"BACKEND": "storefront.media.storage.MediaS3Storage", "OPTIONS": options}, media_url


def _virtual_host_url(endpoint, bucket):
    parsed = urlparse(endpoint)
    return f"{parsed.scheme}://{bucket}.{parsed.netloc}{parsed.path}"


def origin_of(url):
    """scheme://host[:port] of an absolute URL (for the Content Security Policy), or None for a path."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else None
