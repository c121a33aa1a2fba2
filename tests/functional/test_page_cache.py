"""The page cache (storefront.caching): what an anonymous buyer gets from it, what never goes in, and purging."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory, create_product
from wagtail.models import Page, Site

from storefront.caching.keys import page_key

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.STOREFRONT_PAGE_CACHE = True


@pytest.fixture
def product(django_capture_on_commit_callbacks):
    # Committed, as it would be before anyone views it: its own purge runs now.
    with django_capture_on_commit_callbacks(execute=True):
        return create_product(title="Genovese Basil", price="4.50", num_in_stock=20)


def cache_state(response):
    return response.headers.get("X-Page-Cache")


def visit(app, url):
    """The page as a new anonymous visitor (no cookies) gets it."""
    app.reset()
    return app.get(url)


def test_anonymous_product_page_is_served_from_the_cache_the_second_time(django_app, product):
    url = product.get_absolute_url()
    first = django_app.get(url)
    django_app.reset()  # a new visitor: no cookies
    second = django_app.get(url)
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert "Genovese Basil" in second.text


def test_a_cached_page_gives_each_visitor_a_working_add_to_basket_form(django_app, product):
    url = product.get_absolute_url()
    django_app.get(url)
    django_app.reset()
    page = django_app.get(url)
    assert cache_state(page) == "hit"
    form = next(f for f in page.forms.values() if "basket" in (f.action or ""))
    response = form.submit()
    assert response.status_code == 302
    assert Basket.objects.filter(lines__product=product).exists()


def test_signed_in_users_basket_and_checkout_are_never_cached(django_app, product):
    user = UserFactory()
    assert cache_state(django_app.get(product.get_absolute_url(), user=user)) is None
    django_app.reset()
    assert cache_state(django_app.get(reverse("basket:summary"))) is None
    assert cache_state(django_app.get(reverse("basket:summary"))) is None


def test_a_visitor_with_a_basket_is_not_served_a_shared_page(django_app, product):
    url = product.get_absolute_url()
    django_app.get(url)
    page = django_app.get(url)
    form = next(f for f in page.forms.values() if "basket" in (f.action or ""))
    form.submit()
    assert cache_state(django_app.get(url)) is None  # the header's basket total is theirs


def test_a_page_with_messages_or_cookies_is_not_stored(client, product):
    from django.contrib import messages

    from storefront.caching.middleware import storable

    request = RequestFactory().get("/")
    response = client.get(product.get_absolute_url())
    response.set_cookie("something", "personal")
    assert storable(request, response) is None

    request = RequestFactory().get("/")
    request.session = client.session
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    messages.info(request, "Added to your basket")
    assert storable(request, client.get(reverse("catalogue:index"))) is None


def test_missing_pages_are_not_cached(django_app):
    django_app.get("/shop/catalogue/no-such-thing_999999/", status=404)
    assert cache_state(django_app.get("/shop/catalogue/no-such-thing_999999/", status=404)) == "miss"


def test_a_price_change_purges_the_cached_page(django_app, product, django_capture_on_commit_callbacks):
    url = product.get_absolute_url()
    visit(django_app, url)
    assert cache_state(visit(django_app, url)) == "hit"
    record = product.stockrecords.get()
    record.price = "7.25"
    with django_capture_on_commit_callbacks(execute=True):
        record.save()
    page = visit(django_app, url)
    assert cache_state(page) == "miss"
    assert "7.25" in page.text


def test_stock_running_out_purges_the_cached_page(django_app, product, django_capture_on_commit_callbacks):
    url = product.get_absolute_url()
    visit(django_app, url)
    assert cache_state(visit(django_app, url)) == "hit"
    record = product.stockrecords.get()
    record.num_in_stock = 0
    with django_capture_on_commit_callbacks(execute=True):
        record.save()
    assert cache_state(visit(django_app, url)) == "miss"


def test_publishing_a_page_purges_the_cache(django_app, django_capture_on_commit_callbacks):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    django_app.get("/")
    assert cache_state(django_app.get("/")) == "hit"
    home.title = "Fresh from the grow room"
    revision = home.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    page = django_app.get("/")
    assert cache_state(page) == "miss"
    assert "Fresh from the grow room" in page.text


def test_keys_differ_by_site_theme_and_path():
    factory = RequestFactory()

    def key(host="localhost", path="/", site_pk=1, theme="grown"):
        request = factory.get(path, HTTP_HOST=host)
        request._wagtail_site = Site(pk=site_pk)
        request.theme = type("Theme", (), {"name": theme})()
        return page_key(request, 1)

    assert key() == key()
    assert len({key(), key(host="partner.localhost", site_pk=2), key(theme="harvest"), key(path="/?page=2")}) == 4


def test_keys_differ_by_day(monkeypatch):
    """A page says how fresh produce is: the day before's page is never served (storefront.commerce.freshness)."""
    from datetime import timedelta

    from django.utils import timezone

    request = RequestFactory().get("/")
    today = timezone.localdate()
    keys = set()
    for day in (today, today + timedelta(days=1)):
        monkeypatch.setattr(timezone, "localdate", lambda day=day: day)
        keys.add(page_key(request, 1))
    assert len(keys) == 2


