"""Themes and per-site visibility through real requests on two host names."""

import json

import pytest
from oscar.core.loading import get_model
from wagtail.models import Site

from storefront.plugins.models import PluginSetting
from storefront.themes.models import ThemeSettings
from tests.factories import create_grower, create_listed_product

pytestmark = pytest.mark.django_db

PARTNER_HOST = "partner.localhost"


@pytest.fixture
def sites():
    main = Site.objects.get(is_default_site=True)
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=main.root_page, site_name="Harvest Market")
    ThemeSettings.objects.create(site=partner, theme="harvest")
    return main, partner


@pytest.fixture
def catalogue():
    chosen = create_grower("Chosen Farm")
    other = create_grower("Other Farm")
    return {
        "chosen": create_listed_product(chosen, "Chosen basil"),
        "hidden": create_listed_product(other, "Other rocket"),
        "chosen_grower": chosen,
    }


def get(app, url, host, **kwargs):
    return app.get(url, extra_environ={"HTTP_HOST": host}, **kwargs)


def test_same_url_renders_each_sites_theme(django_app, sites, catalogue, plugin_host):
    url = catalogue["chosen"].get_absolute_url()
    main_page = get(django_app, url, "localhost")
    partner_page = get(django_app, url, PARTNER_HOST)

    assert "theme-grown" in main_page.text and "header-bar" in main_page.text
    assert "/static/themes/grown/css/theme.css" in main_page.text
    assert "theme-harvest" in partner_page.text and "header-centered footer-minimal" in partner_page.text
    assert "/static/themes/harvest/css/theme.css" in partner_page.text
    assert "/static/themes/harvest/img/favicon.svg" in partner_page.text
    # The harvest theme's layout override (brand and footer) is used only on the partner site.
    assert "a partner storefront of" in partner_page.text
    assert "a partner storefront of" not in main_page.text
    assert "--theme-primary: #4a1d3f" in partner_page.text and "--theme-primary: #2f6b3a" in main_page.text


def test_theme_missing_a_template_falls_back_to_the_core(django_app, sites, catalogue, plugin_host, settings, tmp_path):
    bare = tmp_path / "bare"
    (bare / "templates").mkdir(parents=True)
    (bare / "theme.json").write_text(json.dumps({
        "name": "Bare",
        "colours": {key: "#123456" for key in
                    ("primary", "accent", "background", "text", "header_background", "header_text")},
    }))
    settings.STOREFRONT_THEME_DIRS = [tmp_path, *settings.STOREFRONT_THEME_DIRS]
    ThemeSettings.objects.filter(site__hostname=PARTNER_HOST).update(theme="bare")
    from storefront.themes.resolve import forget_site

    forget_site(sites[1].pk)
    page = get(django_app, catalogue["chosen"].get_absolute_url(), PARTNER_HOST)
    assert "theme-bare" in page.text
    assert "Chosen basil" in page.text  # Oscar's detail template and the core layout rendered it
    assert "site-footer" in page.text


def test_hidden_product_is_404_on_the_partner_site_and_visible_on_the_main_one(django_app, sites, catalogue, plugin_host):
    plugin_host.register_installed("site_catalogue")
    PluginSetting.objects.create(
        site=sites[1], plugin_id="site_catalogue", config={"growers": catalogue["chosen_grower"].code}
    )
    hidden_url = catalogue["hidden"].get_absolute_url()
    assert get(django_app, hidden_url, "localhost").status_code == 200
    assert get(django_app, hidden_url, PARTNER_HOST, expect_errors=True).status_code == 404
    assert get(django_app, catalogue["chosen"].get_absolute_url(), PARTNER_HOST).status_code == 200


def test_hidden_product_cannot_be_added_to_the_basket_on_the_partner_site(client, sites, catalogue, plugin_host):
    plugin_host.register_installed("site_catalogue")
    PluginSetting.objects.create(
        site=sites[1], plugin_id="site_catalogue", config={"growers": catalogue["chosen_grower"].code}
    )
    Basket = get_model("basket", "Basket")
    hidden, chosen = catalogue["hidden"], catalogue["chosen"]
    response = client.post(f"/shop/basket/add/{hidden.pk}/", {"quantity": 1}, HTTP_HOST=PARTNER_HOST)
    assert response.status_code == 404
    assert not Basket.objects.filter(lines__product=hidden).exists()
    client.post(f"/shop/basket/add/{chosen.pk}/", {"quantity": 1}, HTTP_HOST=PARTNER_HOST)
    assert Basket.objects.filter(lines__product=chosen).exists()


