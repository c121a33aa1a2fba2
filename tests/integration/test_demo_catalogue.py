"""The demo catalogue loader against a real database: counts, rerun, and all-or-nothing on bad data."""

import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from oscar.core.loading import get_model

from storefront.demo.loaders import catalogue as loader
from storefront.demo.loaders.catalogue import DemoDataError, load_catalogue

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

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


def rewrite_products(content_dir, change):
    """Apply change(lines) to products.csv; lines[0] is the header (line 1)."""
    path = content_dir / "catalogue" / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    change(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_into_empty_database_creates_the_catalogue(messages):
    result = load_catalogue(CONTENT_DIR, messages.append)

    growers = Partner.objects.all()
    assert growers.count() >= 6
    assert len({grower.region for grower in growers}) >= 6, "growers should come from different regions"
    assert all(grower.latitude is not None and grower.certification_codes for grower in growers)

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
    lettuce = Product.objects.get(upc="5060900000017")
    assert lettuce.attr.variety == "Rex"
    assert lettuce.attr.pack_unit.option == "head"
    assert lettuce.attr.pack_size == 1.0
    assert {option.option for option in lettuce.attr.certifications} == {"GAP"}
    assert lettuce.attr.harvest_date.isoformat() == "2026-11-16"
    assert lettuce.get_product_class().slug == "leafy-greens"
    assert lettuce.stockrecords.get().partner.code == "forge-lane-farms"

    assert any(message.startswith("Products: 20/") for message in messages)
    assert messages[-1].startswith("Catalogue loaded in")


def test_second_run_creates_and_changes_nothing(messages):
    load_catalogue(CONTENT_DIR, messages.append)
    before = table_counts()
    stamps = dict(Product.objects.values_list("upc", "date_updated"))

    again = load_catalogue(CONTENT_DIR, messages.append)

    assert {key: value for key, value in again.items() if value} == {}
    assert table_counts() == before
    assert dict(Product.objects.values_list("upc", "date_updated")) == stamps


def test_rerun_updates_changed_rows_in_place(broken_content, messages):
    load_catalogue(CONTENT_DIR, messages.append)
    before = table_counts()

    def change(lines):
        # line 2: butterhead 'Rex' 1 head -> new price, stock and grade; line 3: no harvest date
        lines[1] = lines[1].replace(",1.10,381,", ",1.25,90,").replace(",Class II,", ",Extra,")
        lines[2] = lines[2].replace(",2026-11-18,", ",,")

    rewrite_products(broken_content, change)
    result = load_catalogue(broken_content, messages.append)

    assert table_counts() == {**before, "ProductAttributeValue": before["ProductAttributeValue"] - 1}
    assert result["products created"] == 0
    assert result["products updated"] == 2
    assert result["stock records updated"] == 1
    record = StockRecord.objects.get(product__upc="5060900000017")
    assert (record.price, record.num_in_stock) == (Decimal("1.25"), 90)
    assert Product.objects.get(upc="5060900000017").attr.grade.option == "Extra"
    assert not hasattr(Product.objects.get(upc="5060900000024").attr, "harvest_date")


@pytest.mark.parametrize(
    ("line", "old", "new", "expected"),
    [
        (5, ",lagan-growers,", ",nobody-farms,", 'grower "nobody-farms" is not in growers.csv'),
        (9, ",2.05,", ",2,05,", "fields; the header has"),
        (12, ",2.65,", ",£2.65,", 'price "£2.65" is not a number'),
        (20, ",Leafy greens > Lettuce,", ",Leafy greens > Kale,", 'category "Leafy greens > Kale"'),
        (33, ",2026-11-21,", ",2026-13-21,", 'harvest_date "2026-13-21" is not a valid date'),
        (40, ",Class I,", ",First class,", 'grade "First class" is not one of its options'),
    ],
)
def test_bad_row_names_file_and_line_and_writes_nothing(broken_content, messages, line, old, new, expected):
    load_catalogue(CONTENT_DIR, messages.append)
    before = table_counts()
    prices = dict(StockRecord.objects.values_list("partner_sku", "price"))

    def change(lines):
        assert old in lines[line - 1], f"test data moved: {old!r} is not on line {line}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        # A valid change on another line must not be written either.
        lines[1] = lines[1].replace(",1.10,", ",9.99,")

    rewrite_products(broken_content, change)
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
    rewrite_products(broken_content, lambda lines: lines.__setitem__(0, lines[0].replace(",price,", ",cost,")))

    with pytest.raises(DemoDataError) as error:
        load_catalogue(broken_content, messages.append)

    assert "products.csv, line 1: missing column(s): price" in str(error.value)
    assert "unknown column(s): cost" in str(error.value)
    assert Product.objects.count() == 0 and Partner.objects.count() == 0


def test_failure_while_writing_rolls_back_rows_and_stored_files(messages, monkeypatch):
    def fail_on_images(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_sync_images", fail_on_images)
    with pytest.raises(RuntimeError, match="disk full"):
        load_catalogue(CONTENT_DIR, messages.append)

    assert set(table_counts().values()) == {0}
    assert not default_storage.exists(f"{loader.IMAGE_STORAGE_FOLDER}/butterhead.jpg")