def test_page_cache_off_serves_nothing(settings, django_app, product):
    settings.STOREFRONT_PAGE_CACHE = False
    django_app.get(product.get_absolute_url())
    assert cache_state(django_app.get(product.get_absolute_url())) is None




def test_a_cached_product_page_starts_the_visitors_viewing_history(django_app, product):
    url = product.get_absolute_url()
    django_app.get(url)
    django_app.reset()
    page = django_app.get(url)
    assert cache_state(page) == "hit"
    assert django_app.cookies["oscar_history"].strip('"') == f"[{product.pk}]"


def test_the_category_menu_is_cached_and_refreshed_when_a_category_changes(
    settings, django_app, django_capture_on_commit_callbacks
):
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    ProductCategory = get_model("catalogue", "ProductCategory")

    def category_with_a_product(name):  # the menu lists only categories that lead to products
        ProductCategory.objects.create(product=create_product(title=f"{name} pack"), category=create_from_breadcrumbs(name))

    settings.STOREFRONT_PAGE_CACHE = False  # render each page; only the menu comes from the cache
    settings.STOREFRONT_CATEGORY_TREE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        category_with_a_product("Herbs")
    assert "Herbs" in django_app.get(reverse("catalogue:index")).html.select_one("#site-nav-links").text
    with django_capture_on_commit_callbacks(execute=True):
        category_with_a_product("Mushrooms")
    menu = django_app.get(reverse("catalogue:index")).html.select_one("#site-nav-links").text
    assert "Herbs" in menu and "Mushrooms" in menu


def test_the_site_for_a_host_comes_from_the_cache_until_sites_change(settings, django_capture_on_commit_callbacks):
    from storefront.caching.sites import cached_site_for_request

    settings.STOREFRONT_SITE_CACHE = True
    settings.ALLOWED_HOSTS = ["*"]
    default = Site.objects.get(is_default_site=True)
    request = RequestFactory().get("/", HTTP_HOST="growers.example")
    assert cached_site_for_request(request) == default  # no site of its own: the default site
    with django_capture_on_commit_callbacks(execute=True):
        partner = Site.objects.create(hostname="growers.example", root_page=default.root_page, site_name="Growers")
    assert cached_site_for_request(RequestFactory().get("/", HTTP_HOST="growers.example")) == partner


def test_a_cached_site_costs_no_query(settings, django_assert_num_queries):
    from storefront.caching.sites import cached_site_for_request

    settings.STOREFRONT_SITE_CACHE = True
    cached_site_for_request(RequestFactory().get("/", HTTP_HOST="localhost"))
    with django_assert_num_queries(0):
        site = cached_site_for_request(RequestFactory().get("/", HTTP_HOST="localhost"))
    assert site == Site.objects.get(is_default_site=True)



def test_the_site_its_plugins_and_theme_are_kept_in_the_process_until_a_purge(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from storefront.plugins import middleware
    from storefront.plugins.models import PluginSetting
    from storefront.themes.models import ThemeSettings

    settings.STOREFRONT_SITE_CACHE = True
    computed = []
    scope_for_site = middleware.scope_for_site
    monkeypatch.setattr(middleware, "scope_for_site", lambda *args: computed.append(args) or scope_for_site(*args))
    site = Site.objects.get(is_default_site=True)

    first, second = client.get("/ping").wsgi_request, client.get("/ping").wsgi_request
    assert len(computed) == 1  # the second request asked neither the database nor the shared cache
    assert not first.plugin_scope.allows("new_arrivals") and first.theme.name == "grown"
    assert second._wagtail_site == site and second.plugin_scope == first.plugin_scope

    with django_capture_on_commit_callbacks(execute=True):  # the edits purge after commit
        PluginSetting.objects.create(site=site, plugin_id="new_arrivals", enabled=True, config={"days": 7, "label": "New"})
        ThemeSettings.objects.update_or_create(site=site, defaults={"theme": "harvest"})
    after = client.get("/ping").wsgi_request
    assert len(computed) == 2
    assert after.plugin_scope.allows("new_arrivals") and after.theme.name == "harvest"


def test_nothing_is_queued_when_every_cache_is_off(settings, django_capture_on_commit_callbacks):
    settings.STOREFRONT_PAGE_CACHE = False  # the test settings' site and category caches are off too
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_product(title="Pea shoots", price="3.00", num_in_stock=5)
    from storefront.caching.purge import _bump

    assert _bump not in callbacks
