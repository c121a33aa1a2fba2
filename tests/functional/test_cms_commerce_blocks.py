"""Commerce blocks show live catalogue data (price, image, link) with a query count that does not grow."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model
from oscar.test.factories import CategoryFactory, create_product, create_product_image
from PIL import Image

from storefront.cms import factories

pytestmark = pytest.mark.django_db

ProductCategory = get_model("catalogue", "ProductCategory")

# Queries a commerce block may add to a page, whatever the number of products:
# featured products = the chooser's in_bulk + products + images, stock records
# with their growers, pack sizes (the price per kg or per unit) and public
# children (prefetches); newest products = the same without in_bulk, plus the
# category's URL (the category and its ancestors' slugs).
FEATURED_PRODUCTS_QUERIES = 6
NEWEST_PRODUCTS_QUERIES = 8


def _png(name):
    buffer = BytesIO()
    Image.new("RGB", (60, 40), "#5a8f3c").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _products(count, category=None):
    products = []
    for number in range(count):
        product = create_product(title=f"Basil bunch {number}", price=Decimal("2.50") + number, num_in_stock=10)
        create_product_image(product=product, original=_png(f"basil-{number}.png"))
        if category is not None:
            ProductCategory.objects.create(product=product, category=category)
        products.append(product)
    return products


def _layout_queries(client, home):
    """Queries of a page with no blocks: routing, session, basket, header menu, plugins and theme."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.create_landing_page(home, title="Plain", slug="plain")
    client.get("/plain/")  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        client.get("/plain/")
    return len(queries)


def _page_with(home, block_type, value):
    return factories.create_landing_page(home, title="Shop picks", slug="picks", body=[(block_type, value)])


@pytest.fixture
def home():
    return factories.create_home_page()


