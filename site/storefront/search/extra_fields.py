"""Extra index fields and facets contributed from outside the search app.

A plugin (say, energy badges) adds an "energy_grade" facet without touching
the search backends: it registers a provider that returns extra fields for a
product, and a facet that shows one of them. The plugin host wires its
index-data hook to register_index_fields(); tests register providers directly.

    from storefront.search.extra_fields import register_facet, register_index_fields

    def energy_fields(product):
        return {"energy_grade": grade_for(product)}   # "A".."G", or None

    register_index_fields("energy", energy_fields)
    register_facet("energy_grade", "Energy grade")

Every backend stores an extra string (or list of strings) as an exact-match,
facetable keyword and an extra number as a numeric field, so filters, facet
counts and ranges work on it like on the built-in fields. When a provider's
data changes (a new energy grade), call storefront.search.tasks.queue_reindex()
with the product ids so the change reaches the index after commit.

Providers run for every product at index time, through a guarded call: one
that raises or returns something unusable is logged and skipped, and the
product is still indexed with the other fields. Indexing works in chunks of
products; a provider that can answer for many products at once (one query
for the chunk instead of one per product) passes many=:

    register_index_fields("energy", energy_fields, many=energy_fields_for)   # many(products) -> {pk: {...}}
"""

import logging
import re

logger = logging.getLogger(__name__)

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

_providers = {}  # name -> callable(product) -> dict
_many = {}  # name -> callable(products) -> {pk: dict}, or None
_facets = {}  # field -> label

# Names the index already uses; an extra field may not shadow them.
RESERVED = frozenset(
    "id django_ct django_id text title upc product_class category grower region certification "
    "growing_method variety grade availability price num_in_stock pack_size_kg rating "
    "locations date_created is_public".split()
)


class ExtraFieldError(ValueError):
    pass


def register_index_fields(name, provider, many=None):
    """Add (or replace) the provider called `name`: provider(product) -> {field: value}.

    many(products) -> {product pk: {field: value}}, when given, is used when
    indexing a chunk of products; `provider` for one product.
    """
    many = many or getattr(provider, "many", None)
    if not callable(provider) or (many is not None and not callable(many)):
        raise ExtraFieldError(f"The index field provider {name!r} is not callable.")
    _providers[name] = provider
    _many[name] = many


def unregister_index_fields(name):
    _providers.pop(name, None)
    _many.pop(name, None)


def register_facet(field, label):
    """Show the extra field `field` as a facet named `label` on the search pages."""
    if not _FIELD_NAME.match(field or "") or field in RESERVED:
        raise ExtraFieldError(f"{field!r} cannot be a facet: use a new lower-case name like 'energy_grade'.")
    _facets[field] = str(label)


def unregister_facet(field):
    _facets.pop(field, None)


def extra_facets():
    """{field: label} of the facets registered here, in registration order."""
    return dict(_facets)


def _valid_value(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(isinstance(item, str) for item in value)
    return False


def _accept(name, fields, product_pk, collected):
    if not fields:
        return
    if not isinstance(fields, dict):
        logger.error("Index field provider %r returned %s, not a dict; skipped", name, type(fields).__name__)
        return
    for field, value in fields.items():
        if not isinstance(field, str) or not _FIELD_NAME.match(field) or field in RESERVED:
            logger.error("Index field provider %r returned the field %r, which is reserved or not a lower-case name; skipped", name, field)
            continue
        if not _valid_value(value):
            logger.error("Index field provider %r returned %r for %r (product %s): use a string, number or list of strings; skipped",
                         name, value, field, product_pk)
            continue
        if value is not None:
            collected[field] = list(value) if isinstance(value, tuple) else value


def collect_extra_index_fields(product):
    """The extra fields of every registered provider for this product, validated."""
    return collect_extra_index_fields_many([product]).get(product.pk, {})


def collect_extra_index_fields_many(products):
    """{product pk: extra fields} for a chunk of products, each provider called once where it can be."""
    products = list(products)
    collected = {product.pk: {} for product in products}
    for name, provider in list(_providers.items()):
        many = _many.get(name)
        if many is not None:
            try:
                answers = many(products) or {}
            except Exception:  # a broken plugin must not stop indexing
                logger.exception("Index field provider %r failed for %d products; skipped", name, len(products))
                continue
            for product in products:
                _accept(name, answers.get(product.pk), product.pk, collected[product.pk])
            continue
        for product in products:
            try:
                fields = provider(product)
            except Exception:  # a broken plugin must not stop indexing
                logger.exception("Index field provider %r failed for product %s; skipped", name, product.pk)
                continue
            _accept(name, fields, product.pk, collected[product.pk])
    return collected
