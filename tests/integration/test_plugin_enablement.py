"""Per-site enablement and configuration, event hooks after commit, the command, checks and the admin page."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

from storefront.plugins import hookimpl
from storefront.plugins.checks import check_plugins
from storefront.plugins.enablement import scope_for_site
from storefront.plugins.models import PluginSetting
from tests.factories import create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites():
    main = Site.objects.get(is_default_site=True)
    partner = Site.objects.create(hostname="partner.localhost", port=80, root_page=main.root_page, site_name="Partner")
    return main, partner


def test_plugins_are_on_by_default_and_switch_per_site(plugin_host, sites):
    plugin_host.register_installed("energy_badges", "new_arrivals")
    main, partner = sites
    assert scope_for_site(main).allows("energy_badges")
    assert not scope_for_site(main).allows("new_arrivals"), "the example plugin is off unless a site turns it on"

    PluginSetting.objects.create(site=partner, plugin_id="energy_badges", enabled=False)
    PluginSetting.objects.create(site=partner, plugin_id="new_arrivals", enabled=True, config={"days": 7})
    partner_scope = scope_for_site(partner)
    assert not partner_scope.allows("energy_badges") and partner_scope.allows("new_arrivals")
    assert partner_scope.config_for("new_arrivals") == {"days": 7, "label": "New"}
    assert scope_for_site(main).allows("energy_badges")


def test_saving_a_setting_refreshes_the_cached_scope(plugin_host, sites):
    plugin_host.register_installed("energy_badges")
    main, _ = sites
    assert scope_for_site(main).allows("energy_badges")
    setting = PluginSetting.objects.create(site=main, plugin_id="energy_badges", enabled=False)
    assert not scope_for_site(main).allows("energy_badges")
    setting.delete()
    assert scope_for_site(main).allows("energy_badges")


@pytest.mark.parametrize(
    ("plugin_id", "config", "field", "message"),
    [
        ("energy_badges", {"thresholds": "5, 4, 3"}, "thresholds", "give 6 thresholds"),
        ("energy_badges", {"renewable_weight": "2"}, "renewable_weight", "less than or equal to 1"),
        ("new_arrivals", {"days": "-3"}, "days", "greater than or equal to 1"),
        ("new_arrivals", {"colour": "red"}, "colour", "has no setting called 'colour'"),
        ("site_catalogue", {"growers": "no-such-grower"}, "growers", "No grower has the code no-such-grower"),
    ],
)
def test_bad_config_is_refused_naming_the_field(plugin_host, sites, plugin_id, config, field, message):
    plugin_host.register_installed(plugin_id)
    with pytest.raises(ValidationError) as raised:
        PluginSetting.objects.create(site=sites[0], plugin_id=plugin_id, config=config)
    text = " ".join(raised.value.message_dict["config"])
    assert f"{field}:" in text and message in text
    assert not PluginSetting.objects.exists()


def test_unknown_plugin_id_is_refused(plugin_host, sites):
    with pytest.raises(ValidationError, match="No installed plugin has the id 'nope'"):
        PluginSetting.objects.create(site=sites[0], plugin_id="nope")


class Recorder:
    def __init__(self):
        self.calls = []

    @hookimpl
    def storefront_order_placed(self, order_id, site_id):
        self.calls.append(("order", order_id, site_id))


def test_event_hooks_run_only_after_commit(plugin_host, django_capture_on_commit_callbacks):
    recorder = Recorder()
    plugin_host.register("recorder", recorder)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            plugin_host.emit("storefront_order_placed", order_id=42, site_id=None)
            assert recorder.calls == [], "nothing may run before the transaction commits"
    assert len(callbacks) == 1
    assert recorder.calls == [("order", 42, None)]


def test_event_hooks_never_run_when_the_transaction_rolls_back(plugin_host, django_capture_on_commit_callbacks):
    recorder = Recorder()
    plugin_host.register("recorder", recorder)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                plugin_host.emit("storefront_order_placed", order_id=7, site_id=None)
                raise RuntimeError("order failed")
    assert callbacks == [] and recorder.calls == []


def test_a_failing_event_is_retried_in_its_own_task(plugin_host, django_capture_on_commit_callbacks, monkeypatch):
    from storefront.plugins.tasks import run_event

    attempts = []

    class Flaky:
        @hookimpl
        def storefront_stock_changed(self, stockrecord_ids):
            attempts.append(list(stockrecord_ids))
            if len(attempts) < 3:
                raise ConnectionError("warehouse API timed out")

    class Steady:
        @hookimpl
        def storefront_stock_changed(self, stockrecord_ids):
            pass

    plugin_host.register("flaky", Flaky())
    plugin_host.register("other", Steady())
    queued = []
    monkeypatch.setattr(run_event, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        plugin_host.emit("storefront_stock_changed", stockrecord_ids=[1, 2], site_id=None)
    # One task per plugin, so retrying the flaky one never repeats the other.
    assert sorted(args[0] for args in queued) == ["flaky", "other"]
    flaky_args = next(args for args in queued if args[0] == "flaky")
    # Run it the way a worker would: each retry re-runs the task (no back-off
    # wait in a test; the test settings' eager propagation would stop at the first retry).
    monkeypatch.setattr(run_event, "retry_backoff", False)
    monkeypatch.setattr(run_event, "default_retry_delay", 0)
    conf = run_event.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    try:
        result = run_event.apply(args=flaky_args, throw=False)
    finally:
        conf.task_eager_propagates = previous
    assert result.successful() and result.get() == "done"
    assert attempts == [[1, 2], [1, 2], [1, 2]]


def test_plugins_command_lists_plugins_as_json(plugin_host, sites, capsys):
    plugin_host.register_installed("energy_badges")
    PluginSetting.objects.create(site=sites[1], plugin_id="energy_badges", enabled=False)
    call_command("plugins", "--json")
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    energy = rows["energy_badges"]
    assert energy["version"] == "1.0.0" and energy["state"] == "loaded"
    assert "storefront_product_badges" in energy["hooks"] and "energy_badges_supply_data" not in energy["hooks"]
    assert energy["enabled_on"] == ["localhost:80"]
    call_command("plugins")
    assert "energy_badges 1.0.0 [loaded]" in capsys.readouterr().out


def test_system_check_reports_plugin_problems(plugin_host):
    class Typo:
        @hookimpl
        def storefront_order_placd(self, order_id):
            pass

    plugin_host.register("typo", Typo())
    [message] = check_plugins(None)
    assert message.id == "plugin_host.E001" and "storefront_order_placd" in message.msg


def config_form(page):
    return next(form for form in page.forms.values() if "thresholds" in form.fields)


def test_admin_page_lists_toggles_and_configures_plugins(django_app, plugin_host, sites):
    plugin_host.register_installed("energy_badges")
    admin = create_user("admin@example.com", staff=True)
    admin.is_superuser = True
    admin.save()
    page = django_app.get("/admin/plugins/", user=admin)
    assert "energy_badges" in page.text and "storefront_product_badges" in page.text

    main = sites[0]
    toggle = [f for f in page.forms.values() if f.action.endswith(f"/energy_badges/{main.pk}/toggle/")][0]
    toggle.submit(user=admin).follow(user=admin)
    assert not scope_for_site(main).allows("energy_badges")

    form = config_form(django_app.get(f"/admin/plugins/energy_badges/{main.pk}/", user=admin))
    form["thresholds"] = "10, 5"
    response = form.submit(user=admin)
    assert response.status_code == 200
    assert "give 6 thresholds" in response.html.select_one('[data-field="thresholds"]').text
    form = config_form(response)
    form["thresholds"] = "2, 4, 6, 8, 10, 12"
    form.submit(user=admin).follow(user=admin)
    assert PluginSetting.objects.get(site=main, plugin_id="energy_badges").config["thresholds"] == "2, 4, 6, 8, 10, 12"


def test_admin_page_is_refused_to_users_without_permission(django_app, plugin_host):
    editor = create_user("editor@example.com", staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert django_app.get("/admin/plugins/", user=editor, expect_errors=True).status_code in (302, 403)


def test_start_up_hooks_collect_urls_blocks_tasks_and_dashboard_entries(plugin_host):
    from types import SimpleNamespace

    from storefront.celery import add_plugin_periodic_tasks, app
    from storefront.plugins.blocks import plugin_blocks
    from storefront.plugins.schedule import plugin_periodic_tasks
    from storefront.plugins.urls import plugin_urlpatterns

    plugin_host.register_installed("energy_badges")
    assert plugin_periodic_tasks(plugin_host)["energy_badges.remind-staff"]["task"] == (
        "energy_badges.tasks.remind_staff_of_unverified_reports"
    )
    assert [name for name, _ in plugin_blocks(plugin_host)] == ["energy_method"]
    [mounted] = plugin_urlpatterns(plugin_host)
    assert str(mounted.pattern) == "plugins/energy_badges/"
    before = dict(app.conf.beat_schedule)
    try:
        merged = {}
        scheduler = SimpleNamespace(merge_inplace=merged.update)
        add_plugin_periodic_tasks(SimpleNamespace(app=app, scheduler=scheduler))  # what beat does when it starts
        assert "energy_badges.remind-staff" in app.conf.beat_schedule
        assert "energy_badges.remind-staff" in merged
        assert "flush-product-counts" in app.conf.beat_schedule
    finally:
        app.conf.beat_schedule = before
    from django.conf import settings

    assert any(entry.get("url_name") == "energy_badges:report-list" for entry in settings.OSCAR_DASHBOARD_NAVIGATION)


def test_energy_method_block_renders_the_sites_thresholds(plugin_host):
    from energy_badges.blocks import EnergyMethodBlock

    block = EnergyMethodBlock()
    html = block.render(block.to_python({"heading": "How we grade", "introduction": ""}))
    assert "How we grade" in html and "up to 5" in html and "over 40" in html


def test_core_signals_reach_event_hooks_after_commit(plugin_host, django_capture_on_commit_callbacks):
    from oscar.test.factories import create_order, create_product, create_stockrecord

    from storefront.plugins.events import emit_products_imported

    seen = []

    class Listener:
        @hookimpl
        def storefront_stock_changed(self, stockrecord_ids):
            seen.append(("stock", list(stockrecord_ids)))

        @hookimpl
        def storefront_order_placed(self, order_id):
            seen.append(("order", order_id))

        @hookimpl
        def storefront_products_imported(self, product_ids):
            seen.append(("imported", list(product_ids)))

    plugin_host.register("listener", Listener())
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            product = create_product(title="Basil")
            record = create_stockrecord(product, num_in_stock=5)
            order = create_order()  # Oscar's OrderCreator sends order_placed
            emit_products_imported([product.pk, product.pk])
            assert seen == []
    assert ("stock", [record.pk]) in seen
    assert ("order", order.pk) in seen and ("imported", [product.pk]) in seen