@pytest.mark.parametrize("count", [1, 10])
def test_featured_products_show_price_image_and_link_with_flat_queries(
    client, home, count, django_assert_max_num_queries
):
    products = _products(count)
    _page_with(home, "featured_products", {"heading": "This week", "intro": "", "products": [p.pk for p in products]})
    budget = _layout_queries(client, home) + FEATURED_PRODUCTS_QUERIES

    client.get("/picks/")
    with django_assert_max_num_queries(budget):
        response = client.get("/picks/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="product-card"') == count
    for product in products:
        assert product.title in html
        assert f'href="{product.get_absolute_url()}"' in html
        assert product.primary_image().original.url in html
    growers = [p.text.strip() for p in _soup(response).select(".product-card__grower")]
    assert growers == [product.stockrecords.get().partner.name for product in products]
    assert "£2.50" in html


def test_featured_products_keep_the_editors_order_and_skip_hidden_and_deleted_products(client, home):
    first, second, hidden, deleted = _products(4)
    hidden.is_public = False
    hidden.save()
    deleted_pk = deleted.pk
    deleted.delete()
    _page_with(home, "featured_products", {"heading": "", "intro": "",
                                           "products": [second.pk, hidden.pk, deleted_pk, first.pk]})

    html = client.get("/picks/").content.decode()
    assert html.count('class="product-card"') == 2
    assert html.index("Basil bunch 1") < html.index("Basil bunch 0")
    assert "Basil bunch 2" not in html


def test_commerce_blocks_render_nothing_when_the_catalogue_is_empty(client, home):
    factories.create_landing_page(home, title="Shop picks", slug="picks", body=[
        ("featured_products", {"heading": "Picks", "intro": "", "products": [9999]}),
        ("category_grid", {"heading": "Categories", "categories": []}),
        ("newest_products", {"heading": "Newest", "category": None, "count": 4}),
    ])
    response = client.get("/picks/")
    assert response.status_code == 200
    assert b"product-card" not in response.content
    assert b"category-card" not in response.content


def test_category_grid_shows_chosen_categories_with_their_shop_urls(client, home):
    veg = CategoryFactory(name="Vegetables")
    leaves = veg.add_child(name="Salad leaves", slug="salad-leaves")
    herbs = CategoryFactory(name="Herbs")
    empty = CategoryFactory(name="Mushrooms")
    _products(1, category=leaves)
    _products(1, category=herbs)
    _page_with(home, "category_grid", {"heading": "Shop by category",
                                       "categories": [leaves.pk, empty.pk, herbs.pk]})

    response = client.get("/picks/")
    links = [(a["href"], a.select_one(".category-card__name").text) for a in _soup(response).select("a.category-card")]
    # The chosen category with no product is left out: its tile would open an empty listing.
    assert links == [(leaves.get_absolute_url(), "Salad leaves"), (herbs.get_absolute_url(), "Herbs")]


def test_empty_category_grid_shows_the_top_level_categories_that_have_products(client, home):
    veg = CategoryFactory(name="Vegetables")
    leaves = veg.add_child(name="Salad leaves", slug="salad-leaves")
    herbs = CategoryFactory(name="Herbs")
    CategoryFactory(name="Mushrooms")  # no product at all
    flowers = CategoryFactory(name="Edible flowers")
    hidden = _products(1, category=flowers)[0]
    hidden.is_public = False  # a product the shop does not show does not count
    hidden.save()
    _products(1, category=leaves)  # only in the subcategory: the parent's listing shows it
    _products(1, category=herbs)
    _page_with(home, "category_grid", {"heading": "", "categories": []})

    names = [n.text for n in _soup(client.get("/picks/")).select(".category-card__name")]
    assert names == ["Vegetables", "Herbs"]


@pytest.mark.parametrize("count", [1, 10])
def test_newest_products_of_a_category_with_flat_queries(client, home, count, django_assert_max_num_queries):
    herbs = CategoryFactory(name="Herbs")
    products = _products(count, category=herbs)
    _products(2)  # not in the category
    _page_with(home, "newest_products", {"heading": "Just harvested", "category": herbs.pk, "count": 24})
    budget = _layout_queries(client, home) + NEWEST_PRODUCTS_QUERIES

    client.get("/picks/")
    with django_assert_max_num_queries(budget):
        response = client.get("/picks/")
    cards = _soup(response).select(".product-card__title")
    assert [c.text for c in cards] == [p.title for p in reversed(products)]
    assert _soup(response).select_one(".section-head__more")["href"] == herbs.get_absolute_url()


def test_newest_products_include_subcategories_and_respect_the_count(client, home):
    veg = CategoryFactory(name="Vegetables")
    leaves = veg.add_child(name="Salad leaves", slug="salad-leaves")
    _products(2, category=veg)
    newest = _products(1, category=leaves)
    _page_with(home, "newest_products", {"heading": "", "category": veg.pk, "count": 2})

    titles = [c.text for c in _soup(client.get("/picks/")).select(".product-card__title")]
    assert len(titles) == 2
    assert titles[0] == newest[0].title


def test_product_chooser_lists_and_searches_browsable_products(client, home):
    admin = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    basil, chard = create_product(title="Genovese basil"), create_product(title="Rainbow chard")
    child = create_product(title="Basil 50 g", parent=basil)

    response = client.get("/admin/cms/choose-product/")
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Genovese basil" in html and "Rainbow chard" in html
    assert child.title not in html

    results = client.get("/admin/cms/choose-product/results/", {"q": "basil"}).content.decode()
    assert "Genovese basil" in results and "Rainbow chard" not in results

    chosen = client.get(f"/admin/cms/choose-product/chosen/{chard.pk}/").json()
    assert chosen["result"]["id"] == str(chard.pk)


def test_category_chooser_searches_by_name(client, home):
    admin = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    CategoryFactory(name="Herbs")
    CategoryFactory(name="Microgreens")

    results = client.get("/admin/cms/choose-category/results/", {"q": "micro"}).content.decode()
    assert "Microgreens" in results and "Herbs" not in results


def _soup(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser")


def test_block_previews_in_the_admin_use_the_site_stylesheet_and_real_products(client, home):
    from storefront.cms.blocks import BodyStreamBlock

    admin = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    herbs = CategoryFactory(name="Herbs")
    _products(2, category=herbs)

    for name, block in BodyStreamBlock().child_blocks.items():
        response = client.get("/admin/block-preview/", {"id": block.definition_prefix})
        assert response.status_code == 200, name
        assert b"css/storefront.css" in response.content, name
        if name in ("featured_products", "newest_products"):
            assert response.content.count(b'class="product-card"') == 2, name


def test_newest_products_of_a_hidden_category_are_not_shown(client, home):
    herbs = CategoryFactory(name="Herbs", is_public=False)
    _products(2, category=herbs)
    _page_with(home, "newest_products", {"heading": "", "category": herbs.pk, "count": 4})

    assert b"product-card" not in client.get("/picks/").content


def test_the_page_editor_offers_the_product_and_category_choosers(client, home):
    admin = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    basil = _products(1)[0]
    page = _page_with(home, "featured_products", {"heading": "Picks", "intro": "", "products": [basil.pk]})

    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "/admin/cms/choose-product/" in html
    assert "/admin/cms/choose-category/" in html
    assert "Basil bunch 0" in html  # the chosen product's title in the widget state
