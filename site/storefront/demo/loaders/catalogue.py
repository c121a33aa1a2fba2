"""Load the demo produce catalogue (content/catalogue/) into Oscar's models.

The files, described in content/catalogue/README.md:

    growers.csv             Partner rows with the grower profile
    categories.csv          the category tree, parents before children
    product_classes.csv     product classes
    attribute_options.csv   option groups and their options
    product_attributes.csv  the attributes of each product class
    products.csv            products, their attribute values, price, stock, grower, image
    images/                 product images, copied once into media storage
    logos/                  grower logos, likewise

Loading happens in two phases. First every file is read and every row checked
without touching the database; any problem (unknown grower, bad price, unknown
category, missing column, bad date, ...) ends the load with one DemoDataError
listing each file, line and fix, and nothing is written. Then everything is
written in one transaction, matching existing rows by natural key (grower code,
category slug path, product class slug, attribute code, product UPC, stock
record partner, image and logo file name) and updating them in place, so a second run
creates nothing. Products are written in batches with bulk queries, because
saving them one by one through ``product.attr`` costs a handful of queries per
attribute. Bulk writes send no model signals, so the loader itself writes the
stock records' batches (storefront.commerce.freshness) and queues the search
index update for the products it created or changed (after commit).

Harvest dates are relative: products.csv gives ``harvested_days_ago`` and the
loader writes the ``harvest_date`` attribute as that many days before the day
it runs (``today``), so the demo is fresh whenever it is loaded, and loading
it again on a later day moves the dates along. Every product must still be
within its shelf life on that day.
"""

import csv
import keyword
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.checks import use_productcategory_materialised_view
from oscar.core.loading import get_model
from PIL import Image, UnidentifiedImageError

from storefront.commerce import freshness
from storefront.commerce.partner.models import CERTIFICATIONS
from storefront.search.tasks import queue_reindex

AttributeOption = get_model("catalogue", "AttributeOption")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

CATALOGUE_FOLDER = "catalogue"
# A fixed folder, not Oscar's dated one, so a rerun finds the files it stored before.
IMAGE_STORAGE_FOLDER = "images/products/demo"
LOGO_STORAGE_FOLDER = "growers/logos/demo"
PRODUCT_BATCH_SIZE = 20
LIST_SEPARATOR = "|"
CATEGORY_SEPARATOR = " > "
MAX_PROBLEMS_SHOWN = 25

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTE_CODE_RE = re.compile(r"^[a-zA-Z_][0-9a-zA-Z_]*$")
SUPPORTED_ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date", "option", "multi_option")
YES, NO = ("yes", "true", "1"), ("no", "false", "0")
# Product-level certification options that a grower must hold (option text -> grower code).
CERTIFICATION_OPTIONS = {"organic": "organic", "gap": "gap"}

PRODUCT_COLUMNS = ("upc", "slug", "title", "product_class", "category", "grower", "sku", "price", "stock",
                   "image", "description")
# Date attributes given in products.csv as days before the load day, so the demo never goes stale.
RELATIVE_DATE_COLUMNS = {"harvest_date": "harvested_days_ago"}
COLUMN_HINTS = {
    "harvest_date": "give the harvest as harvested_days_ago (whole days before the day the demo is loaded, "
                    "e.g. 2), so the demo's produce is fresh whenever it is loaded",
}
KINDS = ("growers", "categories", "product classes", "product attributes", "attribute options", "products",
         "stock records", "product images", "image files")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None  # None: the file as a whole
    message: str
    fix: str

    def __str__(self):
        where = _display_path(self.path) + (f", line {self.line}" if self.line else "")
        return f"{where}: {self.message}. Fix: {self.fix}"


