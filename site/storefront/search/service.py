"""Running a search for a page: the backend query, then the products from the database.

The views, the autocomplete endpoint and the saved-search alerts all come
through here, so they share validation, the backend call and the error
handling (SearchUnavailable means "show the search-unavailable page").

A page of results first reads only what a product card's cache key is made
of (the products' change stamps, stock records with their batches, and
images: two flat queries); the full products (Oscar's base queryset with its prefetches) are
loaded, for the whole page in one batch, only when something asks for a
result's `object`: a card that is not cached yet, or code that wants the
product itself.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from haystack import connections
from oscar.core.loading import get_model

from .backends.base import SearchUnavailable
from .query import InvalidSearch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardFacts:
    """What a product card shows that can change: its cache key is made of these (storefront.search.cards)."""

    pk: int
    date_updated: object
    rating: object
    stock: tuple  # ((stock record pk, price, num_in_stock, num_allocated), ...) by pk
    images: tuple  # ((image pk, original), ...) in display order
    batches: tuple = ()  # each stock record's stored batches (storefront.commerce.freshness), as stock is ordered


class PageProducts:
    """The full products of one page of results, loaded in one batch the first time any of them is wanted."""

    def __init__(self, pks):
        self.pks = list(pks)
        self._products = None

    def get(self, pk):
        if self._products is None:
            from storefront.commerce.catalogue.packs import pack_prefetch

            Product = get_model("catalogue", "Product")
            self._products = (
                Product.objects.base_queryset()
                .select_related("parent")
                # cards name the grower and give the price per kg or per unit
                .prefetch_related("stockrecords__partner", pack_prefetch())
                .in_bulk(self.pks)
            )
        return self._products.get(pk)


@dataclass
class ProductResult:
    """One result row for the templates: `object` is the product (as haystack's SearchResult has)."""

    pk: int
    score: float = 0.0
    distance_km: float = None
    facts: CardFacts = None
    card_html: str = ""  # set by cards.attach_cards() for result pages
    page_products: PageProducts = field(default=None, repr=False, compare=False)

    @property
    def object(self):
        """The product, loaded with the rest of the page's on first use (None if it was deleted meanwhile)."""
        return self.page_products.get(self.pk)


@dataclass
class SearchPage:
    results: list
    total: int
    response: object
    request: object
    messages: list = field(default_factory=list)


def backend(using="default"):
    return connections[using].get_backend()


def execute(search_request, using="default"):
    """The backend's SearchResponse; backend failures become SearchUnavailable."""
    engine = backend(using)
    try:
        return engine.execute(search_request)
    except (SearchUnavailable, InvalidSearch):
        raise
    except Exception as exc:  # a backend's own error types (connection, transport...) all mean the same to a page
        logger.exception("Search backend failed")
        raise SearchUnavailable(str(exc)) from exc


def card_facts(pks):
    """{pk: CardFacts} for the products of these pks that exist, from two flat queries.

    The first reads each product with its stock records (a row per record, or
    one row of NULLs for a product without any), the second their images.
    """
    Product = get_model("catalogue", "Product")
    ProductImage = get_model("catalogue", "ProductImage")
    pks = list(pks)
    if not pks:
        return {}
    products, stock, images, batches = {}, defaultdict(list), defaultdict(list), defaultdict(list)
    rows = (
        Product.objects.filter(pk__in=pks)
        .order_by("pk", "stockrecords__pk")
        .values_list("pk", "date_updated", "rating", "stockrecords__pk", "stockrecords__price",
                     "stockrecords__num_in_stock", "stockrecords__num_allocated", "stockrecords__batches")
    )
    for pk, date_updated, rating, record_pk, *record, record_batches in rows:
        products[pk] = (date_updated, rating)
        if record_pk is not None:
            stock[pk].append((record_pk, *record))
            batches[pk].append(repr(record_batches))
    ordering = ProductImage._meta.ordering or ["pk"]
    image_rows = ProductImage.objects.filter(product_id__in=pks).order_by(*ordering, "pk")
    for product_id, *image in image_rows.values_list("product_id", "pk", "original"):
        images[product_id].append(tuple(image))
    return {
        pk: CardFacts(pk, date_updated, rating, tuple(stock[pk]), tuple(images[pk]), tuple(batches[pk]))
        for pk, (date_updated, rating) in products.items()
    }


def load_products(hits):
    """Results for these hits, in hit order; hits whose product is gone are dropped.

    Each result's product (`result.object`) is loaded with the rest of the page on first use.
    """
    facts = card_facts(hit.pk for hit in hits)
    page_products = PageProducts(pk for pk in facts)
    return [
        ProductResult(h.pk, h.score, h.distance_km, facts=facts[h.pk], page_products=page_products)
        for h in hits
        if h.pk in facts
    ]


def run(form, *, page=1, per_page=24, extra_clauses=(), using="default"):
    """Run a validated SearchForm for one page of results."""
    offset = (page - 1) * per_page
    search_request = form.search_request(offset=offset, limit=per_page, extra_clauses=extra_clauses)
    response = execute(search_request, using)
    return SearchPage(load_products(response.hits), response.total, response, search_request)
