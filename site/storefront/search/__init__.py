"""Product search: a fork of Oscar's search app.

It owns the product index (search_indexes.py), the search backends (embedded
and Elasticsearch, under backends/), the faceted and location-aware search and
catalogue views, autocomplete, saved searches with email alerts, and the Celery
tasks that keep the index up to date outside requests. See docs/search.md.
"""