class DemoDataError(ValueError):
    """The demo content has problems; nothing was written. ``problems`` lists each one."""

    def __init__(self, problems):
        self.problems = list(problems)
        shown = "\n".join(f"  - {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN])
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown += f"\n  ... and {more} more"
        count = len(self.problems)
        super().__init__(f"The demo catalogue has {count} problem{'s' if count != 1 else ''}; "
                         f"nothing was loaded:\n{shown}")


def _display_path(path):
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Phase 1: read and check the files
# --------------------------------------------------------------------------


@dataclass
class GrowerRow:
    code: str
    name: str
    description: str
    region: str
    city: str
    latitude: Decimal | None
    longitude: Decimal | None
    certifications: list
    website: str
    logo: str  # file name in logos/, or ""


@dataclass
class CategoryRow:
    names: tuple
    slugs: tuple
    description: str


@dataclass
class ProductClassRow:
    slug: str
    name: str
    requires_shipping: bool
    track_stock: bool


@dataclass
class AttributeRow:
    product_class: str
    code: str
    name: str
    type: str
    option_group: str
    required: bool


@dataclass
class ProductRow:
    line: int
    upc: str
    slug: str
    title: str
    product_class: str
    category: tuple  # category names from the root
    grower: str
    sku: str
    price: Decimal
    stock: int
    image: str
    description: str
    values: dict  # attribute code -> value (str, int, float, bool, date, option text or list of option texts)


@dataclass
class CatalogueData:
    growers: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    product_classes: list = field(default_factory=list)
    option_groups: dict = field(default_factory=dict)  # code -> (name, [option texts])
    attributes: list = field(default_factory=list)
    products: list = field(default_factory=list)
    images: dict = field(default_factory=dict)  # product image file name -> Path
    logos: dict = field(default_factory=dict)  # grower logo file name -> Path


class _RowReader:
    """One CSV row with typed getters; a bad cell records a problem and returns None."""

    def __init__(self, path, line, cells, problems):
        self.path, self.line, self.cells, self.problems = path, line, cells, problems

    def problem(self, message, fix):
        self.problems.append(Problem(self.path, self.line, message, fix))

    def text(self, column, required=True, max_length=None):
        value = (self.cells.get(column) or "").strip()
        if not value:
            if required:
                self.problem(f"{column} is empty", f"give a {column} on this line")
            return "" if not required else None
        if max_length and len(value) > max_length:
            self.problem(f"{column} is {len(value)} characters long; the limit is {max_length}",
                         f"shorten the {column}")
            return None
        return value

    def slug(self, column, max_length=128):
        value = self.text(column, max_length=max_length)
        if value is not None and not SLUG_RE.match(value):
            self.problem(f'{column} "{value}" is not a slug',
                         "use lower-case letters, digits and single hyphens, e.g. fen-edge-growers")
            return None
        return value

    def flag(self, column):
        value = (self.cells.get(column) or "").strip().lower()
        if value in YES:
            return True
        if value in NO:
            return False
        self.problem(f'{column} "{value}" is not yes or no', f"write yes or no in the {column} column")
        return None

    def decimal(self, column, required=True, places=2, minimum=None, maximum=None, example="12.50"):
        raw = self.text(column, required=required)
        if not raw:
            return None
        try:
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(f'{column} "{raw}" is not a number', f"write a plain number with a dot, e.g. {example}")
            return None
        if -value.as_tuple().exponent > places:
            self.problem(f'{column} "{raw}" has more than {places} decimal places',
                         f"round it to {places} places, e.g. {example}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(f'{column} "{raw}" is out of range', f"give a value between {minimum} and {maximum}")
            return None
        return value

    def integer(self, column, minimum=0):
        raw = self.text(column)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            self.problem(f'{column} "{raw}" is not a whole number', f"write a whole number, e.g. {minimum + 25}")
            return None
        if value < minimum:
            self.problem(f'{column} "{raw}" is below {minimum}', f"give {minimum} or more")
            return None
        return value


def _read_csv(path, required_columns, problems, hints=None):
    """Yield a _RowReader per data row, or record why the file cannot be read.

    ``hints`` gives the fix for a known wrong column ({column: fix}).
    """
    if not path.is_file():
        problems.append(Problem(path, None, "the file is missing", "restore it from version control"))
        return
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        problems.append(Problem(path, None, f"the file cannot be opened ({exc.strerror})", "check its permissions"))
        return
    with handle:
        reader = csv.DictReader(handle, restkey="\0extra")
        try:
            header = reader.fieldnames or []
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(path, 1, f"the header cannot be read ({exc})", "save the file as UTF-8 CSV"))
            return
        missing = [column for column in required_columns if column not in header]
        unknown = [column for column in header if column not in required_columns]
        if missing:
            problems.append(Problem(path, 1, f"missing column(s): {', '.join(missing)}",
                                    f"add them to the header; the columns are: {', '.join(required_columns)}"))
        if unknown:
            fix = "; ".join((hints or {})[column] for column in unknown if column in (hints or {}))
            problems.append(Problem(path, 1, f"unknown column(s): {', '.join(unknown)}",
                                    fix or "remove them or correct their spelling"))
        if missing or unknown:
            return
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                # The line the row starts on: the reader skips blank lines and a quoted cell may span lines.
                start = line - sum(value.count("\n") for value in cells.values() if isinstance(value, str))
                if "\0extra" in cells or None in cells.values():
                    count = len(header) + len(cells.get("\0extra", ())) - list(cells.values()).count(None)
                    problems.append(Problem(path, start, f"the row has {count} fields; the header has {len(header)}",
                                            "check for a missing or extra comma, and quote text that contains commas"))
                    continue
                yield _RowReader(path, start, cells, problems)
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(path, line + 1, f"the row cannot be read ({exc})",
                                    "save the file as UTF-8 CSV and check the quoting"))


def _check_unique(row, seen, key, label):
    """Record a duplicate natural key; return True when the key is new."""
    if key in seen:
        row.problem(f"{label} is already used on line {seen[key]}", f"give this row a different {label.split()[0]}")
        return False
    seen[key] = row.line
    return True


def read_catalogue(folder, today=None):
    """Read and check every file in ``folder``; return CatalogueData or raise DemoDataError.

    Relative dates (``harvested_days_ago``) are counted back from ``today`` (default: the local date).
    """
    folder = Path(folder)
    today = today or timezone.localdate()
    problems = []
    data = CatalogueData()
    if not folder.is_dir():
        raise DemoDataError([Problem(folder, None, "the catalogue folder is missing",
                                     "run from the project root, or restore content/catalogue")])
    _read_growers(folder / "growers.csv", data, problems)
    _read_categories(folder / "categories.csv", data, problems)
    _read_product_classes(folder / "product_classes.csv", data, problems)
    _read_option_groups(folder / "attribute_options.csv", data, problems)
    _read_attributes(folder / "product_attributes.csv", data, problems)
    _read_products(folder / "products.csv", folder / "images", data, problems, today)
    if problems:
        raise DemoDataError(problems)
    return data


