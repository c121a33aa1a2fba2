"""Answers kept in this process for one purge generation: no cache round trip for what every request asks.

Every request needs its Wagtail Site, the plugins enabled there and its
theme, and every page the category menu. Each is cached in the shared cache
(one round trip each); what they depend on (sites, plugin settings, theme
settings, categories) is in STOREFRONT_PAGE_CACHE_PURGE_MODELS, so any edit
to it bumps the purge generation, which SiteCacheMiddleware reads once per
request anyway. Kept here under that generation, they cost no round trip
until the next purge: a purge in any process bumps the shared generation,
and every process drops its answers on its next request. Answers also
expire after LOCAL_SECONDS, a bound for a change that skipped the purge.

Only with the site cache on (STOREFRONT_SITE_CACHE, production); without it
every call computes afresh, as before.
"""

import threading
import time

from django.conf import settings

from .keys import current_generation

LOCAL_SECONDS = 60
MAX_ANSWERS = 1000  # host names come from requests: a flood of made-up hosts must not grow this without bound

_lock = threading.Lock()
_generation = None
_expires = 0.0
_answers = {}


def per_generation(request, key, compute):
    """``compute()``'s answer for ``key``, computed once per process and purge generation."""
    global _generation, _expires, _answers
    if not settings.STOREFRONT_SITE_CACHE:
        return compute()
    generation = current_generation(request)
    now = time.monotonic()
    with _lock:
        if generation != _generation or now >= _expires or len(_answers) >= MAX_ANSWERS:
            _generation, _expires, _answers = generation, now + LOCAL_SECONDS, {}
        answers = _answers
        if key in answers:
            return answers[key]
    value = compute()
    with _lock:
        answers[key] = value  # into the dict of the generation it was computed for
    return value