def test_a_signed_in_buyers_basket_line_hidden_on_the_partner_site_cannot_be_bought_there(
    client, sites, catalogue, plugin_host, settings
):
    """The buyer's basket follows them from site to site; the partner site shows the line but will not sell it."""
    from tests.factories import create_user

    settings.STOREFRONT_REQUIRE_PAYABLE_SELLERS = False  # the growers' payout accounts are another check
    plugin_host.register_installed("site_catalogue")
    PluginSetting.objects.create(
        site=sites[1], plugin_id="site_catalogue", config={"growers": catalogue["chosen_grower"].code}
    )
    hidden, chosen = catalogue["hidden"], catalogue["chosen"]
    client.force_login(create_user("roaming.buyer@example.com"))
    for product in (hidden, chosen):
        assert client.post(f"/shop/basket/add/{product.pk}/", {"quantity": 1}, HTTP_HOST="localhost").status_code == 302

    basket_page = client.get("/shop/basket/", HTTP_HOST=PARTNER_HOST).content.decode()
    assert "Other rocket" in basket_page and "Chosen basil" in basket_page
    assert "&#x27;Other rocket&#x27; is no longer available" in basket_page

    checkout = client.get("/shop/checkout/", HTTP_HOST=PARTNER_HOST, follow=True)
    assert checkout.redirect_chain[-1][0].endswith("/shop/basket/")
    assert "Other rocket&#x27; is no longer available to buy (not sold on this site)" in checkout.content.decode()

    # On the main site, which shows every grower, the same basket goes to checkout.
    response = client.get("/shop/checkout/", HTTP_HOST="localhost")
    assert response.status_code == 302 and "/shop/checkout/shipping-address/" in response["Location"]


# The partner site as a buyer meets it: its own name in every title, no category that leads to nothing,
# and its own growers' products on its home page.

MAIN_NAME, PARTNER_NAME = "Grown Indoors", "Harvest Market"


@pytest.fixture
def partner_shop(plugin_host):
    """A main and a partner site with their own home pages; the partner sells only the northern grower's produce."""
    from haystack import connections
    from wagtail.models import Page

    from storefront.cms import factories as cms
    from storefront.cms.models import HomePage
    from storefront.search.indexing import rebuild

    connections["default"].get_backend().refresh_interval = 0
    plugin_host.register_installed("site_catalogue")
    Category = get_model("catalogue", "Category")
    leafy = Category.add_root(name="Leafy greens", slug="leafy-greens")
    lettuce = leafy.add_child(name="Lettuce", slug="lettuce")
    leafy.refresh_from_db()
    leafy.add_child(name="Salad leaves", slug="salad-leaves")  # no product anywhere
    herbs = Category.add_root(name="Herbs", slug="herbs")
    mushrooms = Category.add_root(name="Mushrooms", slug="mushrooms")
    Category.add_root(name="Edible flowers", slug="edible-flowers")  # no product anywhere
    north, south = create_grower("Thistle Light Farms"), create_grower("Severn Fungi")
    ours = [create_listed_product(north, "Dundee butterhead", category=lettuce),
            create_listed_product(north, "Dundee basil", category=herbs)]
    theirs = [create_listed_product(south, "Bristol oyster mushrooms", category=mushrooms),
              create_listed_product(south, "Bristol mint", category=herbs)]
    featured = [theirs[0].pk, ours[0].pk, theirs[1].pk, ours[1].pk]

    def body(heading):
        return [("category_grid", {"heading": heading, "categories": []}),
                ("featured_products", {"heading": "Picks", "intro": "", "products": featured})]

    main_home = cms.create_home_page(title=MAIN_NAME, body=body("Shop by category"))
    cms.create_standard_page(main_home, title="About us", slug="about")
    partner_home = Page.get_first_root_node().add_child(
        instance=HomePage(title=PARTNER_NAME, slug="harvest-market", body=cms.stream(body("Browse by crop")))
    )
    partner_home.save_revision().publish()
    cms.create_standard_page(partner_home, title="Our growers", slug="growers")
    partner = Site.objects.create(hostname=PARTNER_HOST, port=80, root_page=partner_home, site_name=PARTNER_NAME)
    ThemeSettings.objects.create(site=partner, theme="harvest")
    PluginSetting.objects.create(site=partner, plugin_id="site_catalogue", config={"growers": north.code})
    rebuild()
    return {"ours": ours, "theirs": theirs, "herbs": herbs, "mushrooms": mushrooms, "lettuce": lettuce}