def _read_growers(path, data, problems):
    columns = ("code", "name", "description", "region", "city", "latitude", "longitude", "certifications",
               "website", "logo")
    seen = {}
    url = URLValidator(schemes=["http", "https"])
    for row in _read_csv(path, columns, problems):
        code = row.slug("code")
        if code and not _check_unique(row, seen, code, f'code "{code}"'):
            continue
        latitude = row.decimal("latitude", required=False, places=6, minimum=-90, maximum=90, example="52.205337")
        longitude = row.decimal("longitude", required=False, places=6, minimum=-180, maximum=180,
                                example="0.121817")
        if (row.cells["latitude"].strip() == "") != (row.cells["longitude"].strip() == ""):
            row.problem("only one of latitude and longitude is given", "give both, or leave both empty")
        certifications = [c.strip() for c in row.cells["certifications"].split(LIST_SEPARATOR) if c.strip()]
        unknown = [c for c in certifications if c not in CERTIFICATIONS]
        if unknown:
            row.problem(f"unknown certification code(s): {', '.join(unknown)}",
                        f"use codes from {', '.join(CERTIFICATIONS)}, separated by {LIST_SEPARATOR}")
        website = row.text("website", required=False, max_length=200)
        if website:
            try:
                url(website)
            except ValidationError:
                row.problem(f'website "{website}" is not a URL', "give a full address, e.g. https://grower.example")
        logo = row.text("logo", required=False, max_length=100)
        if logo:
            _check_file(row, "logo", logo, path.parent / "logos", data.logos)
        grower = GrowerRow(code=code, name=row.text("name", max_length=128),
                           description=row.text("description", required=False),
                           region=row.text("region", max_length=100), city=row.text("city", max_length=100),
                           latitude=latitude, longitude=longitude, certifications=certifications, website=website,
                           logo=logo)
        data.growers.append(grower)


def _read_categories(path, data, problems):
    seen_paths, seen_slugs = {}, {}
    for row in _read_csv(path, ("path", "slug", "description"), problems):
        raw = row.text("path")
        if raw is None:
            continue
        names = tuple(name.strip() for name in raw.split(CATEGORY_SEPARATOR.strip()))
        if not all(names) or any(len(name) > 255 for name in names):
            row.problem(f'path "{raw}" has an empty or over-long name',
                        f'write category names separated by "{CATEGORY_SEPARATOR}", e.g. Herbs > Basil')
            continue
        slug = row.text("slug", required=False) or slugify(names[-1])
        if not SLUG_RE.match(slug):
            row.problem(f'slug "{slug}" is not a slug', "use lower-case letters, digits and single hyphens")
            continue
        if not _check_unique(row, seen_paths, names, f'path "{raw}"'):
            continue
        parent = next((c for c in data.categories if c.names == names[:-1]), None) if len(names) > 1 else None
        if len(names) > 1 and parent is None:
            row.problem(f'the parent category "{CATEGORY_SEPARATOR.join(names[:-1])}" is not defined above',
                        "add the parent on an earlier line")
            continue
        slugs = (parent.slugs if parent else ()) + (slug,)
        if not _check_unique(row, seen_slugs, slugs, f'slug path "{"/".join(slugs)}"'):
            continue
        data.categories.append(CategoryRow(names=names, slugs=slugs, description=row.text("description", False)))


def _read_product_classes(path, data, problems):
    seen = {}
    for row in _read_csv(path, ("slug", "name", "requires_shipping", "track_stock"), problems):
        slug = row.slug("slug")
        if slug and _check_unique(row, seen, slug, f'slug "{slug}"'):
            data.product_classes.append(ProductClassRow(
                slug=slug, name=row.text("name", max_length=128),
                requires_shipping=row.flag("requires_shipping"), track_stock=row.flag("track_stock")))


def _read_option_groups(path, data, problems):
    for row in _read_csv(path, ("group", "group_name", "option"), problems):
        code, name, option = row.slug("group"), row.text("group_name", max_length=128), row.text("option",
                                                                                                  max_length=255)
        if not (code and name and option):
            continue
        group_name, options = data.option_groups.setdefault(code, (name, []))
        if name != group_name:
            row.problem(f'group "{code}" is named "{name}" here but "{group_name}" above',
                        "use one group_name for every option of a group")
        elif option.lower() in (existing.lower() for existing in options):
            row.problem(f'option "{option}" is listed twice in group "{code}"', "remove the duplicate line")
        else:
            options.append(option)


