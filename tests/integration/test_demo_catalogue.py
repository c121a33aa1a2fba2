"""The demo catalogue loader against a real database: counts, rerun, and all-or-nothing on bad data."""

import csv
import html
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from oscar.core.loading import get_class, get_model

from storefront.demo.loaders import catalogue as loader
from storefront.demo.loaders.catalogue import DemoDataError, load_catalogue

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

CONTENT_DIR = settings.BASE_DIR / "content"
pytestmark = pytest.mark.django_db


def table_counts():
    return {model.__name__: model.objects.count()
            for model in (Partner, Category, Product, ProductAttributeValue, ProductCategory, ProductImage,
                          StockRecord)}


@pytest.fixture
def messages():
    return []


@pytest.fixture
def broken_content(tmp_path):
    """A copy of content/ whose products.csv a test can break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR / "catalogue", target / "catalogue")
    return target


def product_rows(content_dir=CONTENT_DIR):
    """products.csv as dicts; rows[0] is line 2 of the file."""
    with (content_dir / "catalogue" / "products.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def set_cells(content_dir, changes):
    """Write products.csv with changes = {line number: {column: new value}} applied."""
    rows = product_rows(content_dir)
    for line, cells in changes.items():
        rows[line - 2].update(cells)
    with (content_dir / "catalogue" / "products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def other_grade(grade):
    return "Extra" if grade != "Extra" else "Class I"


def test_load_into_empty_database_creates_the_catalogue(messages):
    load_day = date(2027, 3, 1)  # any day: harvest dates are counted back from the day of loading
    result = load_catalogue(CONTENT_DIR, messages.append, today=load_day)

    growers = Partner.objects.all()
    assert growers.count() >= 6
    assert len({grower.region for grower in growers}) >= 6, "growers should come from different regions"
    assert all(grower.latitude is not None and grower.certification_codes for grower in growers)
    assert all(default_storage.exists(grower.logo.name) for grower in growers)

    products = Product.objects.all()
    assert products.count() >= 120
    assert result["products created"] == products.count()
    assert result["growers created"] == growers.count()
    for product in products.prefetch_related("stockrecords", "images"):
        records = list(product.stockrecords.all())
        assert len(records) == 1, product.upc
        assert records[0].price > Decimal("0") and records[0].num_in_stock is not None, product.upc
        assert records[0].price_currency == "GBP"
        images = list(product.images.all())
        assert len(images) == 1 and default_storage.exists(images[0].original.name), product.upc

    for category in Category.objects.all():
        subtree = category.get_descendants_and_self()
        assert ProductCategory.objects.filter(category__in=subtree).exists(), f"{category.full_name} is empty"
        if category.is_leaf():
            assert category.product_set.exists(), f"leaf {category.full_name} has no products of its own"

    # Attribute values are real Oscar attribute values, read back through product.attr.
    row = product_rows()[0]
    product = Product.objects.get(upc=row["upc"])
    assert (product.title, product.slug, product.description) == (row["title"], row["slug"], row["description"])
    assert product.attr.variety == row["variety"]
    assert product.attr.grade.option == row["grade"]
    assert product.attr.pack_unit.option == row["pack_unit"]
    assert product.attr.pack_size == float(row["pack_size"])
    assert {option.option for option in product.attr.certifications} == set(row["certifications"].split("|"))
    assert product.attr.harvest_date == load_day - timedelta(days=int(row["harvested_days_ago"]))
    assert product.attr.shelf_life_days == int(row["shelf_life_days"])
    assert product.get_product_class().slug == row["product_class"]
    assert product.categories.get().full_name == row["category"]
    record = product.stockrecords.get()
    assert (record.partner.code, record.partner_sku) == (row["grower"], row["sku"])
    assert (record.price, record.num_in_stock) == (Decimal(row["price"]), int(row["stock"]))

    assert any(message.startswith("Products: 20/") for message in messages)
    assert messages[-1].startswith("Catalogue loaded in")


def test_every_demo_product_is_fresh_and_for_sale_on_the_day_it_is_loaded(messages):
    load_day = date(2027, 3, 1)
    load_catalogue(CONTENT_DIR, messages.append, today=load_day)
    strategy = Selector().strategy()
    strategy.today = load_day
    spread = set()
    for product in Product.objects.prefetch_related("stockrecords").select_related("product_class"):
        info = strategy.fetch_for_product(product)
        assert info.availability.is_available_to_buy, product.upc
        fresh = info.availability.freshness
        assert 0 <= fresh.days_since_harvest <= 3 and fresh.days_left >= 1, (product.upc, fresh)
        spread.add(fresh.days_since_harvest)
    assert spread == {0, 1, 2, 3}


def test_loading_on_a_later_day_moves_the_harvest_dates_in_place(messages, django_capture_on_commit_callbacks):
    first_day = date(2027, 3, 1)
    load_catalogue(CONTENT_DIR, messages.append, today=first_day)
    before = table_counts()
    row = product_rows()[0]
    product = Product.objects.get(upc=row["upc"])
    harvested = product.attr.harvest_date

    with django_capture_on_commit_callbacks() as callbacks:
        result = load_catalogue(CONTENT_DIR, messages.append, today=first_day + timedelta(days=5))

    assert table_counts() == before
    assert result["products created"] == 0 and result["products updated"] == before["Product"]
    assert Product.objects.get(upc=row["upc"]).attr.harvest_date == harvested + timedelta(days=5)
    record = StockRecord.objects.get(product=product)
    shelf_life = timedelta(days=int(row["shelf_life_days"]))
    assert record.batches == [[(harvested + timedelta(days=5)).isoformat(),
                               (harvested + timedelta(days=5) + shelf_life).isoformat(), None]]
    assert record.next_best_before == harvested + timedelta(days=5) + shelf_life
    assert callbacks, "the moved products are queued for re-indexing"


def test_second_run_creates_and_changes_nothing(messages, django_capture_on_commit_callbacks):
    load_day = date(2027, 3, 1)
    load_catalogue(CONTENT_DIR, messages.append, today=load_day)
    before = table_counts()
    stamps = dict(Product.objects.values_list("upc", "date_updated"))

    with django_capture_on_commit_callbacks() as callbacks:
        again = load_catalogue(CONTENT_DIR, messages.append, today=load_day)

    assert {key: value for key, value in again.items() if value} == {}
    assert table_counts() == before
    assert dict(Product.objects.values_list("upc", "date_updated")) == stamps
    assert callbacks == [], "nothing changed, so nothing is queued for re-indexing"


def test_rerun_updates_changed_rows_in_place(broken_content, messages):
    load_catalogue(CONTENT_DIR, messages.append)
    before = table_counts()

    first, second = product_rows()[:2]
    new_price = Decimal(first["price"]) + Decimal("0.15")
    new_grade = other_grade(first["grade"])
    # line 2: new price, stock and grade; line 3: the harvest date removed
    set_cells(broken_content, {2: {"price": str(new_price), "stock": "7", "grade": new_grade},
                               3: {"harvested_days_ago": ""}})
    result = load_catalogue(broken_content, messages.append)

    assert table_counts() == {**before, "ProductAttributeValue": before["ProductAttributeValue"] - 1}
    assert result["products created"] == 0
    assert result["products updated"] == 2
    assert result["stock records updated"] == 1
    record = StockRecord.objects.get(product__upc=first["upc"])
    assert (record.price, record.num_in_stock) == (new_price, 7)
    assert Product.objects.get(upc=first["upc"]).attr.grade.option == new_grade
    assert not hasattr(Product.objects.get(upc=second["upc"]).attr, "harvest_date")


@pytest.mark.parametrize(
    ("line", "column", "value", "expected"),
    [
        (5, "grower", "nobody-farms", 'grower "nobody-farms" is not in growers.csv'),
        (9, "price", "2,05", "the row has 23 fields; the header has 22"),
        (12, "price", "£2.65", 'price "£2.65" is not a number'),
        (20, "category", "Leafy greens > Kale", 'category "Leafy greens > Kale" is not in categories.csv'),
        (33, "harvested_days_ago", "2026-11-21", 'harvested_days_ago "2026-11-21" is not a whole number'),
        (34, "harvested_days_ago", "-1", 'harvested_days_ago "-1" is below 0'),
        (35, "harvested_days_ago", "30", "harvested_days_ago 30 is not less than shelf_life_days"),
        (36, "shelf_life_days", "seven", 'shelf_life_days "seven" is not a valid integer'),
        (40, "grade", "First class", 'grade "First class" is not one of its options'),
    ],
)
def test_bad_row_names_file_and_line_and_writes_nothing(broken_content, messages, line, column, value, expected):
    load_catalogue(CONTENT_DIR, messages.append)
    before = table_counts()
    prices = dict(StockRecord.objects.values_list("partner_sku", "price"))

    # A valid change on line 2 must not be written either.
    set_cells(broken_content, {2: {"price": "9.99"}})
    path = broken_content / "catalogue" / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = next(csv.reader([lines[line - 1]]))
    cells[lines[0].split(",").index(column)] = value
    # Written by hand so that "2,05" really lands unquoted, as a spreadsheet slip would.
    lines[line - 1] = ",".join(f'"{cell}"' if "," in cell and cell != value else cell for cell in cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(DemoDataError) as error:
        load_catalogue(broken_content, messages.append)

    text = str(error.value)
    assert f"products.csv, line {line}: " in text
    assert expected in text
    assert "Fix: " in text
    assert [(p.path.name, p.line) for p in error.value.problems] == [("products.csv", line)]
    assert table_counts() == before
    assert dict(StockRecord.objects.values_list("partner_sku", "price")) == prices


def test_missing_column_is_reported_against_the_header(broken_content, messages):
    path = broken_content / "catalogue" / "products.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",price,", ",cost,", 1), encoding="utf-8")

    with pytest.raises(DemoDataError) as error:
        load_catalogue(broken_content, messages.append)

    assert "products.csv, line 1: missing column(s): price" in str(error.value)
    assert "unknown column(s): cost" in str(error.value)
    assert Product.objects.count() == 0 and Partner.objects.count() == 0


def test_a_fixed_harvest_date_column_says_how_to_give_it(broken_content, messages):
    path = broken_content / "catalogue" / "products.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",harvested_days_ago,", ",harvest_date,", 1),
                    encoding="utf-8")

    with pytest.raises(DemoDataError) as error:
        load_catalogue(broken_content, messages.append)

    text = str(error.value)
    assert "missing column(s): harvested_days_ago" in text and "unknown column(s): harvest_date" in text
    assert "give the harvest as harvested_days_ago (whole days before the day the demo is loaded" in text


def test_failure_while_writing_rolls_back_rows_and_stored_files(messages, monkeypatch):
    def fail_on_images(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_sync_images", fail_on_images)
    with pytest.raises(RuntimeError, match="disk full"):
        load_catalogue(CONTENT_DIR, messages.append)

    assert set(table_counts().values()) == {0}
    assert not default_storage.exists(f"{loader.IMAGE_STORAGE_FOLDER}/butterhead.jpg")
    assert not default_storage.exists(f"{loader.LOGO_STORAGE_FOLDER}/severn-fungi.jpg")


def test_a_changed_image_file_replaces_the_stored_copy_under_the_same_name(broken_content, messages):
    load_catalogue(CONTENT_DIR, messages.append)
    image = broken_content / "catalogue" / "images" / "butterhead.jpg"
    image.write_bytes((broken_content / "catalogue" / "images" / "rocket.jpg").read_bytes())

    result = load_catalogue(broken_content, messages.append)

    assert (result["image files created"], result["image files updated"]) == (0, 1)
    stored = f"{loader.IMAGE_STORAGE_FOLDER}/butterhead.jpg"
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == image.read_bytes()
    assert result["product images created"] == 0


@pytest.mark.postgres
def test_category_listing_view_is_refreshed_on_postgres(messages, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: Oscar's product-category materialised view exists only there "
                    "(set DATABASE_URL to a PostgreSQL database to run this test)")
    settings.OSCAR_CATALOGUE_USE_POSTGRES_MATERIALISED_VIEWS = True
    Hierarchy = get_model("catalogue", "ProductCategoryHierarchy")

    load_catalogue(CONTENT_DIR, messages.append)

    herbs = Category.objects.get(slug="herbs", depth=1)
    in_subtree = ProductCategory.objects.filter(category__in=herbs.get_descendants_and_self())
    assert Hierarchy.objects.filter(category_id=herbs.pk).count() == in_subtree.count() > 0


def test_loaded_products_show_in_the_shop(messages, django_app, django_capture_on_commit_callbacks):
    # Committing runs the queued search index update, which category listings read.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_catalogue(CONTENT_DIR, messages.append)
    assert len(callbacks) == 1
    row = product_rows()[0]
    product = Product.objects.get(upc=row["upc"])

    page = django_app.get(product.get_absolute_url())

    assert html.escape(row["title"]) in page.text
    assert f"£{Decimal(row['price']):.2f}" in page.text
    # The page shows a thumbnail that sorl-thumbnail made from the stored copy of the crop image.
    image = page.html.find("img", alt=row["title"])
    assert image is not None and image["src"].startswith(settings.MEDIA_URL)
    assert default_storage.exists(image["src"].removeprefix(settings.MEDIA_URL))
    category = product.categories.get()
    listing = django_app.get(category.get_absolute_url())
    assert html.escape(row["title"]) in listing.text
