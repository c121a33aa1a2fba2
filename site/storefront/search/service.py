"""Running a search for a page: the backend query, then the products from the database.

The views, the autocomplete endpoint and the saved-search alerts all come
through here, so they share validation, the backend call and the error
handling (SearchUnavailable means "show the search-unavailable page").
"""

import logging
from dataclasses import dataclass, field

from haystack import connections
from oscar.core.loading import get_model

from .backends.base import SearchUnavailable
from .query import InvalidSearch

logger = logging.getLogger(__name__)


@dataclass
class ProductResult:
    """One result row for the templates: `object` is the product (as haystack's SearchResult has)."""

    object: object
    score: float = 0.0
    distance_km: float = None
    card_html: str = ""  # set by cards.attach_cards() for result pages


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


def load_products(hits):
    """The products of these hits, in hit order; hits whose product is gone are dropped."""
    Product = get_model("catalogue", "Product")
    pks = [hit.pk for hit in hits]
    products = Product.objects.base_queryset().select_related("parent").prefetch_related("stockrecords__partner").in_bulk(pks)
    return [ProductResult(products[h.pk], h.score, h.distance_km) for h in hits if h.pk in products]


def run(form, *, page=1, per_page=24, extra_clauses=(), using="default"):
    """Run a validated SearchForm for one page of results."""
    offset = (page - 1) * per_page
    search_request = form.search_request(offset=offset, limit=per_page, extra_clauses=extra_clauses)
    response = execute(search_request, using)
    return SearchPage(load_products(response.hits), response.total, response, search_request)
