"""The embedded search backend: documents in the database, queried in memory.

Why this design: the default must need no server and be fast at tens of
thousands of products. Documents are stored as rows of search.IndexedDocument
(so the index lives in the same SQLite file or PostgreSQL database as the
catalogue, is transactional, and is shared by web processes and Celery
workers). Each process keeps a columnar snapshot of those rows in numpy arrays:
an inverted index of stemmed terms, (document, value) pairs for keyword fields,
float arrays for numbers, and grower coordinates. A search is then a few
vectorised passes: text match, filter mask, distance, facet counts with
bincount, and a sort of the matches.

Each snapshot has a generation number, new with every snapshot this process
builds (so after any change to the index), and remembers its last
RESPONSES_PER_SNAPSHOT responses: the same request against the same
snapshot is answered from memory, and every response carries the
generation so that callers can cache what they derive from it.

Freshness: at most every REFRESH_INTERVAL seconds (or ten times the last
rebuild's duration, if longer: about 40 s at 100,000 products, well under a
second at 10,000) a search reads the table's signature (row count, last id and that row's stamp). Writers only insert rows
(a change deletes the old row and inserts a new one), so a process usually
catches up by reading the rows above its last id; anything else (a clear, a
rolled-back write) makes it reload everything.
"""

import bisect
import datetime as dt
import itertools
import logging
import math
import random
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.db import DatabaseError, transaction
from haystack.backends import BaseEngine
from haystack.utils import get_identifier

from storefront.caching.lru import LRU

from ..geo import haversine_km_array
from ..query import And, Clause, InvalidSearch, Not, Or, SearchResponse, Hit
from ..text import analyse, deletes, edit_distance_at_most_one
from .base import SearchUnavailable, StorefrontBackend, StorefrontSearchQuery

logger = logging.getLogger(__name__)

# Fields that are not keyword facets: free text, the analysed terms, identifiers, coordinates.
NOT_KEYWORD = frozenset({"text", "_terms", "_title_terms", "id", "django_ct", "django_id", "locations", "title", "upc", "pk"})
TITLE_WEIGHT = 3.0
MAX_PREFIX_EXPANSION = 64
MAX_QUERY_TERMS = 12
WRITE_BATCH = 500
REBUILD_SHARE = 10  # wait at least this many times the last rebuild's duration before looking for changes
RESPONSES_PER_SNAPSHOT = 256
_generations = itertools.count(1)


def _document_model():
    from ..models import IndexedDocument

    return IndexedDocument


def serialise(document):
    """A prepared haystack document as a JSON-safe dict with its analysed terms."""
    out = {}
    for name, value in document.items():
        if isinstance(value, dt.datetime):
            value = value.timestamp()
        elif isinstance(value, dt.date):
            value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc).timestamp()
        elif isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, (set, tuple)):
            value = list(value)
        out[name] = value
    title_terms = set(analyse(out.get("title", "") or ""))
    out["_terms"] = sorted(set(analyse(out.pop("text", "") or "")) | title_terms)
    out["_title_terms"] = sorted(title_terms)
    out["pk"] = int(document["django_id"])
    return out


def _interned(data):
    """The same document with its repeated strings shared: a snapshot holds many copies of each term and value."""
    if data is None:
        return None
    out = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = sys.intern(value)
        elif isinstance(value, list):
            value = [sys.intern(v) if isinstance(v, str) else v for v in value]
        out[sys.intern(name)] = value
    return out


