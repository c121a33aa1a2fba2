"""Fixtures shared by the whole suite."""

import pytest

pytest_plugins = ["tests.plugin_fixtures", "tests.localstripe_server"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath).replace("\\", "/")
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("django_db") is None:
                # the live server needs committed data
                item.add_marker(pytest.mark.django_db(transaction=True))
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            # A transactional test empties the database when it ends, which would
            # also remove what the migrations created (Wagtail's root page and
            # site, the Marketers group) for every test after it, and for the
            # next run with --reuse-db; restore that from its serialized copy.
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)


@pytest.fixture(scope="session")
def _migration_data_restored_at_the_end(django_db_setup, django_db_blocker):
    """After the last test, put back what the migrations created.

    A transactional test flushes the database when it ends and the next one
    restores the serialized copy when it starts; after the last one nothing
    does, and with --reuse-db the next run would serialize (and work on) a
    database without Wagtail's root page, its site or the Marketers group.
    """
    yield
    from django.db import connections, transaction

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                with transaction.atomic(using=connection.alias):
                    connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _restore_after_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("_migration_data_restored_at_the_end")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test writes uploads to its own folder and starts with an empty cache (and empty per-process copies)."""
    from django.core.cache import cache

    from storefront.caching.fragments import local_fragments
    from storefront.caching.middleware import local_pages
    from storefront.search.cards import local_cards

    def clear():
        cache.clear()
        for local in (local_fragments, local_pages, local_cards):
            local.clear()

    settings.MEDIA_ROOT = tmp_path / "media"
    clear()
    yield
    clear()
