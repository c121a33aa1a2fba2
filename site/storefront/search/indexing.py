"""Writing products to the index: in bulk for a rebuild, by id for updates.

Both go through ProductIndex.index_queryset(), whose prefetches make a chunk
of products cost a few queries; both are used by the Celery tasks and the
rebuild command, never by a request.
"""

import time

from haystack import connections

from .backends.base import SearchUnavailable

CHUNK = 500


def product_index(using="default"):
    from oscar.core.loading import get_model

    return connections[using].get_unified_index().get_index(get_model("catalogue", "Product"))


def iter_chunks(queryset, size=CHUNK):
    """Yield lists of objects in primary-key chunks, so prefetches stay per chunk."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def reindex_products(product_ids, using="default"):
    """Index the given products again; ids no longer browsable are removed. Returns (updated, removed)."""
    index = product_index(using)
    backend = connections[using].get_backend()
    ids = sorted({int(pk) for pk in product_ids})
    found = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(index.index_queryset(using).filter(pk__in=ids[start : start + CHUNK]))
        if chunk:
            backend.update(index, chunk)
        found.extend(p.pk for p in chunk)
    missing = set(ids) - set(found)
    for pk in sorted(missing):
        backend.remove(f"catalogue.product.{pk}")
    return len(found), len(missing)


def rebuild(using="default", progress=None, chunk_size=CHUNK):
    """Clear the index and write every browsable product in bulk. Returns (count, seconds)."""
    index = product_index(using)
    backend = connections[using].get_backend()
    queryset = index.index_queryset(using)
    total = queryset.count()
    started = time.perf_counter()
    backend.clear()
    done = 0
    for chunk in iter_chunks(queryset, chunk_size):
        index.prepare_chunk(chunk)
        if hasattr(backend, "write_documents"):
            backend.write_documents((index.full_prepare(obj) for obj in chunk), replace=False)
        else:
            backend.update(index, chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    if hasattr(backend, "refresh"):
        backend.refresh()
    return done, time.perf_counter() - started


__all__ = ["SearchUnavailable", "rebuild", "reindex_products", "iter_chunks", "product_index"]
