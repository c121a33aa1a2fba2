"""What every storefront search backend shares: the haystack glue and the errors.

A backend implements execute(SearchRequest) -> SearchResponse plus haystack's
update/remove/clear, and ping() for /healthz. StorefrontSearchQuery lets
haystack's SearchQuerySet (filter, narrow, facet, query_facet, order_by,
dwithin, distance) drive the same execute(), so shell users, Oscar code and
our views share one query path.
"""

import math

from haystack.backends import BaseSearchBackend, BaseSearchQuery
from haystack.models import SearchResult

from ..query import And, Clause, InvalidSearch, RangeFacet, SearchRequest, all_of, parse_narrow, parse_range, sq_to_tree


class SearchUnavailable(RuntimeError):
    """The search backend cannot answer (server down, index missing, database error)."""


SORT_FIELDS = {
    "price": "price",
    "-price": "-price",
    "date_created": "newest",
    "-date_created": "newest",
    "title": "title",
    "distance": "distance",
    "score": "relevance",
    "-score": "relevance",
}


def request_from_haystack(query_string, kwargs, sq=None):
    """Build a SearchRequest from haystack's search() arguments."""
    text, where = ("", None)
    if sq is not None:
        text, where = sq_to_tree(sq)
    elif query_string and query_string != "*":
        text = str(query_string)
    clauses = [where]
    for narrow in sorted(kwargs.get("narrow_queries") or ()):
        clauses.append(parse_narrow(narrow))
    range_facets = {}
    for field, query in kwargs.get("query_facets") or ():
        low, high = parse_range(query)
        range_facets.setdefault(field, RangeFacet(field, []))
        range_facets[field].buckets.append((query, low, high))
    point = radius = None
    dwithin = kwargs.get("dwithin")
    if dwithin:
        point = _point(dwithin["point"])
        radius = dwithin["distance"].km
    distance_point = kwargs.get("distance_point")
    if distance_point and point is None:
        point = _point(distance_point["point"])
    sort = "relevance"
    for field in kwargs.get("sort_by") or ():
        if field in SORT_FIELDS:
            sort = SORT_FIELDS[field]
            break
        raise InvalidSearch(f"Cannot sort by {field!r}; use one of {', '.join(SORT_FIELDS)}.")
    start = kwargs.get("start_offset") or 0
    end = kwargs.get("end_offset")
    return SearchRequest(
        text=text,
        where=all_of(*clauses),
        facet_fields=list((kwargs.get("facets") or {}).keys()),
        range_facets=range_facets,
        point=point,
        radius_km=radius,
        sort=sort,
        offset=start,
        limit=(end - start) if end is not None else 1000,
    )


def _point(point):
    # haystack passes django.contrib.gis Points (x=lon, y=lat) or (lat, lon) tuples
    if hasattr(point, "coords"):
        lon, lat = point.coords
        return (lat, lon)
    return (float(point[0]), float(point[1]))


def haystack_results(response, request, result_class=None):
    result_class = result_class or SearchResult
    results = []
    for hit in response.hits:
        extra = dict(hit.fields or {})
        if hit.distance_km is not None:
            extra["_distance_km"] = hit.distance_km
        results.append(result_class("catalogue", "product", hit.pk, hit.score, **extra))
    queries = {}
    for name, facet in request.range_facets.items():
        for key, count in response.range_facets.get(name, {}).items():
            queries[f"{facet.field}_exact:{key}"] = count
    return {
        "results": results,
        "hits": response.total,
        "facets": {"fields": response.facets, "dates": {}, "queries": queries},
        "spelling_suggestion": response.suggestion,
    }


class StorefrontBackend(BaseSearchBackend):
    """haystack's search() on top of execute()."""

    def execute(self, request):  # pragma: no cover - each backend implements it
        raise NotImplementedError

    def ping(self):  # pragma: no cover
        raise NotImplementedError

    def search(self, query_string, **kwargs):
        request = request_from_haystack(query_string, kwargs, sq=kwargs.pop("_sq", None))
        response = self.execute(request)
        return haystack_results(response, request, kwargs.get("result_class"))


class StorefrontSearchQuery(BaseSearchQuery):
    """Hands haystack's filter tree to the backend instead of a query string."""

    def build_query_fragment(self, field, filter_type, value):
        if hasattr(value, "query_string"):
            value = value.query_string
        if field == "content":
            return str(value)
        return f"{field}__{filter_type}={value!r}"

    def run(self, spelling_query=None, **kwargs):
        params = self.build_params(spelling_query=spelling_query)
        params.update(kwargs)
        params["_sq"] = self.query_filter
        results = self.backend.search(self.build_query(), **params)
        self._results = results.get("results", [])
        self._hit_count = results.get("hits", 0)
        self._facet_counts = self.post_process_facets(results)
        self._spelling_suggestion = results.get("spelling_suggestion")

    def get_count(self):
        if self._hit_count is None:
            # one cheap run for the count: no page, no facets
            params = {"start_offset": 0, "end_offset": 0, "_sq": self.query_filter}
            if self.narrow_queries:
                params["narrow_queries"] = self.narrow_queries
            if self.dwithin:
                params["dwithin"] = self.dwithin
            self._hit_count = self.backend.search(self.build_query(), **params)["hits"]
        return self._hit_count


def finite(value):
    return value is not None and not (isinstance(value, float) and math.isnan(value))


__all__ = [
    "And",
    "Clause",
    "SearchUnavailable",
    "StorefrontBackend",
    "StorefrontSearchQuery",
    "finite",
    "request_from_haystack",
]
