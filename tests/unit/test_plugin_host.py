"""The plugin host without a database: discovery, registration problems, guarded calling, the breaker, ordering."""

import logging
import sys
import types
from importlib.metadata import EntryPoint

import pytest

from storefront.plugins import hookimpl
from storefront.plugins.discovery import discover
from storefront.plugins.host import PluginError, PluginHost
from storefront.plugins.scope import Scope
from storefront.plugins.types import Badge


class Product:
    def __init__(self, pk):
        self.pk = pk


class GoodBadges:
    @hookimpl
    def storefront_product_badges(self, products):
        return {p.pk: [Badge(code="good", label="Good")] for p in products}


class BrokenBadges:
    calls = 0

    @hookimpl
    def storefront_product_badges(self, products):
        BrokenBadges.calls += 1
        raise RuntimeError("badge service down")


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def fake_modules():
    """Plugin modules that exist only for one test, found through fake entry points."""
    created = []

    def make(name, **attrs):
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        sys.modules[name] = module
        created.append(name)
        return module

    yield make
    for name in created:
        sys.modules.pop(name, None)


def test_discovery_reports_a_plugin_that_fails_to_import_and_loads_the_rest(fake_modules, caplog):
    fake_modules("fine_plugin", storefront_search_facets=hookimpl(lambda: {"fine": "Fine"}))
    entry_points = [
        EntryPoint("broken", "no_such_module_anywhere.plugin", "storefront.plugins"),
        EntryPoint("fine", "fine_plugin", "storefront.plugins"),
    ]
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        found = discover(entry_points=entry_points)
    by_id = {p.id: p for p in found}
    assert "No module named 'no_such_module_anywhere'" in by_id["broken"].error
    assert by_id["fine"].loaded
    assert "Plugin broken failed to load" in caplog.text

    host = PluginHost()
    host.load(found)
    assert list(host.plugins) == ["fine"]
    assert [p.plugin_id for p in host.problems] == ["broken"]
    assert host.call("storefront_search_facets") == [{"fine": "Fine"}]


def test_globally_disabled_plugin_is_not_imported_or_registered(fake_modules):
    found = discover(
        disabled={"off"}, entry_points=[EntryPoint("off", "module_that_would_fail_to_import", "storefront.plugins")]
    )
    assert found[0].disabled and not found[0].error and found[0].module is None
    host = PluginHost()
    host.load(found)
    assert host.plugins == {} and host.problems == []


def test_invalid_plugin_id_is_an_error(fake_modules):
    found = discover(entry_points=[EntryPoint("Bad-Name", "whatever", "storefront.plugins")])
    assert "not a valid plugin id" in found[0].error


def test_misspelled_hook_is_reported_with_a_suggestion_and_never_called():
    class Misspelled:
        @hookimpl
        def storefront_product_badge(self, products):  # the hook is storefront_product_badges
            raise AssertionError("must never be called")

    host = PluginHost()
    assert host.register("typo", Misspelled())
    assert len(host.problems) == 1
    message = host.problems[0].message
    assert "'storefront_product_badge', which is not a storefront hook" in message
    assert "did you mean 'storefront_product_badges'" in message
    assert host.call("storefront_product_badges", products=[Product(1)]) == []


def test_wrong_arguments_are_rejected_at_registration():
    class WrongArgs:
        @hookimpl
        def storefront_product_badges(self, products, shoe_size):
            return {}

    host = PluginHost()
    assert not host.register("wrong", WrongArgs())
    assert "wrong" not in host.plugins
    assert "shoe_size" in host.problems[0].message


def test_guarded_call_skips_and_logs_a_raising_plugin(caplog):
    host = PluginHost()
    host.register("good", GoodBadges())
    host.register("broken", BrokenBadges())
    with caplog.at_level(logging.ERROR, logger="storefront.plugins"):
        results = host.call("storefront_product_badges", products=[Product(1)])
    assert results == [{1: [Badge(code="good", label="Good")]}]
    assert "Plugin broken failed in storefront_product_badges and was skipped" in caplog.text
    assert "badge service down" in caplog.text


