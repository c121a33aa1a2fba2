"""A haystack backend for Elasticsearch 8 and 9 on the official `elasticsearch` client.

django-haystack 3.4 ships backends for Elasticsearch 7 and older only; this
one talks to 8.x and 9.x with the official client and owns its index
explicitly:

- mappings: every facet field is a keyword, numbers are doubles, grower
  locations a geo_point, the free text and title use an English analyzer
  (possessives, stop words, stemming), and title.ac an edge n-gram analyzer
  for autocomplete; fields a plugin adds are mapped by dynamic templates
  (strings as keywords, numbers as doubles), so a new facet needs no change here;
- writes go through the bulk helper, one request per chunk of documents;
- a search is one request: a bool query (multi_match with fuzziness for typos,
  bool_prefix on title.ac for autocomplete), the filter tree as term, terms,
  range and geo_distance filters, terms and range aggregations for facets,
  and sorts by score, price, date, title or _geo_distance.

build_search_body() and parse_search_response() are pure functions, so the
unit tests check the exact requests without a cluster; the integration tests
run against a real cluster when ELASTICSEARCH_URL is set.
"""

import datetime as dt
import logging
from decimal import Decimal

from haystack.backends import BaseEngine
from haystack.utils import get_identifier

from ..geo import haversine_km
from ..query import And, Clause, InvalidSearch, Not, Or, Hit, SearchResponse
from .base import SearchUnavailable, StorefrontBackend, StorefrontSearchQuery

logger = logging.getLogger(__name__)

KEYWORD_FIELDS = ("upc", "product_class", "category", "grower", "region", "certification", "growing_method",
                  "variety", "grade", "availability", "django_ct", "django_id")
NUMBER_FIELDS = ("price", "pack_size_kg", "rating")

INDEX_SETTINGS = {
    "number_of_shards": 1,
    "analysis": {
        "filter": {
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "light_english"},
            "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
            "autocomplete_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "analyzer": {
            "storefront_english": {
                "tokenizer": "standard",
                "filter": ["english_possessive_stemmer", "lowercase", "asciifolding", "english_stop", "english_stemmer"],
            },
            "storefront_autocomplete": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding", "autocomplete_edge"]},
            "storefront_autocomplete_search": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        },
    },
}

INDEX_MAPPINGS = {
    "dynamic_templates": [
        {"extra_strings": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}},
        {"extra_numbers": {"match_mapping_type": "double", "mapping": {"type": "double"}}},
        {"extra_integers": {"match_mapping_type": "long", "mapping": {"type": "double"}}},
    ],
    "properties": {
        "text": {"type": "text", "analyzer": "storefront_english"},
        "title": {
            "type": "text",
            "analyzer": "storefront_english",
            "fields": {
                "ac": {"type": "text", "analyzer": "storefront_autocomplete", "search_analyzer": "storefront_autocomplete_search"},
                "raw": {"type": "keyword"},
            },
        },
        **{name: {"type": "keyword"} for name in KEYWORD_FIELDS},
        **{name: {"type": "double"} for name in NUMBER_FIELDS},
        "num_in_stock": {"type": "integer"},
        "pk": {"type": "long"},
        "locations": {"type": "geo_point"},
        "date_created": {"type": "date", "format": "strict_date_optional_time||epoch_second"},
        "is_public": {"type": "boolean"},
    },
}

SOURCE_FIELDS = ["pk", "title", "price", "locations"]


def _value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return value


def document_source(document):
    """A prepared haystack document as the JSON body Elasticsearch stores."""
    source = {name: _value(value) for name, value in document.items() if name != "id"}
    source["pk"] = int(document["django_id"])
    return source


def filter_query(node):
    """The filter tree as an Elasticsearch query."""
    if isinstance(node, Clause):
        value = node.value
        if node.op == "exact":
            return {"term": {node.field: value}}
        if node.op == "in":
            return {"terms": {node.field: list(value)}}
        if node.op == "range":
            low, high = value
            bounds = {}
            if low is not None:
                bounds["gte"] = low
            if high is not None:
                bounds["lt"] = high
            return {"range": {node.field: bounds}}
        return {"range": {node.field: {node.op: value}}}
    if isinstance(node, And):
        return {"bool": {"filter": [filter_query(child) for child in node.children]}}
    if isinstance(node, Or):
        return {"bool": {"should": [filter_query(child) for child in node.children], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [filter_query(node.child)]}}
    raise InvalidSearch(f"Unknown filter node {node!r}.")


