"""Product cards for result pages: Oscar's card partial, rendered once and cached.

Rendering Oscar's card (image thumbnail, price, stock, add-to-basket form,
plugin badges) costs a few milliseconds a card, which on a page of 24 is most
of a search page's time. A card's HTML depends on the product, its stock
records and images, the site (host and theme), the language and whether the
buyer is signed in, so it is cached under a key made of exactly those (and
the day: a card says how many days ago its produce was harvested); a change
to any of them makes a new key. The key also carries the page cache's
purge generation (storefront.caching), which an edit of a site, theme or
plugin setting bumps, so a plugin switched off takes its badges off the cards
at once where caching is on; SEARCH_CARD_CACHE_SECONDS (default 300) bounds
how long anything else a card shows can lag.
The CSRF token of the add-to-basket form is the one per-request part: cards
are rendered with a placeholder that is replaced by this request's token.

Set SEARCH_CARD_CACHE_SECONDS = 0 to render every card on every request (for
example with a pricing strategy that differs per buyer).

Cards are kept in this process first (a bounded LRU: Django's local-memory
cache, the embedded default, holds only 300 entries in all, fewer than a few
pages of cards) and in the shared cache second. A key changes whenever what
the card shows changes, so a process never needs telling that its copy is old.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template import RequestContext
from django.template.loader import select_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from storefront.caching.keys import current_generation
from storefront.caching.lru import TimedLRU

CSRF_PLACEHOLDER = "storefront-card-csrf-placeholder"
LOCAL_CARDS = 5000  # about 15 MB of HTML per process

local_cards = TimedLRU(LOCAL_CARDS)  # rendered cards with their expiry times


def card_cache_seconds():
    return int(getattr(settings, "SEARCH_CARD_CACHE_SECONDS", 300))


def card_key(request, facts):
    """The cache key of a product's card: `facts` is its service.CardFacts (change stamp, stock, images)."""
    stock = [(pk, str(price), num_in_stock, num_allocated) for pk, price, num_in_stock, num_allocated in facts.stock]
    images = [(pk, str(original)) for pk, original in facts.images]
    parts = (
        current_generation(request),
        request.get_host(),
        get_language(),
        request.user.is_authenticated,
        facts.pk,
        facts.date_updated.isoformat() if facts.date_updated else "",
        facts.rating,
        stock,
        images,
        facts.batches,
        # Cards say how fresh the produce is ("Harvested 2 days ago") and sell nothing past its
        # best-before: a card rendered yesterday is never shown today.
        timezone.localdate().isoformat(),
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"search:card:v2:{digest}"


def card_template(product):
    """Oscar's choice of card template (as its render_product tag makes it): by UPC, by class, or the default."""
    names = [
        f"oscar/catalogue/partials/product/upc-{product.upc}.html",
        f"oscar/catalogue/partials/product/class-{product.get_product_class().slug}.html",
        "oscar/catalogue/partials/product.html",
    ]
    return select_template(names)


def render_card(request, product):
    return card_template(product).render({"product": product, "csrf_token": CSRF_PLACEHOLDER}, request)


class CardRenderer:
    """Renders many cards in one request context: the context processors run once per page, not once per card."""

    def __init__(self, request):
        self.request = request
        self.context = None
        self._bound = None

    def render(self, product):
        template = card_template(product).template
        if self.context is None:
            self.context = RequestContext(self.request)
            self._bound = self.context.bind_template(template)
            self._bound.__enter__()
            self.context.push(csrf_token=CSRF_PLACEHOLDER)
        with self.context.push(product=product):
            return template.render(self.context)

    def close(self):
        if self._bound is not None:
            self._bound.__exit__(None, None, None)
            self._bound = None


def _prefetch_badges(request, products):
    """Plugins' badges for every card about to be rendered, in one batch (the plugin host, if installed)."""
    try:
        from storefront.plugins.badges import prefetch_badges
    except ImportError:
        return
    prefetch_badges(request, products)


def attach_cards(request, results):
    """Set result.card_html on each result: from the cache where it can be, rendered where not.

    Keys come from each result's facts (service.CardFacts), so a page whose
    cards are all cached never loads its products; a card that must be
    rendered loads them, for the whole page in one batch.
    """
    if not results:
        return results
    seconds = card_cache_seconds()
    keys = [card_key(request, result.facts) for result in results] if seconds > 0 else []
    cached = local_cards.get_many(keys) if keys else {}
    missing = [key for key in keys if key not in cached]
    if missing:
        shared = cache.get_many(missing)
        if shared:
            local_cards.set_many(shared, seconds)
            cached.update(shared)
    fresh = {}
    token = get_token(request)
    _prefetch_badges(request, [r.object for i, r in enumerate(results) if not keys or keys[i] not in cached])
    renderer = CardRenderer(request)
    try:
        for position, result in enumerate(results):
            html = cached.get(keys[position]) if keys else None
            if html is None:
                if result.object is None:  # deleted since the page was read: nothing to show
                    html = ""
                else:
                    html = renderer.render(result.object)
                    if keys:
                        fresh[keys[position]] = html
            result.card_html = mark_safe(html.replace(CSRF_PLACEHOLDER, token))
    finally:
        renderer.close()
    if fresh:
        local_cards.set_many(fresh, seconds)
        cache.set_many(fresh, seconds)
    return results