def _read_attributes(path, data, problems):
    classes = {c.slug for c in data.product_classes}
    seen = {}
    columns = ("product_class", "code", "name", "type", "option_group", "required")
    for row in _read_csv(path, columns, problems):
        product_class, code = row.text("product_class"), row.text("code", max_length=128)
        kind, group = row.text("type"), row.text("option_group", required=False)
        if product_class and product_class not in classes:
            row.problem(f'product class "{product_class}" is not in product_classes.csv',
                        f"use one of: {', '.join(sorted(classes))}")
            continue
        if code and (not ATTRIBUTE_CODE_RE.match(code) or keyword.iskeyword(code)):
            row.problem(f'code "{code}" is not a valid attribute code',
                        "use letters, digits and underscores, not starting with a digit, e.g. pack_size")
            continue
        if kind and kind not in SUPPORTED_ATTRIBUTE_TYPES:
            row.problem(f'type "{kind}" is not supported', f"use one of: {', '.join(SUPPORTED_ATTRIBUTE_TYPES)}")
            continue
        if kind in ("option", "multi_option") and group not in data.option_groups:
            row.problem(f'option group "{group}" is not in attribute_options.csv',
                        f"use one of: {', '.join(data.option_groups)}")
            continue
        if kind not in ("option", "multi_option") and group:
            row.problem(f'a {kind} attribute cannot have an option group', "leave option_group empty")
            continue
        required = row.flag("required")
        if None in (product_class, code, kind, required) or not _check_unique(
                row, seen, (product_class, code), f'code "{code}" for class "{product_class}"'):
            continue
        data.attributes.append(AttributeRow(product_class=product_class, code=code,
                                            name=row.text("name", max_length=128), type=kind, option_group=group,
                                            required=required))


def _attribute_value(row, attribute, option_groups):
    """The Python value of one attribute cell, or None when it is empty or bad (bad records a problem)."""
    raw = (row.cells.get(attribute.code) or "").strip()
    if not raw:
        if attribute.required:
            row.problem(f"{attribute.code} is empty but required for {attribute.product_class}",
                        f"give a {attribute.name.lower()}")
        return None
    kind = attribute.type
    try:
        if kind == "text":
            return raw
        if kind == "integer":
            return int(raw)
        if kind == "float":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if kind == "boolean":
            if raw.lower() in YES + NO:
                return raw.lower() in YES
            raise ValueError
        if kind == "date":
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
                raise ValueError
            return date.fromisoformat(raw)
    except ValueError:
        examples = {"integer": "7", "float": "250 or 2.5", "boolean": "yes or no", "date": "2026-11-21 (YYYY-MM-DD)"}
        row.problem(f'{attribute.code} "{raw}" is not a valid {kind}', f"write it like {examples[kind]}")
        return None
    options = option_groups[attribute.option_group][1]
    by_lower = {option.lower(): option for option in options}
    chosen = [part.strip() for part in raw.split(LIST_SEPARATOR)] if kind == "multi_option" else [raw]
    unknown = [part for part in chosen if part.lower() not in by_lower]
    if unknown:
        row.problem(f'{attribute.code} "{", ".join(unknown)}" is not one of its options',
                    f"use {', '.join(options)}" + (f", separated by {LIST_SEPARATOR}" if kind == "multi_option" else ""))
        return None
    values = list(dict.fromkeys(by_lower[part.lower()] for part in chosen))
    return values if kind == "multi_option" else values[0]


def _days_ago_value(row, attribute, column, today):
    """A date attribute given as whole days before ``today`` (harvested_days_ago); None when empty or bad."""
    raw = (row.cells.get(column) or "").strip()
    if not raw:
        if attribute.required:
            row.problem(f"{column} is empty but required for {attribute.product_class}",
                        "give the whole days between the harvest and the day the demo is loaded, e.g. 2")
        return None
    if attribute.type != "date":
        row.problem(f"{column} is given but the {attribute.code} attribute of {attribute.product_class} is a "
                    f"{attribute.type}, not a date", f"make {attribute.code} a date attribute in product_attributes.csv")
        return None
    try:
        days = int(raw)
    except ValueError:
        row.problem(f'{column} "{raw}" is not a whole number',
                    "write the whole days between the harvest and the day the demo is loaded, e.g. 2 (0: that day)")
        return None
    if days < 0:
        row.problem(f'{column} "{raw}" is below 0', "give 0 (harvested on the day the demo is loaded) or more")
        return None
    return today - timedelta(days=days)


def _check_file(row, column, name, folder, found):
    """Check that the image ``name`` is in ``folder``; record it in ``found`` ({name: path}) when it is."""
    if "/" in name or "\\" in name or name.startswith("."):
        row.problem(f'{column} "{name}" is not a plain file name', f"give the file name in {folder.name}/ only")
        return
    if name in found:
        return
    path = folder / name
    if not path.is_file():
        row.problem(f'{column} "{name}" is not in the {folder.name} folder',
                    f"add the file to content/catalogue/{folder.name} or correct the name")
        return
    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, UnidentifiedImageError):
        row.problem(f'{column} "{name}" is not a readable image', "replace it with a JPEG or PNG file")
        return
    found[name] = path