def title_of(page):
    return " ".join(page.html.title.text.split())


def tile_links(page):
    return [(a.select_one(".category-card__name").text, a["href"]) for a in page.html.select("a.category-card")]


def menu_names(page):
    """The category links of the header's Shop menu."""
    return [a.text.strip() for a in page.html.select("#site-nav-links .dropdown-menu a.dropdown-item")
            if "/category/" in a["href"]]


@pytest.mark.parametrize("host, name, other", [("localhost", MAIN_NAME, PARTNER_NAME),
                                               (PARTNER_HOST, PARTNER_NAME, MAIN_NAME)])
def test_every_kind_of_page_is_titled_with_its_own_sites_name(django_app, partner_shop, host, name, other):
    from tests.factories import PASSWORD, create_user

    product = partner_shop["ours"][0]
    cms_page = "/about/" if host == "localhost" else "/growers/"
    urls = ["/", cms_page, "/shop/catalogue/", partner_shop["herbs"].get_absolute_url(), product.get_absolute_url(),
            "/shop/search/?q=basil", "/shop/basket/", "/shop/accounts/login/"]
    titles = {url: title_of(get(django_app, url, host)) for url in urls}
    titles["404"] = title_of(get(django_app, "/no-such-page/", host, status=404))

    page = get(django_app, product.get_absolute_url(), host)
    next(f for f in page.forms.values() if "basket" in (f.action or "")).submit(extra_environ={"HTTP_HOST": host})
    gateway = get(django_app, "/shop/checkout/", host)  # an anonymous buyer is asked to sign in or go on as a guest
    titles["checkout"] = title_of(get(django_app, gateway.location, host))

    create_user("buyer@example.com")
    login = get(django_app, "/shop/accounts/login/", host).forms["login_form"]
    login["login-username"], login["login-password"] = "buyer@example.com", PASSWORD
    login.submit("login_submit", extra_environ={"HTTP_HOST": host})
    titles["account"] = title_of(get(django_app, "/shop/accounts/profile/", host))

    for where, title in titles.items():
        assert name in title and other not in title, (where, title)
    assert titles[partner_shop["herbs"].get_absolute_url()] == f"Herbs | {name} - Fresh produce from indoor growers"
    assert titles["404"] == f"Page not found | {name}"
    assert titles[product.get_absolute_url()].startswith("Dundee butterhead | ")


def test_the_partners_brand_is_in_its_header_and_footer(django_app, partner_shop):
    page = get(django_app, "/", PARTNER_HOST)
    assert page.html.select_one(".site-header .site-brand__name").text.strip() == PARTNER_NAME
    assert f"{PARTNER_NAME} · a partner storefront of {MAIN_NAME}" in page.html.select_one(".harvest-footer").text
    main = get(django_app, "/", "localhost")
    assert main.html.select_one(".site-header .site-brand__name").text.strip() == MAIN_NAME