def text_query(request):
    text = (request.text or "").strip()
    if not text:
        return {"match_all": {}}
    if request.prefix:
        return {"multi_match": {"query": text, "type": "bool_prefix", "fields": ["title.ac"], "operator": "and"}}
    query = {"multi_match": {"query": text, "fields": ["title^3", "text"], "operator": "and", "type": "best_fields"}}
    if request.fuzzy:
        query["multi_match"]["fuzziness"] = "AUTO"
        query["multi_match"]["prefix_length"] = 1
    return query


def sort_clause(request):
    if request.sort == "relevance":
        return ["_score", {"date_created": {"order": "desc"}}, {"pk": {"order": "desc"}}]
    if request.sort in ("price", "-price"):
        order = "desc" if request.sort == "-price" else "asc"
        return [{"price": {"order": order, "missing": "_last"}}, {"date_created": {"order": "desc"}}, {"pk": {"order": "asc"}}]
    if request.sort == "distance":
        lat, lon = request.point
        return [{"_geo_distance": {"locations": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km", "mode": "min"}}, {"pk": {"order": "asc"}}]
    if request.sort == "title":
        return [{"title.raw": {"order": "asc"}}, {"pk": {"order": "asc"}}]
    return [{"date_created": {"order": "desc"}}, {"pk": {"order": "desc"}}]  # newest


def build_search_body(request):
    """The keyword arguments of client.search() for a SearchRequest."""
    filters = []
    if request.where is not None:
        filters.append(filter_query(request.where))
    if request.point is not None and request.radius_km is not None:
        lat, lon = request.point
        # the same test as the embedded backend: a product matches when its nearest grower is within the radius
        filters.append({"geo_distance": {"distance": f"{request.radius_km:g}km", "locations": {"lat": lat, "lon": lon}}})
    aggs = {f"field:{name}": {"terms": {"field": name, "size": 50}} for name in request.facet_fields}
    for name, facet in request.range_facets.items():
        ranges = []
        for key, low, high in facet.buckets:
            bucket = {"key": key}
            if low is not None:
                bucket["from"] = low
            if high is not None:
                bucket["to"] = high
            ranges.append(bucket)
        aggs[f"range:{name}"] = {"range": {"field": facet.field, "ranges": ranges, "keyed": True}}
    body = {
        "query": {"bool": {"must": [text_query(request)], "filter": filters}},
        "from_": request.offset,
        "size": request.limit,
        "sort": sort_clause(request),
        "source": SOURCE_FIELDS,
        "track_total_hits": True,
    }
    if aggs:
        body["aggs"] = aggs
    return body


def _nearest_km(point, locations):
    distances = []
    for location in locations or ():
        if isinstance(location, str):
            lat, _, lon = location.partition(",")
            distances.append(haversine_km(point[0], point[1], float(lat), float(lon)))
        elif isinstance(location, dict):
            distances.append(haversine_km(point[0], point[1], location["lat"], location["lon"]))
    return min(distances) if distances else None


def parse_search_response(request, raw):
    """A SearchResponse from Elasticsearch's answer to build_search_body(request)."""
    hits = []
    for hit in raw["hits"]["hits"]:
        source = hit.get("_source", {})
        distance = None
        if request.point is not None:
            if request.sort == "distance" and hit.get("sort"):
                distance = float(hit["sort"][0])
            else:
                distance = _nearest_km(request.point, source.get("locations"))
        hits.append(Hit(pk=int(source.get("pk", hit["_id"].rsplit(".", 1)[-1])), score=float(hit.get("_score") or 0.0),
                        distance_km=distance, fields={"title": source.get("title"), "price": source.get("price")}))
    total = raw["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else int(total)
    aggregations = raw.get("aggregations", {})
    facets = {}
    for name in request.facet_fields:
        buckets = aggregations.get(f"field:{name}", {}).get("buckets", [])
        facets[name] = [(str(b.get("key_as_string", b["key"])), int(b["doc_count"])) for b in buckets if b["doc_count"]]
    range_facets = {}
    for name in request.range_facets:
        buckets = aggregations.get(f"range:{name}", {}).get("buckets", {})
        if isinstance(buckets, list):
            buckets = {b["key"]: b for b in buckets}
        range_facets[name] = {key: int(b["doc_count"]) for key, b in buckets.items()}
    return SearchResponse(hits=hits, total=total, facets=facets, range_facets=range_facets)


class ElasticsearchSearchBackend(StorefrontBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.url = options.get("URL")
        if not self.url:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("The Elasticsearch search connection needs a URL (set ELASTICSEARCH_URL).")
        self.index_name = options.get("INDEX_NAME", "storefront-products")
        self.timeout = options.get("TIMEOUT", 5)
        self.client_options = options.get("CLIENT_OPTIONS", {})
        self._client = None
        self._index_ready = False
        self.include_spelling = False

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=self.timeout, max_retries=1, retry_on_timeout=False, **self.client_options)
        return self._client

    def _call(self, what, func, *args, **kwargs):
        from elasticsearch import ApiError, TransportError

        try:
            return func(*args, **kwargs)
        except (TransportError, ApiError, OSError) as exc:
            raise SearchUnavailable(f"Elasticsearch could not {what}: {exc}") from exc

    def setup(self):
        """Create the index with its settings and mappings unless it exists."""
        if self._index_ready:
            return
        exists = self._call("check the index", self.client.indices.exists, index=self.index_name)
        if not exists:
            self._call("create the index", self.client.indices.create, index=self.index_name, settings=INDEX_SETTINGS, mappings=INDEX_MAPPINGS)
        self._index_ready = True

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        if hasattr(index, "prepare_chunk"):
            index.prepare_chunk([obj for obj in objects if getattr(obj, "_search_document", None) is None])
        self.write_documents(index.full_prepare(obj) for obj in objects)

    def write_documents(self, documents, replace=True):
        from elasticsearch import helpers

        self.setup()
        actions = ({"_op_type": "index", "_index": self.index_name, "_id": d["id"], "_source": document_source(d)} for d in documents)
        written, errors = self._call("index documents", helpers.bulk, self.client, actions, chunk_size=500, raise_on_error=False)
        if errors:
            raise SearchUnavailable(f"Elasticsearch refused {len(errors)} document(s); first: {errors[0]}")
        return written

    def refresh(self):
        self._call("refresh the index", self.client.indices.refresh, index=self.index_name)

    def remove(self, obj_or_string, commit=True):
        from elasticsearch import NotFoundError

        key = obj_or_string if isinstance(obj_or_string, str) else get_identifier(obj_or_string)
        try:
            self._call("remove a document", self.client.delete, index=self.index_name, id=key)
        except SearchUnavailable as exc:
            if not isinstance(exc.__cause__, NotFoundError):
                raise

    def clear(self, models=None, commit=True):
        self._call("delete the index", self.client.indices.delete, index=self.index_name, ignore_unavailable=True)
        self._index_ready = False
        self.setup()

    def execute(self, request):
        from elasticsearch import NotFoundError

        try:
            raw = self._call("search", self.client.search, index=self.index_name, **build_search_body(request))
        except SearchUnavailable as exc:
            if isinstance(exc.__cause__, NotFoundError):  # no index yet: nothing has been indexed
                return SearchResponse(hits=[], total=0, facets={f: [] for f in request.facet_fields},
                                      range_facets={n: {} for n in request.range_facets})
            raise
        return parse_search_response(request, raw.body if hasattr(raw, "body") else raw)

    def ping(self):
        info = self._call("answer", self.client.info)
        body = info.body if hasattr(info, "body") else info
        return {"cluster": body.get("cluster_name"), "version": body.get("version", {}).get("number")}


class ElasticsearchEngine(BaseEngine):
    backend = ElasticsearchSearchBackend
    query = StorefrontSearchQuery