def _read_products(path, images_folder, data, problems, today):
    attributes = defaultdict(dict)
    for attribute in data.attributes:
        attributes[attribute.product_class][attribute.code] = attribute
    attribute_columns = tuple(dict.fromkeys(a.code for a in data.attributes))
    growers = {g.code: g for g in data.growers}
    categories = {c.names for c in data.categories}
    seen_upc, seen_slug, seen_sku = {}, {}, {}
    file_columns = tuple(RELATIVE_DATE_COLUMNS.get(code, code) for code in attribute_columns)
    for row in _read_csv(path, PRODUCT_COLUMNS + file_columns, problems, hints=COLUMN_HINTS):
        upc = row.text("upc", max_length=64)
        slug = row.slug("slug", max_length=255)
        title = row.text("title", max_length=255)
        product_class = row.text("product_class")
        category_raw = row.text("category")
        grower = row.text("grower")
        sku = row.text("sku", max_length=128)
        price = row.decimal("price", minimum=Decimal("0.01"), maximum=Decimal("9999999999.99"))
        stock = row.integer("stock")
        image = row.text("image", max_length=100)
        description = row.text("description", required=False)
        if upc and not _check_unique(row, seen_upc, upc, f'UPC "{upc}"'):
            continue
        if slug and not _check_unique(row, seen_slug, slug, f'slug "{slug}"'):
            continue
        if grower and sku and not _check_unique(row, seen_sku, (grower, sku), f'SKU "{sku}" for {grower}'):
            continue
        if product_class and product_class not in {c.slug for c in data.product_classes}:
            row.problem(f'product class "{product_class}" is not in product_classes.csv',
                        f"use one of: {', '.join(c.slug for c in data.product_classes)}")
        category = tuple(name.strip() for name in category_raw.split(CATEGORY_SEPARATOR.strip())) \
            if category_raw else None
        if category and category not in categories:
            row.problem(f'category "{category_raw}" is not in categories.csv',
                        f'use a path from categories.csv, e.g. "{CATEGORY_SEPARATOR.join(data.categories[-1].names)}"'
                        if data.categories else "add the category to categories.csv")
        if grower and grower not in growers:
            row.problem(f'grower "{grower}" is not in growers.csv',
                        f"use one of the grower codes: {', '.join(growers)}")
        if image:
            _check_file(row, "image", image, images_folder, data.images)
        values = {}
        class_attributes = attributes.get(product_class, {})
        for code, column in zip(attribute_columns, file_columns, strict=True):
            if code in class_attributes and column != code:
                values[code] = _days_ago_value(row, class_attributes[code], column, today)
            elif code in class_attributes:
                values[code] = _attribute_value(row, class_attributes[code], data.option_groups)
            elif (row.cells.get(column) or "").strip():
                row.problem(f'{column} is given but class "{product_class}" has no {code} attribute',
                            "leave the cell empty or add the attribute to product_attributes.csv")
        harvested, shelf_life = values.get(freshness.HARVEST_DATE), values.get(freshness.SHELF_LIFE)
        if isinstance(harvested, date) and isinstance(shelf_life, int) and (today - harvested).days >= shelf_life:
            row.problem(f"harvested_days_ago {(today - harvested).days} is not less than shelf_life_days "
                        f"{shelf_life}: the product would reach its best-before by the day it is loaded",
                        "give a harvested_days_ago below shelf_life_days, so every demo product can be bought")
        held = growers[grower].certifications if grower in growers else None
        claimed = values.get("certifications") or []
        if held is not None and isinstance(claimed, list):
            missing = [c for c in claimed if CERTIFICATION_OPTIONS.get(c.lower()) not in (None, *held)]
            if missing:
                row.problem(f"certifications claim {', '.join(missing)} but {grower} does not hold it",
                            "remove the claim or add the certification to the grower in growers.csv")
        if None in (upc, slug, title, product_class, category, grower, sku, price, stock, image):
            continue
        data.products.append(ProductRow(line=row.line, upc=upc, slug=slug, title=title, product_class=product_class,
                                        category=category, grower=grower, sku=sku, price=price, stock=stock,
                                        image=image, description=description, values=values))


# --------------------------------------------------------------------------
# Phase 2: write, matching by natural keys
# --------------------------------------------------------------------------


class _Counts:
    def __init__(self):
        self.created = dict.fromkeys(KINDS, 0)
        self.updated = dict.fromkeys(KINDS, 0)
        self.category_links_changed = False
        self.changed_product_ids = set()  # created or updated: to re-index

    def as_dict(self):
        result = {}
        for kind in KINDS:
            result[f"{kind} created"] = self.created[kind]
            result[f"{kind} updated"] = self.updated[kind]
        return result


