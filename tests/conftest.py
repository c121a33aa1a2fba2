"""Fixtures shared by the whole suite."""

import pytest

pytest_plugins = ["tests.plugin_fixtures"]


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


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test writes uploads to its own folder and starts with an empty cache."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
