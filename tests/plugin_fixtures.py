"""The plugin_host fixture: a fresh plugin host per test, with only the plugins the test registers.

    def test_badges(plugin_host):
        plugin_host.register_installed("energy_badges")   # an installed plugin by id
        plugin_host.register("my_test_plugin", MyPlugin())  # or any object with @hookimpl methods

The process-wide host is put back afterwards, and caches keyed by the host
(the per-site plugin scope) are private to the fresh host, so nothing leaks
into the next test.
"""

import pytest


@pytest.fixture
def plugin_host():
    from storefront.plugins.host import PluginHost, set_host

    host = PluginHost()
    previous = set_host(host)
    try:
        yield host
    finally:
        set_host(previous)