def _filter_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Snapshot:
    """Columnar, read-only view of the documents; built once, queried many times."""

    def __init__(self, documents):
        self.generation = next(_generations)
        self._responses = LRU(RESPONSES_PER_SNAPSHOT)  # repr(SearchRequest) -> SearchResponse
        docs = [d for d in documents if d is not None]
        self.size = n = len(docs)
        self.pks = np.fromiter((d["pk"] for d in docs), dtype=np.int64, count=n)
        self.stored = [{"title": d.get("title"), "price": d.get("price")} for d in docs]

        postings = defaultdict(list)
        title_postings = defaultdict(list)
        keyword_pairs = defaultdict(lambda: ([], []))  # field -> (docs, values)
        numbers = defaultdict(lambda: np.full(n, np.nan))
        loc_doc, loc_lat, loc_lon = [], [], []
        for i, d in enumerate(docs):
            for term in d.get("_terms", ()):
                postings[term].append(i)
            for term in d.get("_title_terms", ()):
                title_postings[term].append(i)
            for name, value in d.items():
                if name in NOT_KEYWORD:
                    continue
                if isinstance(value, bool):
                    pair = keyword_pairs[name]
                    pair[0].append(i)
                    pair[1].append("true" if value else "false")
                elif isinstance(value, (int, float)):
                    numbers[name][i] = value
                elif isinstance(value, str):
                    pair = keyword_pairs[name]
                    pair[0].append(i)
                    pair[1].append(value)
                elif isinstance(value, list):
                    pair = keyword_pairs[name]
                    for item in value:
                        pair[0].append(i)
                        pair[1].append(str(item))
            for location in d.get("locations") or ():
                lat, _, lon = location.partition(",")
                loc_doc.append(i)
                loc_lat.append(float(lat))
                loc_lon.append(float(lon))

        self.terms = {t: np.array(p, dtype=np.int32) for t, p in postings.items()}
        self.title_terms = {t: np.array(p, dtype=np.int32) for t, p in title_postings.items()}
        self.vocabulary = sorted(self.terms)
        self._deletes = None  # built on the first typo lookup
        self.keywords = {}
        for name, (doc_list, value_list) in keyword_pairs.items():
            values = sorted(set(value_list))
            code_of = {v: c for c, v in enumerate(values)}
            self.keywords[name] = (
                values,
                code_of,
                np.array(doc_list, dtype=np.int32),
                np.fromiter((code_of[v] for v in value_list), dtype=np.int32, count=len(value_list)),
            )
        self.numbers = dict(numbers)
        self.loc_doc = np.array(loc_doc, dtype=np.int32)
        self.loc_lat = np.array(loc_lat, dtype=np.float64)
        self.loc_lon = np.array(loc_lon, dtype=np.float64)
        if len(self.loc_doc):
            # start of each document's run of locations (pairs are appended in document order)
            self.loc_starts = np.flatnonzero(np.r_[True, self.loc_doc[1:] != self.loc_doc[:-1]])
            self.loc_owner = self.loc_doc[self.loc_starts]
        titles = [(d.get("title") or "").lower() for d in docs]
        order = sorted(range(n), key=titles.__getitem__)
        self.title_rank = np.empty(n, dtype=np.int32)
        self.title_rank[order] = np.arange(n, dtype=np.int32)
        self.df = {t: len(p) for t, p in self.terms.items()}

    # ---- text -------------------------------------------------------------

    def typo_candidates(self, term):
        if self._deletes is None:
            index = defaultdict(list)
            for word in self.vocabulary:
                if len(word) >= 4:
                    for variant in deletes(word):
                        index[variant].append(word)
            self._deletes = index
        found = set()
        for variant in deletes(term):
            for word in self._deletes.get(variant, ()):
                if edit_distance_at_most_one(term, word):
                    found.add(word)
        return sorted(found, key=lambda w: -self.df[w])[:5]

    def prefix_candidates(self, term):
        start = bisect.bisect_left(self.vocabulary, term)
        out = []
        for word in self.vocabulary[start : start + MAX_PREFIX_EXPANSION]:
            if not word.startswith(term):
                break
            out.append(word)
        return out

    def match_text(self, text, fuzzy, prefix):
        """(mask, score, corrections) for the words of `text`, all of which must match."""
        n = self.size
        terms = analyse(text)[:MAX_QUERY_TERMS]
        if not terms:
            return None, None, {}
        mask = np.ones(n, dtype=bool)
        score = np.zeros(n, dtype=np.float32)
        corrections = {}
        for position, term in enumerate(terms):
            candidates = [term] if term in self.terms else []
            if prefix and position == len(terms) - 1:
                candidates = sorted(set(candidates) | set(self.prefix_candidates(term)))
            if not candidates and fuzzy and len(term) >= 4:
                candidates = self.typo_candidates(term)
                if candidates:
                    corrections[term] = candidates[0]
            term_mask = np.zeros(n, dtype=bool)
            for candidate in candidates:
                docs = self.terms[candidate]
                term_mask[docs] = True
                idf = math.log(1 + n / (1 + self.df[candidate]))
                score[docs] += idf
                title_docs = self.title_terms.get(candidate)
                if title_docs is not None:
                    score[title_docs] += idf * (TITLE_WEIGHT - 1)
            mask &= term_mask
        return mask, score, corrections

    # ---- filters ----------------------------------------------------------

    def match_clause(self, clause):
        n = self.size
        name, op, value = clause.field, clause.op, clause.value
        if name in self.numbers or (op in ("gt", "gte", "lt", "lte", "range") and name not in self.keywords):
            column = self.numbers.get(name)
            if column is None:
                return np.zeros(n, dtype=bool)
            try:
                if op == "range":
                    low, high = value
                    mask = ~np.isnan(column)
                    if low is not None:
                        mask &= column >= float(low)
                    if high is not None:
                        mask &= column < float(high)
                    return mask
                if op in ("exact", "in"):
                    wanted = [float(v) for v in (value if op == "in" else (value,))]
                    return np.isin(column, wanted)
                bound = float(value)
            except (TypeError, ValueError):
                raise InvalidSearch(f"{name} needs a number, not {value!r}.") from None
            with np.errstate(invalid="ignore"):
                return {"gt": column > bound, "gte": column >= bound, "lt": column < bound, "lte": column <= bound}[op]
        keyword = self.keywords.get(name)
        mask = np.zeros(n, dtype=bool)
        if keyword is None:
            return mask
        values, code_of, pair_doc, pair_code = keyword
        if op == "exact":
            wanted = [_filter_value(value)]
        elif op == "in":
            wanted = [_filter_value(v) for v in value]
        else:
            raise InvalidSearch(f"{name} is a text field: it cannot be compared with {op}.")
        codes = [code_of[str(v)] for v in wanted if str(v) in code_of]
        if codes:
            mask[pair_doc[np.isin(pair_code, codes)]] = True
        return mask

    def match_tree(self, node):
        if node is None:
            return None
        if isinstance(node, Clause):
            return self.match_clause(node)
        if isinstance(node, And):
            mask = np.ones(self.size, dtype=bool)
            for child in node.children:
                mask &= self.match_tree(child)
            return mask
        if isinstance(node, Or):
            mask = np.zeros(self.size, dtype=bool)
            for child in node.children:
                mask |= self.match_tree(child)
            return mask
        if isinstance(node, Not):
            return ~self.match_tree(node.child)
        raise InvalidSearch(f"Unknown filter node {node!r}.")

    def distances(self, lat, lon):
        """Each document's distance to its nearest grower, inf where it has none."""
        out = np.full(self.size, np.inf)
        if len(self.loc_doc):
            per_location = haversine_km_array(lat, lon, self.loc_lat, self.loc_lon)
            out[self.loc_owner] = np.minimum.reduceat(per_location, self.loc_starts)
        return out

    # ---- the whole search -------------------------------------------------

    def execute(self, request):
        """The response to `request`, from memory when this snapshot has answered it before.

        Responses are shared between callers: treat them as read-only.
        """
        key = repr(request)
        response = self._responses.get(key)
        if response is None:
            response = self.run(request)
            self._responses.set(key, response)
        return response

    def run(self, request):
        """Compute the response to `request` (execute() remembers what this returns)."""
        n = self.size
        mask = np.ones(n, dtype=bool)
        score = None
        corrections = {}
        if request.text and request.text.strip():
            text_mask, score, corrections = self.match_text(request.text, request.fuzzy, request.prefix)
            if text_mask is not None:
                mask &= text_mask
        tree_mask = self.match_tree(request.where)
        if tree_mask is not None:
            mask &= tree_mask
        distance = None
        if request.point is not None:
            distance = self.distances(*request.point)
            if request.radius_km is not None:
                mask &= distance <= request.radius_km
        matched = np.flatnonzero(mask)

        facets = {}
        for name in request.facet_fields:
            keyword = self.keywords.get(name)
            if keyword is None:
                facets[name] = []
                continue
            values, _, pair_doc, pair_code = keyword
            counts = np.bincount(pair_code[mask[pair_doc]], minlength=len(values))
            nonzero = np.flatnonzero(counts)
            ranked = sorted(nonzero, key=lambda c: (-counts[c], values[c]))
            facets[name] = [(values[c], int(counts[c])) for c in ranked]
        range_facets = {}
        for name, facet in request.range_facets.items():
            column = self.numbers.get(facet.field)
            bucket_counts = {}
            for key, low, high in facet.buckets:
                if column is None:
                    bucket_counts[key] = 0
                    continue
                values = column[matched]
                inside = ~np.isnan(values)
                if low is not None:
                    inside &= values >= low
                if high is not None:
                    inside &= values < high
                bucket_counts[key] = int(inside.sum())
            range_facets[name] = bucket_counts

        order = self.order(matched, request.sort, score, distance)
        page = order[request.offset : request.offset + request.limit] if request.limit > 0 else order[:0]
        hits = [
            Hit(
                pk=int(self.pks[i]),
                score=float(score[i]) if score is not None else 0.0,
                distance_km=float(distance[i]) if distance is not None and np.isfinite(distance[i]) else None,
                fields=self.stored[i],
            )
            for i in page
        ]
        suggestion = None
        if corrections:
            suggestion = " ".join(corrections.get(w, w) for w in analyse(request.text))
        return SearchResponse(
            hits=hits,
            total=int(len(matched)),
            facets=facets,
            range_facets=range_facets,
            suggestion=suggestion,
            corrected_terms=corrections or None,
            generation=self.generation,
        )

    def order(self, matched, sort, score, distance):
        if not len(matched):
            return matched
        created = self.numbers.get("date_created")
        newest = -created[matched] if created is not None else np.zeros(len(matched))
        newest = np.nan_to_num(newest, nan=np.inf)
        pks = self.pks[matched]
        if sort == "relevance" and score is not None:
            keys = (pks, newest, -score[matched])
        elif sort in ("price", "-price"):
            price = self.numbers.get("price")
            values = price[matched] if price is not None else np.zeros(len(matched))
            values = -values if sort == "-price" else values
            keys = (pks, newest, np.nan_to_num(values, nan=np.inf))  # unpriced last either way
        elif sort == "distance":
            keys = (pks, newest, distance[matched])
        elif sort == "title":
            keys = (pks, self.title_rank[matched])
        else:  # newest, and relevance with no words to rank by
            keys = (-pks, newest)
        return matched[np.lexsort(keys)]


