"""The demo catalogue files and the loader's checks of them; no database needed."""

import csv
import hashlib
import importlib.util
import shutil
from collections import Counter

import pytest
from django.conf import settings
from PIL import Image

from storefront.commerce.partner.models import CERTIFICATIONS
from storefront.demo.loaders.catalogue import DemoDataError, read_catalogue

CATALOGUE = settings.BASE_DIR / "content" / "catalogue"
GENERATOR = settings.BASE_DIR / "content" / "tools" / "generate_catalogue.py"


@pytest.fixture(scope="module")
def data():
    return read_catalogue(CATALOGUE)


@pytest.fixture
def copy(tmp_path):
    """A copy of content/catalogue that a test may break."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, target)
    return target


def edit(path, line, old, new):
    """Replace old by new on one line (1 = header) of a CSV file, checking the line still holds old."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1], f"{path.name} line {line} no longer contains {old!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems_of(folder):
    with pytest.raises(DemoDataError) as error:
        read_catalogue(folder)
    return error.value


def test_committed_catalogue_has_enough_growers_products_and_categories(data):
    assert len(data.growers) >= 6
    assert len({grower.region for grower in data.growers}) == len(data.growers), "one grower per region"
    assert all(set(grower.certifications) <= set(CERTIFICATIONS) for grower in data.growers)
    assert len(data.products) >= 130
    assert {product.grower for product in data.products} == {grower.code for grower in data.growers}
    assert {product.product_class for product in data.products} == {c.slug for c in data.product_classes}
    for category in data.categories:
        in_subtree = [p for p in data.products if p.category[:len(category.names)] == category.names]
        assert in_subtree, f"{' > '.join(category.names)} has no products"
    assert all(product.price > 0 and product.stock >= 0 for product in data.products)


def test_every_class_has_the_attributes_buyers_filter_on(data):
    expected = {"variety": "text", "grade": "option", "pack_size": "float", "pack_unit": "option",
                "growing_method": "option", "certifications": "multi_option", "harvest_date": "date",
                "shelf_life_days": "integer"}
    for product_class in data.product_classes:
        types = {a.code: a.type for a in data.attributes if a.product_class == product_class.slug}
        assert expected.items() <= types.items(), product_class.slug
    assert data.option_groups["grade"][1] == ["Extra", "Class I", "Class II"]
    assert data.option_groups["pack-unit"][1] == ["g", "kg", "punnet", "tray", "head"]
    assert data.option_groups["growing-method"][1] == ["hydroponic", "aeroponic", "vertical soil", "substrate"]
    assert data.option_groups["certification"][1] == ["Organic", "GAP"]


def test_descriptions_are_varied(data):
    descriptions = Counter(product.description for product in data.products)
    assert len(descriptions) >= 0.9 * len(data.products)
    assert min(len(text) for text in descriptions) >= 80


def test_images_are_small_distinct_jpegs_and_all_used(data):
    files = sorted((CATALOGUE / "images").iterdir())
    assert {path.name for path in files} == {product.image for product in data.products}
    digests = set()
    for path in files:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", (600, 600)), path.name
        assert path.stat().st_size <= 30 * 1024, f"{path.name} is {path.stat().st_size} bytes"
        digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    assert len(digests) == len(files), "each crop has its own picture"


def test_every_grower_has_its_own_logo(data):
    logos = {grower.logo for grower in data.growers}
    assert logos == set(data.logos) == {path.name for path in (CATALOGUE / "logos").iterdir()}
    assert len({hashlib.sha256(path.read_bytes()).hexdigest() for path in data.logos.values()}) == len(logos)


def test_committed_csv_files_are_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_catalogue", GENERATOR)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)

    generator.write_data_files(tmp_path, previous=CATALOGUE / "products.csv")

    for path in sorted(tmp_path.glob("*.csv")):
        assert path.read_bytes() == (CATALOGUE / path.name).read_bytes(), f"{path.name} differs: regenerate it"


@pytest.mark.parametrize(
    ("file", "line", "old", "new", "expected"),
    [
        ("growers.csv", 3, ",gap|pesticide-free,", ",gap|fairtrade,", "unknown certification code(s): fairtrade"),
        ("growers.csv", 4, ",53.800755,", ",153.800755,", 'latitude "153.800755" is out of range'),
        ("growers.csv", 5, "https://ancoats", "ancoats", "is not a URL"),
        ("growers.csv", 6, ",forge-lane-farms.jpg", ",forge-lane.jpg", 'logo "forge-lane.jpg" is not in the logos'),
        ("categories.csv", 3, "Leafy greens > Lettuce", "Leafy veg > Lettuce",
         'parent category "Leafy veg" is not defined above'),
        ("product_classes.csv", 3, ",yes,yes", ",maybe,yes", 'requires_shipping "maybe" is not yes or no'),
        ("attribute_options.csv", 4, ",Class II", ",Class I", 'option "Class I" is listed twice'),
        ("product_attributes.csv", 8, ",date,", ",datetime,", 'type "datetime" is not supported'),
        ("products.csv", 7, ",lagan-growers,", ",lagan-growers,extra,", "the row has 23 fields"),
        ("products.csv", 8, ",GAP,", ",Organic|GAP,", "certifications claim Organic but thistle-light-farms"),
        ("products.csv", 11, ",little-gem.jpg,", ",little-gem.png,", 'image "little-gem.png" is not in the images'),
        ("products.csv", 12, ",2,head,", ",two,head,", 'pack_size "two" is not a valid float'),
        ("products.csv", 13, ",FLF-LIT-006,", ",,", "sku is empty"),
    ],
)
def test_a_bad_cell_is_reported_with_file_line_and_fix(copy, file, line, old, new, expected):
    edit(copy / file, line, old, new)

    error = problems_of(copy)

    located = [p for p in error.problems if p.path.name == file and p.line == line]
    assert located, str(error)
    assert any(expected in p.message for p in located), str(error)
    assert all(p.fix for p in error.problems)
    assert f"{file}, line {line}: " in str(error)


def test_duplicate_upc_names_the_first_line(copy):
    lines = (copy / "products.csv").read_text(encoding="utf-8").splitlines()
    upc = lines[1].split(",")[0]
    edit(copy / "products.csv", 6, lines[5].split(",")[0], upc)

    error = problems_of(copy)

    assert [(p.line, p.message) for p in error.problems] == [(6, f'UPC "{upc}" is already used on line 2')]


def test_missing_file_and_missing_column_are_reported(copy):
    (copy / "product_classes.csv").unlink()
    edit(copy / "growers.csv", 1, ",region,", ",county,")

    error = problems_of(copy)

    messages = {(p.path.name, p.line, p.message) for p in error.problems}
    assert ("product_classes.csv", None, "the file is missing") in messages
    assert ("growers.csv", 1, "missing column(s): region") in messages


def test_many_problems_are_listed_with_a_cap(copy):
    with (copy / "products.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (copy / "products.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "stock": "-1"} for row in rows)

    error = problems_of(copy)

    assert len(error.problems) == len(rows)
    assert f"has {len(rows)} problems; nothing was loaded" in str(error)
    assert f"... and {len(rows) - 25} more" in str(error)


def test_line_numbers_count_blank_lines_and_cells_that_span_lines(copy):
    path = copy / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "")  # file line 4 is blank
    lines[5] = lines[5].replace(",lagan-growers,", ",nobody,").replace('"', '"Two\nlines. ', 1)  # lines 6-7
    lines[7] = lines[7].replace(",lagan-growers,", ",nobody,")  # file line 9
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    error = problems_of(copy)

    assert [(p.line, p.message) for p in error.problems] == [
        (6, 'grower "nobody" is not in growers.csv'), (9, 'grower "nobody" is not in growers.csv')]