def _changed_fields(instance, values):
    """Set the differing values on ``instance``; return the names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(model, existing, key, values, counts, kind):
    """Create or update one row found by natural key in ``existing``; return it."""
    instance = existing.get(key)
    if instance is None:
        instance = model.objects.create(**values)
        counts.created[kind] += 1
    elif _changed_fields(instance, values):
        instance.save()
        counts.updated[kind] += 1
    return instance


def load_catalogue(content_dir: Path, progress, today=None) -> dict:
    """Load content_dir/catalogue into the database; return counts created/updated per kind.

    ``progress`` is called with a one-line message as the load goes on. Raises
    DemoDataError, and writes nothing, when a file has a problem. Harvest
    dates are counted back from ``today`` (default: the local date).
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    folder = Path(content_dir) / CATALOGUE_FOLDER
    progress(f"Reading {_display_path(folder)}")
    data = read_catalogue(folder, today)
    progress(f"Checked {len(data.growers)} growers, {len(data.categories)} categories, "
             f"{len(data.products)} products")
    counts = _Counts()
    stored_files = []  # (storage name, previous bytes or None) for each file this run wrote
    try:
        with transaction.atomic():
            _check_database_conflicts(folder, data)
            groups, option_lookup = _sync_option_groups(data, counts)
            classes, attributes = _sync_product_classes(data, groups, counts)
            files = {f"{IMAGE_STORAGE_FOLDER}/{name}": path for name, path in data.images.items()}
            files.update({f"{LOGO_STORAGE_FOLDER}/{name}": path for name, path in data.logos.items()})
            stored = _store_files(files, counts, stored_files)
            image_names = {name: stored[f"{IMAGE_STORAGE_FOLDER}/{name}"] for name in data.images}
            logo_names = {name: stored[f"{LOGO_STORAGE_FOLDER}/{name}"] for name in data.logos}
            growers = _sync_growers(data, logo_names, counts)
            categories = _sync_categories(data, counts)
            context = {"classes": classes, "attributes": attributes, "options": option_lookup,
                       "group_codes": {group.pk: code for code, group in groups.items()},
                       "growers": growers, "categories": categories, "images": image_names, "today": today,
                       "demo_category_ids": {c.pk for c in categories.values()}}
            total = len(data.products)
            for start in range(0, total, PRODUCT_BATCH_SIZE):
                _sync_product_batch(data.products[start:start + PRODUCT_BATCH_SIZE], context, counts)
                progress(f"Products: {min(start + PRODUCT_BATCH_SIZE, total)}/{total}")
            if counts.category_links_changed and use_productcategory_materialised_view():
                # Oscar refreshes this view from ProductCategory signals, which bulk writes do not send.
                with connection.cursor() as cursor:
                    cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY catalogue_product_category_hierarchy")
            queue_reindex(counts.changed_product_ids)
    except BaseException:
        # Storage is not transactional: put back what was there before this run.
        for name, previous in reversed(stored_files):
            default_storage.delete(name)
            if previous is not None:
                default_storage.save(name, ContentFile(previous))
        raise
    result = counts.as_dict()
    created = sum(counts.created.values())
    updated = sum(counts.updated.values())
    progress(f"Catalogue loaded in {time.perf_counter() - started:.1f} s: {created} rows created, "
             f"{updated} updated ({counts.created['products']} products created, "
             f"{counts.updated['products']} updated)")
    return result


def _check_database_conflicts(folder, data):
    """Rows already in the database that would clash with a product's natural keys."""
    problems = []
    path = folder / "products.csv"
    by_sku = {(row.grower, row.sku): row for row in data.products}
    clashes = (StockRecord.objects.filter(partner__code__in={row.grower for row in data.products},
                                          partner_sku__in={row.sku for row in data.products})
               .values_list("partner__code", "partner_sku", "product__upc"))
    for grower, sku, upc in clashes:
        row = by_sku.get((grower, sku))
        if row and row.upc != upc:
            problems.append(Problem(path, row.line, f'{grower} already uses SKU "{sku}" for product {upc}',
                                    "give this product a different sku"))
    if problems:
        raise DemoDataError(problems)


def _sync_option_groups(data, counts):
    """Option groups and options; return ({group code: group}, {group code: {option text: AttributeOption}})."""
    existing = {g.code: g for g in AttributeOptionGroup.objects.filter(code__in=data.option_groups)}
    groups = {code: _upsert(AttributeOptionGroup, existing, code, {"code": code, "name": name}, counts,
                            "attribute options")
              for code, (name, _) in data.option_groups.items()}
    lookup = defaultdict(dict)
    for option in AttributeOption.objects.filter(group__in=groups.values()).select_related("group"):
        lookup[option.group.code][option.option] = option
    new = [AttributeOption(group=groups[code], option=text) for code, (_, options) in data.option_groups.items()
           for text in options if text not in lookup[code]]
    for option in AttributeOption.objects.bulk_create(new):
        lookup[option.group.code][option.option] = option
    counts.created["attribute options"] += len(new)
    if any(option.pk is None for option in new):  # backends that do not return ids from bulk inserts
        for option in AttributeOption.objects.filter(group__in=groups.values()).select_related("group"):
            lookup[option.group.code][option.option] = option
    return groups, lookup


def _sync_product_classes(data, groups, counts):
    existing = {c.slug: c for c in ProductClass.objects.filter(slug__in=[c.slug for c in data.product_classes])}
    classes = {row.slug: _upsert(ProductClass, existing, row.slug,
                                 {"slug": row.slug, "name": row.name, "requires_shipping": row.requires_shipping,
                                  "track_stock": row.track_stock}, counts, "product classes")
               for row in data.product_classes}
    existing = {(a.product_class_id, a.code): a
                for a in ProductAttribute.objects.filter(product_class__in=classes.values())}
    attributes = defaultdict(dict)
    for row in data.attributes:
        product_class = classes[row.product_class]
        values = {"product_class_id": product_class.pk, "code": row.code, "name": row.name, "type": row.type,
                  "option_group_id": groups[row.option_group].pk if row.option_group else None,
                  "required": row.required}
        attributes[row.product_class][row.code] = _upsert(
            ProductAttribute, existing, (product_class.pk, row.code), values, counts, "product attributes")
    return classes, attributes