class _State:
    """One process's snapshot of one connection, and what it was built from."""

    def __init__(self):
        self.lock = threading.Lock()
        self.snapshot = None
        self.rows = {}  # key -> (row id, data or None)
        self.signature = None
        self.checked_at = 0.0  # 0 means "look for changes on the next search"
        self.build_seconds = 0.0


_states = defaultdict(_State)


class EmbeddedSearchBackend(StorefrontBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.refresh_interval = float(options.get("REFRESH_INTERVAL", 1.0))
        self.include_spelling = True

    # ---- writing ----------------------------------------------------------

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        if hasattr(index, "prepare_chunk"):
            index.prepare_chunk([obj for obj in objects if getattr(obj, "_search_document", None) is None])
        self.write_documents(index.full_prepare(obj) for obj in objects)

    def write_documents(self, documents, replace=True):
        """Store prepared documents; `replace=False` skips deleting old rows (a rebuild after clear)."""
        IndexedDocument = _document_model()
        batch = []
        written = 0
        stamp = random.getrandbits(62)
        try:
            for document in documents:
                data = serialise(document)
                batch.append(IndexedDocument(key=document["id"], data=data, stamp=stamp))
                if len(batch) >= WRITE_BATCH:
                    written += self._write_batch(batch, replace)
                    batch = []
            if batch:
                written += self._write_batch(batch, replace)
        except DatabaseError as exc:
            raise SearchUnavailable(f"The search index could not be written: {exc}") from exc
        return written

    def _write_batch(self, rows, replace):
        IndexedDocument = _document_model()
        with transaction.atomic():
            if replace:
                IndexedDocument.objects.filter(key__in=[row.key for row in rows]).delete()
            IndexedDocument.objects.bulk_create(rows)
        self._written()
        return len(rows)

    def _written(self):
        # read-your-writes: this process's next search looks for changes at once
        _states[self.connection_alias].checked_at = 0.0

    def refresh(self):
        """Bring this process's snapshot up to date now (after a rebuild, or in tests)."""
        self._written()
        return self.snapshot()

    def remove(self, obj_or_string, commit=True):
        IndexedDocument = _document_model()
        key = obj_or_string if isinstance(obj_or_string, str) else get_identifier(obj_or_string)
        try:
            with transaction.atomic():
                IndexedDocument.objects.filter(key=key).delete()
                IndexedDocument.objects.create(key=key, data=None, stamp=random.getrandbits(62))
            self._written()
        except DatabaseError as exc:
            raise SearchUnavailable(f"The search index could not be written: {exc}") from exc

    def clear(self, models=None, commit=True):
        try:
            _document_model().objects.all().delete()
        except DatabaseError as exc:
            raise SearchUnavailable(f"The search index could not be cleared: {exc}") from exc
        _states.pop(self.connection_alias, None)

    # ---- reading ----------------------------------------------------------

    def _signature(self):
        IndexedDocument = _document_model()
        last = IndexedDocument.objects.order_by("-id").values_list("id", "stamp").first()
        return (IndexedDocument.objects.count(), last)

    def snapshot(self):
        """The current snapshot, refreshed from the table when it may be stale."""
        state = _states[self.connection_alias]
        now = time.monotonic()
        # A rebuild of a large snapshot costs seconds of CPU: look for changes
        # rarely enough that rebuilding takes at most a tenth of this process's time.
        interval = max(self.refresh_interval, state.build_seconds * REBUILD_SHARE)
        if state.snapshot is not None and state.checked_at and now - state.checked_at < interval:
            return state.snapshot
        with state.lock:
            try:
                signature = self._signature()
                if state.snapshot is None or signature != state.signature:
                    self._catch_up(state, signature)
            except DatabaseError as exc:
                raise SearchUnavailable(f"The search index cannot be read: {exc}") from exc
            state.checked_at = time.monotonic()
            return state.snapshot

    def _catch_up(self, state, signature):
        IndexedDocument = _document_model()
        last_seen = max((row_id for row_id, _ in state.rows.values()), default=0)
        incremental = state.snapshot is not None and signature[1] is not None and signature[1][0] > last_seen
        if incremental:
            rows = dict(state.rows)
            for row_id, key, data in IndexedDocument.objects.filter(id__gt=last_seen).order_by("id").values_list("id", "key", "data").iterator(chunk_size=2000):
                rows[key] = (row_id, _interned(data))
            if len(rows) != signature[0]:  # rows vanished that we still hold: start again
                incremental = False
        if not incremental:
            rows = {}
            for row_id, key, data in IndexedDocument.objects.order_by("id").values_list("id", "key", "data").iterator(chunk_size=2000):
                rows[key] = (row_id, _interned(data))
        started = time.perf_counter()
        state.snapshot = Snapshot(data for _, data in sorted(rows.values(), key=lambda item: item[0]))
        state.rows = rows
        state.signature = signature
        state.build_seconds = time.perf_counter() - started
        logger.debug("Search snapshot of %d documents built in %.0f ms", state.snapshot.size, state.build_seconds * 1000)

    def execute(self, request):
        return self.snapshot().execute(request)

    def ping(self):
        """Raise SearchUnavailable when the document table cannot be read; else count its documents.

        Reads the table, not the snapshot, so /healthz stays cheap in a process
        that has not searched yet.
        """
        try:
            return {"documents": _document_model().objects.filter(data__isnull=False).count()}
        except DatabaseError as exc:
            raise SearchUnavailable(f"The search index cannot be read: {exc}") from exc


class EmbeddedEngine(BaseEngine):
    backend = EmbeddedSearchBackend
    query = StorefrontSearchQuery
