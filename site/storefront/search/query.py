"""A backend-neutral search request and response.

The views build a SearchRequest from the buyer's parameters; every backend
(embedded, Elasticsearch) executes it and answers with a SearchResponse. The
haystack glue (backends/base.py) translates SearchQuerySet filters into the
same filter tree, so one code path serves both.

Filters form a small tree: Clause(field, op, value) leaves under And/Or/Not.
"""

import re
from dataclasses import dataclass, field

OPS = {"exact", "in", "gt", "gte", "lt", "lte", "range"}
SORTS = {"relevance", "price", "-price", "newest", "distance", "title"}


class InvalidSearch(ValueError):
    """A search parameter the backend cannot run; the message names it."""


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: object

    def __post_init__(self):
        if self.op not in OPS:
            raise InvalidSearch(f"Unknown filter operator {self.op!r} on {self.field!r}.")


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass
class RangeFacet:
    """Counts of documents whose numeric field falls in each (key, low, high) bucket; None is open."""

    field: str
    buckets: list  # [(key, low, high)]


@dataclass
class SearchRequest:
    text: str = ""
    where: object = None  # a Clause / And / Or / Not tree, or None for everything
    facet_fields: list = field(default_factory=list)
    range_facets: dict = field(default_factory=dict)  # name -> RangeFacet
    point: tuple = None  # (lat, lon) of the buyer
    radius_km: float = None  # with point: only growers this close
    sort: str = "relevance"
    offset: int = 0
    limit: int = 24
    fuzzy: bool = True  # typo tolerance where the backend has it
    prefix: bool = False  # treat the last word as a prefix (autocomplete)

    def __post_init__(self):
        if self.sort not in SORTS:
            raise InvalidSearch(f"Unknown sort {self.sort!r}; use one of {', '.join(sorted(SORTS))}.")
        if self.sort == "distance" and self.point is None:
            raise InvalidSearch("Sorting by distance needs a location.")
        if self.radius_km is not None and self.point is None:
            raise InvalidSearch("A radius needs a location.")


@dataclass
class Hit:
    pk: int
    score: float = 0.0
    distance_km: float = None
    fields: dict = None  # stored fields when the backend has them (title, price...)


@dataclass
class SearchResponse:
    hits: list  # [Hit] for the requested page
    total: int
    facets: dict  # field -> [(value, count)], most frequent first
    range_facets: dict  # name -> {key: count}
    suggestion: str = None  # a corrected query when typos were fixed
    corrected_terms: dict = None  # {typed: used}
    # The index state that answered, when the backend can tell: the same generation and
    # request give the same response, so what is derived from it can be cached under it.
    generation: object = None


def all_of(*clauses):
    kept = tuple(c for c in clauses if c is not None)
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return And(kept)


_RANGE = re.compile(r"^\s*\[\s*(\S+)\s+TO\s+(\S+)\s*\]\s*$", re.IGNORECASE)


def parse_range(text):
    """'[5 TO 10]' -> (5.0, 10.0); '*' is open. Raises InvalidSearch on anything else."""
    match = _RANGE.match(text or "")
    if not match:
        raise InvalidSearch(f"{text!r} is not a range like [5 TO 10] or [50 TO *].")
    bounds = []
    for raw in match.groups():
        if raw == "*":
            bounds.append(None)
            continue
        try:
            bounds.append(float(raw))
        except ValueError:
            raise InvalidSearch(f"{raw!r} in {text!r} is not a number.") from None
    return tuple(bounds)


_NARROW = re.compile(r'^\s*([A-Za-z_][\w]*)\s*:\s*(.+?)\s*$', re.S)


def parse_narrow(text):
    """A haystack narrow string, field:"value" or field:[a TO b], as a Clause.

    Oscar's templates write facet fields with an "_exact" suffix; it names the
    same field here.
    """
    match = _NARROW.match(text or "")
    if not match:
        raise InvalidSearch(f"{text!r} is not a filter like field:\"value\".")
    name, value = match.groups()
    name = name[:-6] if name.endswith("_exact") else name
    if value.startswith("["):
        low, high = parse_range(value)
        return Clause(name, "range", (low, high))
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"')
    return Clause(name, "exact", value)


def sq_to_tree(node):
    """Translate a haystack SQ tree into (text, filter tree).

    Filters on 'content' (and the document field 'text') become free text; on
    any other field they compare its whole value. Returns ("", None) for an empty tree.
    """
    texts = []

    def walk(item):
        if isinstance(item, tuple):  # (expression, value) leaf
            expression, value = item
            name, _, filter_type = expression.partition("__")
            filter_type = filter_type or "content"
            if hasattr(value, "query_string"):  # haystack's AutoQuery, Exact, Clean inputs
                value = value.query_string
            if name in ("content", "text"):
                texts.append(str(value))
                return None
            name = name[:-6] if name.endswith("_exact") else name
            if filter_type in ("content", "contains", "fuzzy", "startswith"):
                filter_type = "exact"  # a field's own value: every field here except the text is a keyword
            if filter_type == "range":
                return Clause(name, "range", (value[0], value[1]))
            if filter_type == "in":
                return Clause(name, "in", tuple(value))
            if filter_type in ("gt", "gte", "lt", "lte", "exact"):
                return Clause(name, filter_type, value)
            raise InvalidSearch(f"The filter {expression!r} is not supported by this backend.")
        children = [c for c in (walk(child) for child in item.children) if c is not None]
        if not children:
            return None
        combined = children[0] if len(children) == 1 else (Or(tuple(children)) if item.connector == "OR" else And(tuple(children)))
        return Not(combined) if item.negated else combined

    tree = walk(node)
    return " ".join(texts), tree
