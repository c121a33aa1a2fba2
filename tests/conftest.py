"""Fixtures shared by the whole suite."""

import pytest

pytest_plugins = ["tests.plugin_fixtures"]


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test writes uploads to its own folder and starts with an empty cache."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