def test_category_tiles_and_menus_show_only_categories_with_products_on_the_site(django_app, partner_shop):
    main, partner = get(django_app, "/", "localhost"), get(django_app, "/", PARTNER_HOST)

    # Mushrooms are sold only by a grower the partner does not show; edible flowers by no one.
    assert [name for name, _ in tile_links(main)] == ["Leafy greens", "Herbs", "Mushrooms"]
    assert [name for name, _ in tile_links(partner)] == ["Leafy greens", "Herbs"]
    assert menu_names(main) == ["Leafy greens", "Herbs", "Mushrooms"]
    assert menu_names(partner) == ["Leafy greens", "Herbs"]

    # The listing's side menu, subcategories included: salad leaves hold nothing anywhere.
    def sidebar(host):
        listing = get(django_app, "/shop/catalogue/", host)
        menu = listing.html.select_one(".side_categories")  # the first one; the facet lists come next
        return [a.text.strip() for a in menu.select("a")]

    assert sidebar("localhost") == ["Leafy greens", "Lettuce", "Herbs", "Mushrooms"]
    assert sidebar(PARTNER_HOST) == ["Leafy greens", "Lettuce", "Herbs"]


@pytest.mark.parametrize("host", ["localhost", PARTNER_HOST])
def test_each_tile_leads_to_a_listing_with_products_on_that_site(django_app, partner_shop, host):
    shown = {p.title for p in partner_shop["ours"]}
    if host == "localhost":
        shown |= {p.title for p in partner_shop["theirs"]}
    links = tile_links(get(django_app, "/", host))
    assert links
    for name, url in links:
        listing = get(django_app, url, host)
        titles = [a.text.strip() for a in listing.html.select("article.product_pod h3 a")]
        assert titles, f"the {name} tile leads to an empty listing on {host}"
        assert set(titles) <= shown, (name, titles)


def test_the_partner_home_page_lists_only_its_growers_products(django_app, partner_shop):
    def cards(host):
        return [t.text.strip() for t in get(django_app, "/", host).html.select(".product-card__title")]

    # The same featured block on both home pages: the partner's leaves out the other grower's products.
    assert cards(PARTNER_HOST) == ["Dundee butterhead", "Dundee basil"]
    assert cards("localhost") == ["Bristol oyster mushrooms", "Dundee butterhead", "Bristol mint", "Dundee basil"]


def test_pruned_category_tree_is_oscars_tree_of_the_categories_kept(partner_shop):
    """Leaving categories out of the menu keeps its nesting right: as if the empty ones did not exist."""
    from oscar.templatetags.category_tags import get_annotated_list

    from storefront.commerce.catalogue.shown import paths_with_products, product_counts, prune_tree

    Category = get_model("catalogue", "Category")
    pruned = prune_tree(get_annotated_list(), paths_with_products(product_counts()))
    Category.objects.filter(name__in=["Salad leaves", "Edible flowers"]).delete()

    def facts(tree):
        return [(c.category.name, c["url"], c["level"], bool(c.get("has_children")), c["num_to_close"]) for c in tree]

    assert facts(pruned) == facts(get_annotated_list())
    assert [name for name, *_ in facts(pruned)] == ["Leafy greens", "Lettuce", "Herbs", "Mushrooms"]


def test_category_counts_are_one_query_kept_per_site_and_purge_generation(
    django_app, partner_shop, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.STOREFRONT_SITE_CACHE = settings.STOREFRONT_CATEGORY_TREE_CACHE = True  # production

    def count_queries(host):
        with CaptureQueriesContext(connection) as captured:
            page = get(django_app, "/", host)
        return page, [q["sql"] for q in captured if "catalogue_productcategory" in q["sql"] and "COUNT" in q["sql"]]

    page, counted = count_queries(PARTNER_HOST)
    assert len(counted) == 1  # the grid and the menu share it
    assert count_queries(PARTNER_HOST)[1] == []  # kept for the generation
    page, counted = count_queries("localhost")
    assert len(counted) == 1 and "Mushrooms" in menu_names(page)  # another site: its own answer

    # The northern grower starts growing mushrooms: the save purges, and the partner's tile appears.
    with django_capture_on_commit_callbacks(execute=True):
        create_listed_product(partner_shop["ours"][0].stockrecords.get().partner, "Dundee shiitake",
                              category=partner_shop["mushrooms"])
    page, counted = count_queries(PARTNER_HOST)
    assert len(counted) == 1
    assert [name for name, _ in tile_links(page)] == ["Leafy greens", "Herbs", "Mushrooms"]
