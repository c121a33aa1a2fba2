"""Parts of a page that are the same for every anonymous visitor, cached where the whole page is not.

The page cache (storefront.caching.middleware) serves a page whole only to a
visitor with no cookie but the CSRF one. A visitor with a basket, a message
or a viewing history (a second product page) misses it, and their page is
rendered afresh, though most of it is what every anonymous visitor sees. A
fragment is such a part: ``{% cached_fragment "name" facts %}...{% endcached_fragment %}``
(storefront.caching.templatetags) renders its content once and serves it
from the cache until something it depends on changes.

The key names everything a fragment depends on beyond its own content:
the page cache's purge generation (any edit that purges pages purges
fragments too, under the same rules, STOREFRONT_PAGE_CACHE_PURGE_MODELS),
the host, the Wagtail site, the theme, the language, the fragment's name,
the facts the template passes (a product's change stamp and stock, say) and
the local date (a product's freshness, "harvested 2 days ago", changes with
the day).
Fragments are only ever served to anonymous visitors: a signed-in buyer's
page shows their wish lists, alerts and review rights, and is rendered
afresh. The CSRF tokens of forms inside a fragment are stored as a
placeholder and replaced by the visitor's own token when served.

STOREFRONT_FRAGMENT_CACHE_SECONDS (default 300, as the page cache) bounds
how long anything else can lag;
0 turns fragments off. Kept in this process first (a bounded LRU) and in the
shared cache second, as product cards are (storefront.search.cards).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .keys import current_generation
from .lru import TimedLRU

CSRF_PLACEHOLDER = "storefront-fragment-csrf-placeholder"
LOCAL_FRAGMENTS = 2000


local_fragments = TimedLRU(LOCAL_FRAGMENTS)


def fragment_seconds():
    return int(getattr(settings, "STOREFRONT_FRAGMENT_CACHE_SECONDS", 300))


def fragments_apply(request):
    """Whether this request may be served cached fragments: an anonymous visitor, with fragments on."""
    if request is None or fragment_seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def fragment_key(request, name, facts):
    site = getattr(request, "_wagtail_site", None)
    parts = (
        current_generation(request),
        request.get_host(),
        site.pk if site is not None else None,
        getattr(getattr(request, "theme", None), "name", None),
        get_language(),
        name,
        facts,
        # Fragments say how long ago produce was harvested and sell nothing past its best-before:
        # each day has its own keys, so yesterday's "harvested today" is never served.
        timezone.localdate().isoformat(),
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"fragment:v1:{digest}"


def cached_fragment(request, name, facts, render):
    """The fragment's HTML for this request: from the cache, or ``render()`` (called with the CSRF placeholder) and stored."""
    key = fragment_key(request, name, facts)
    seconds = fragment_seconds()
    html = local_fragments.fresh(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = render()
            cache.set(key, html, seconds)
        local_fragments.put(key, html, seconds)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return html