def test_breaker_opens_after_repeated_failures_and_closes_after_cooldown():
    clock = FakeClock()
    host = PluginHost(breaker_threshold=3, breaker_window=60, breaker_cooldown=300, clock=clock)
    host.register("broken", BrokenBadges())
    BrokenBadges.calls = 0
    for _ in range(3):
        host.call("storefront_product_badges", products=[Product(1)])
    assert host.is_tripped("broken")
    assert "broken" in host.failing()
    host.call("storefront_product_badges", products=[Product(1)])
    assert BrokenBadges.calls == 3, "an open breaker must not call the plugin"
    clock.now += 301
    assert not host.is_tripped("broken")
    host.call("storefront_product_badges", products=[Product(1)])
    assert BrokenBadges.calls == 4


def test_failures_spread_beyond_the_window_do_not_open_the_breaker():
    clock = FakeClock()
    host = PluginHost(breaker_threshold=3, breaker_window=60, breaker_cooldown=300, clock=clock)
    host.register("broken", BrokenBadges())
    for _ in range(5):
        host.call("storefront_product_badges", products=[Product(1)])
        clock.now += 61
    assert not host.is_tripped("broken")


def test_strict_call_raises_with_the_plugin_name():
    host = PluginHost()
    host.register("broken", BrokenBadges())
    with pytest.raises(PluginError, match="plugin 'broken' failed in storefront_product_badges"):
        host.call_strict("storefront_product_badges", products=[Product(1)])


def test_call_order_is_by_plugin_id_and_tryfirst_wins():
    def plugin(label, **opts):
        class P:
            @hookimpl(**opts)
            def storefront_search_facets(self):
                return {label: label}

        return P()

    host = PluginHost()
    host.register("zeta", plugin("zeta"))
    host.register("alpha", plugin("alpha"))
    assert host.call("storefront_search_facets") == [{"alpha": "alpha"}, {"zeta": "zeta"}]
    host.register("last", plugin("last", trylast=True))
    host.register("omega", plugin("omega", tryfirst=True))
    assert [list(r)[0] for r in host.call("storefront_search_facets")] == ["omega", "alpha", "zeta", "last"]


def test_first_result_hook_stops_at_the_first_answer():
    class Theme:
        def __init__(self, name):
            self.name = name

        @hookimpl
        def storefront_site_theme(self, site):
            return self.name

    host = PluginHost()
    host.register("b_theme", Theme("harvest"))
    host.register("a_none", Theme(None))
    assert host.call("storefront_site_theme", site=None) == "harvest"


def test_scope_limits_calls_to_enabled_plugins_and_passes_each_its_own_config():
    class Configured:
        @hookimpl
        def storefront_template_context(self, config):
            return {"label": config["label"]}

    host = PluginHost()
    host.register("one", Configured())
    host.register("two", Configured())
    scope = Scope(enabled=frozenset({"two"}), configs={"one": {"label": "first"}, "two": {"label": "second"}})
    assert host.call("storefront_template_context", scope=scope, request=None) == [{"label": "second"}]


def test_unknown_hook_name_is_a_clear_error():
    with pytest.raises(LookupError, match="not a storefront hook"):
        PluginHost().call("storefront_no_such_hook")


def test_a_plugin_can_add_hooks_that_other_plugins_implement():
    specs = types.ModuleType("extra_specs")
    from storefront.plugins import hookspec

    @hookspec
    def extra_numbers(limit):
        """Numbers up to limit."""

    specs.extra_numbers = extra_numbers

    class Supplier:
        @hookimpl
        def extra_numbers(self, limit):
            return list(range(limit))

    host = PluginHost()
    host.add_hookspecs(specs)
    host.register("supplier", Supplier())
    assert host.problems == []
    assert host.call("extra_numbers", limit=3) == [[0, 1, 2]]