def _sync_growers(data, logo_names, counts):
    existing = {p.code: p for p in Partner.objects.filter(code__in=[g.code for g in data.growers])}
    return {row.code: _upsert(Partner, existing, row.code,
                              {"code": row.code, "name": row.name, "description": row.description,
                               "region": row.region, "city": row.city, "latitude": row.latitude,
                               "longitude": row.longitude, "certifications": ",".join(row.certifications),
                               "website": row.website, "logo": logo_names.get(row.logo)}, counts, "growers")
            for row in data.growers}


def _sync_categories(data, counts):
    """The category tree; return {names path: Category}. Existing nodes are found by slug path."""
    by_slugs = {}
    by_tree_path = {}
    step = Category.steplen
    for category in Category.objects.order_by("path"):
        parent_slugs = by_tree_path.get(category.path[:-step], ()) if category.depth > 1 else ()
        slugs = parent_slugs + (category.slug,)
        by_tree_path[category.path] = slugs
        by_slugs.setdefault(slugs, category)
    result = {}
    for row in data.categories:
        values = {"name": row.names[-1], "slug": row.slugs[-1], "description": row.description}
        category = by_slugs.get(row.slugs)
        if category is None:
            if len(row.slugs) == 1:
                category = Category.add_root(**values)
            else:
                category = by_slugs[row.slugs[:-1]].add_child(**values)
            by_slugs[row.slugs] = category
            counts.created["categories"] += 1
        elif _changed_fields(category, values):
            category.save()
            counts.updated["categories"] += 1
        result[row.names] = category
    return result


def _store_files(files, counts, stored_files):
    """Copy each image into media storage once; return {wanted storage name: actual storage name}.

    A file already stored with the same bytes is reused; one with other bytes is replaced.
    """
    names = {}
    for name, path in sorted(files.items()):
        content = path.read_bytes()
        previous = None
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                previous = stored.read()
            if previous == content:
                names[name] = name
                continue
            default_storage.delete(name)
            counts.updated["image files"] += 1
        else:
            counts.created["image files"] += 1
        names[name] = default_storage.save(name, ContentFile(content))
        stored_files.append((names[name], previous))
    return names


def _sync_product_batch(rows, context, counts):
    """Products, attribute values, categories, stock records and images for up to one batch of rows."""
    now = timezone.now()
    upcs = [row.upc for row in rows]
    existing = {p.upc: p for p in Product.objects.filter(upc__in=upcs)}
    new, changed = [], []
    for row in rows:
        values = {"title": row.title, "slug": row.slug, "description": row.description,
                  "product_class_id": context["classes"][row.product_class].pk,
                  "structure": Product.STANDALONE, "is_public": True}
        product = existing.get(row.upc)
        if product is None:
            new.append(Product(upc=row.upc, **values))
        elif _changed_fields(product, values):
            changed.append(product)
    Product.objects.bulk_create(new)
    if changed:
        Product.objects.bulk_update(changed, ["title", "slug", "description", "product_class", "structure",
                                              "is_public"])
    counts.created["products"] += len(new)
    products = {p.upc: p for p in Product.objects.filter(upc__in=upcs)}
    new_ids = {products[p.upc].pk for p in new}
    # Existing products whose data changed: they count as updated and get a new date_updated.
    touched = {products[p.upc].pk for p in changed}
    touched |= _sync_attribute_values(rows, products, context) - new_ids
    linked = _sync_product_categories(rows, products, context)
    counts.category_links_changed |= bool(linked)
    touched |= linked - new_ids
    counts.updated["products"] += len(touched)
    stock_touched = _sync_stock_records(rows, products, context, counts)
    image_touched = _sync_images(rows, products, context, counts)
    # The stock records' batches follow the harvest dates just written (bulk writes send no signals).
    fresh_touched, _ = freshness.refresh(product_ids=[p.pk for p in products.values()], today=context["today"])
    bump = touched | stock_touched | image_touched | (fresh_touched - new_ids)
    counts.changed_product_ids |= bump | new_ids
    if bump:
        # Search indexes pick up changes by date_updated; bulk writes skip auto_now.
        Product.objects.filter(pk__in=bump).update(date_updated=now)


