"""The plugin's settings, each prefixed VIBELUX_, with its default here (override in Django settings)."""

from django.conf import settings

DEFAULTS = {
    # Webhooks older or newer than this many seconds are refused (replay protection).
    "VIBELUX_WEBHOOK_TOLERANCE": 300,
    # Backoff after a failed pull: BASE * 2**(failures-1), at most MAX seconds.
    "VIBELUX_PULL_BACKOFF_BASE": 60,
    "VIBELUX_PULL_BACKOFF_MAX": 3600,
    # A pull holding the lease longer than this is presumed dead and the lease is taken over.
    "VIBELUX_PULL_LEASE_SECONDS": 600,
    "VIBELUX_PULL_PAGE_SIZE": 100,
    "VIBELUX_HTTP_TIMEOUT": 10,
    # How often beat looks for connections that are due a pull.
    "VIBELUX_PULL_CHECK_SECONDS": 60,
    # Sign-in tokens: RS256, verified against a PEM public key or a JWKS file.
    "VIBELUX_JWT_PUBLIC_KEY": "",
    "VIBELUX_JWT_PUBLIC_KEY_FILE": "",
    "VIBELUX_JWT_JWKS_FILE": "",
    "VIBELUX_JWT_AUDIENCE": "growers-storefront",
    "VIBELUX_JWT_ISSUER": "",
    "VIBELUX_JWT_LEEWAY": 30,
    # Largest upload accepted in the seller dashboard.
    "VIBELUX_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
