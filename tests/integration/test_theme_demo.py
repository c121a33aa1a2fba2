"""The demo's partner site: created once, safe to load twice, served with its own theme and catalogue."""

import pytest
from wagtail.models import Site

from storefront.plugins.models import PluginSetting
from storefront.themes.demo import load_partner_site
from storefront.themes.models import ThemeSettings
from tests.factories import create_grower, create_listed_product

pytestmark = pytest.mark.django_db


def test_partner_site_is_created_once_with_theme_home_page_and_catalogue(django_app, plugin_host, tmp_path):
    plugin_host.register_installed("site_catalogue")
    thistle = create_grower("Thistle Light Farms")
    thistle.code = "thistle-light-farms"
    thistle.save()
    elsewhere = create_grower("Southern Farm")
    ours, theirs = create_listed_product(thistle, "Dundee lettuce"), create_listed_product(elsewhere, "Kent apples")
    messages = []

    first = load_partner_site(tmp_path, messages.append)
    second = load_partner_site(tmp_path, messages.append)

    assert first["partner_site_created"] and not second["partner_site_created"]
    assert first["partner_home_page_created"] and not second["partner_home_page_created"]
    assert second["partner_growers"] == 1 and second["partner_restricted"]
    assert any("left out: tyneside-vertical" in m for m in messages)
    site = Site.objects.get(hostname="partner.localhost")
    assert Site.objects.filter(hostname="partner.localhost").count() == 1
    assert ThemeSettings.objects.get(site=site).theme == "harvest"
    assert PluginSetting.objects.get(site=site, plugin_id="site_catalogue").config["growers"] == "thistle-light-farms"
    assert site.root_page.specific.__class__.__name__ == "HomePage"

    host = {"HTTP_HOST": "partner.localhost"}
    home = django_app.get("/", extra_environ=host)
    assert "theme-harvest" in home.text and "Fresh from the indoor farms" in home.text
    assert django_app.get(ours.get_absolute_url(), extra_environ=host).status_code == 200
    assert django_app.get(theirs.get_absolute_url(), extra_environ=host, expect_errors=True).status_code == 404


def test_a_bad_site_description_names_the_file(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "partner.json").write_text('{"theme": "harvest", "colour": "red"}')
    with pytest.raises(ValueError, match=r"partner.json: unknown keys colour"):
        load_partner_site(tmp_path, print)