def _sync_attribute_values(rows, products, context):
    """Attribute values of the batch; return the ids of the products whose values changed."""
    product_ids = [p.pk for p in products.values()]
    existing = {(v.product_id, v.attribute_id): v for v in ProductAttributeValue.objects.filter(
        product_id__in=product_ids).prefetch_related("value_multi_option")}
    through = ProductAttributeValue.value_multi_option.through
    to_create, multi_for_new, to_update, to_delete = [], [], [], []
    links_to_add, values_to_clear = [], []
    update_fields = set()
    touched = set()
    for row in rows:
        product = products[row.upc]
        for code, attribute in context["attributes"][row.product_class].items():
            value = row.values.get(code)
            current = existing.get((product.pk, attribute.pk))
            options = context["options"].get(context["group_codes"].get(attribute.option_group_id), {})
            if attribute.type == "multi_option":
                wanted = {options[text].pk for text in value or ()} or None
            elif attribute.type == "option":
                wanted = options[value].pk if value is not None else None
            else:
                wanted = value
            field_name = f"value_{attribute.type}" + ("_id" if attribute.type == "option" else "")
            if current is None:
                if wanted is None:
                    continue
                touched.add(product.pk)
                item = ProductAttributeValue(product_id=product.pk, attribute_id=attribute.pk)
                if attribute.type == "multi_option":
                    multi_for_new.append((item, wanted))
                else:
                    setattr(item, field_name, wanted)
                to_create.append(item)
                continue
            if wanted is None:
                to_delete.append(current.pk)
                touched.add(product.pk)
            elif attribute.type == "multi_option":
                have = {option.pk for option in current.value_multi_option.all()}
                if have != wanted:
                    values_to_clear.append(current.pk)
                    links_to_add.extend(through(productattributevalue_id=current.pk, attributeoption_id=pk)
                                        for pk in wanted)
                    touched.add(product.pk)
            elif getattr(current, field_name) != wanted:
                setattr(current, field_name, wanted)
                to_update.append(current)
                update_fields.add(field_name.removesuffix("_id"))
                touched.add(product.pk)
    created = ProductAttributeValue.objects.bulk_create(to_create)
    if multi_for_new and any(item.pk is None for item in created):
        ids = {(v.product_id, v.attribute_id): v.pk for v in ProductAttributeValue.objects.filter(
            product_id__in=product_ids)}
        for item, _ in multi_for_new:
            item.pk = ids[(item.product_id, item.attribute_id)]
    for item, wanted in multi_for_new:
        links_to_add.extend(through(productattributevalue_id=item.pk, attributeoption_id=pk) for pk in wanted)
    if to_update:
        ProductAttributeValue.objects.bulk_update(to_update, sorted(update_fields))
    if to_delete:
        ProductAttributeValue.objects.filter(pk__in=to_delete).delete()
    if values_to_clear:
        through.objects.filter(productattributevalue_id__in=values_to_clear).delete()
    through.objects.bulk_create(links_to_add)
    return touched


def _sync_product_categories(rows, products, context):
    """Each product sits in its file category and in no other demo category; return changed product ids.

    Links to categories that are not in categories.csv (added by a merchandiser) are left alone.
    """
    demo_ids = context["demo_category_ids"]
    links = defaultdict(dict)
    for link in ProductCategory.objects.filter(product__in=list(products.values())):
        links[link.product_id][link.category_id] = link.pk
    new, stale, touched = [], [], set()
    for row in rows:
        product = products[row.upc]
        category_id = context["categories"][row.category].pk
        current = links[product.pk]
        if category_id not in current:
            new.append(ProductCategory(product_id=product.pk, category_id=category_id))
            touched.add(product.pk)
        for other_id, link_id in current.items():
            if other_id != category_id and other_id in demo_ids:
                stale.append(link_id)
                touched.add(product.pk)
    ProductCategory.objects.bulk_create(new)
    if stale:
        ProductCategory.objects.filter(pk__in=stale).delete()
    return touched


def _sync_stock_records(rows, products, context, counts):
    """One stock record per product for its grower; return ids of products whose record changed."""
    currency = settings.OSCAR_DEFAULT_CURRENCY
    existing = {(r.product_id, r.partner_id): r
                for r in StockRecord.objects.filter(product__in=list(products.values()))}
    new, changed = [], []
    for row in rows:
        product, partner = products[row.upc], context["growers"][row.grower]
        values = {"partner_sku": row.sku, "price": row.price, "price_currency": currency,
                  "num_in_stock": row.stock}
        record = existing.get((product.pk, partner.pk))
        if record is None:
            new.append(StockRecord(product_id=product.pk, partner_id=partner.pk, **values))
        elif _changed_fields(record, values):
            record.date_updated = timezone.now()
            changed.append(record)
    StockRecord.objects.bulk_create(new)
    if changed:
        StockRecord.objects.bulk_update(changed, ["partner_sku", "price", "price_currency", "num_in_stock",
                                                  "date_updated"])
    counts.created["stock records"] += len(new)
    counts.updated["stock records"] += len(changed)
    return {r.product_id for r in changed}


def _sync_images(rows, products, context, counts):
    """Each product shows its crop image, matched by the stored file name; return changed product ids."""
    existing = defaultdict(dict)
    for image in ProductImage.objects.filter(product__in=list(products.values())):
        existing[image.product_id][image.original.name] = image
    new, changed = [], []
    for row in rows:
        product = products[row.upc]
        name = context["images"][row.image]
        image = existing[product.pk].get(name)
        if image is None:
            new.append(ProductImage(product_id=product.pk, original=name, caption=row.title[:200],
                                    display_order=len(existing[product.pk])))
        elif _changed_fields(image, {"caption": row.title[:200]}):
            changed.append(image)
    ProductImage.objects.bulk_create(new)
    if changed:
        ProductImage.objects.bulk_update(changed, ["caption"])
    counts.created["product images"] += len(new)
    counts.updated["product images"] += len(changed)
    return {i.product_id for i in changed}
