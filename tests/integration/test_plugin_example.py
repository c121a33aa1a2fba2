"""The example plugin of docs/plugins.md (plugins/new_arrivals), tested as the docs show it."""

import datetime

import pytest
from django.utils import timezone
from oscar.test.factories import create_product

from storefront.plugins import hookimpl
from storefront.plugins.badges import badges_for
from storefront.plugins.scope import Scope

pytestmark = pytest.mark.django_db


def test_new_products_get_the_badge_and_old_ones_do_not(plugin_host):
    plugin_host.register_installed("new_arrivals")
    new = create_product(title="Basil")
    old = create_product(title="Rocket")
    old.date_created = timezone.now() - datetime.timedelta(days=30)
    old.save()
    badges = badges_for([new, old], scope=Scope(configs={"new_arrivals": {"days": 7, "label": "Fresh in"}}))
    assert [b.label for b in badges[new.pk]] == ["Fresh in"]
    assert badges[old.pk] == []


def test_a_broken_plugin_does_not_break_the_page(plugin_host, django_app):
    class Broken:
        @hookimpl
        def storefront_product_badges(self, products):
            raise RuntimeError("down")

    plugin_host.register("broken", Broken())
    create_product(title="Basil")
    assert django_app.get("/shop/catalogue/").status_code == 200
