"""A synthetic catalogue of indoor-grown produce: growers across the UK and their products.

Reusable by any benchmark (search, load) and usable from the command line:

    .venv/bin/python bench/catalogue_generator.py --products 10000 [--seed 7] [--reset]

generate() writes with bulk_create in batches (about 10,000 products a few
seconds on SQLite), sends no model signals and queues no index updates, so
rebuild the search index afterwards (manage.py rebuild_search_index). The
same seed gives the same catalogue: titles, prices, growers, places.

What it makes, per product: a product class (Herbs, Leafy greens,
Microgreens, Fruit, Mushrooms, Edible flowers), a crop category under the
class's category, attributes variety / grade / growing_method / pack_size_kg,
and one or two stock records from growers. Growers (one per 50 products, at
least 10) sit at a gazetteer city with a few kilometres of jitter, with that
city's region and a random set of certifications.
"""

import argparse
import csv
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPC_PREFIX = "SYN"

CROPS = {
    "Herbs": [
        ("Basil", ["Genovese", "Thai", "Lemon", "Purple", "Greek"]),
        ("Coriander", ["Calypso", "Leisure"]),
        ("Mint", ["Spearmint", "Peppermint", "Moroccan"]),
        ("Parsley", ["Flat-leaf", "Curly"]),
        ("Chives", ["Garlic", "Common"]),
        ("Dill", ["Bouquet"]),
        ("Oregano", ["Greek"]),
        ("Thyme", ["Lemon", "English"]),
    ],
    "Leafy greens": [
        ("Lettuce", ["Butterhead", "Romaine", "Lollo Rosso", "Little Gem", "Oakleaf"]),
        ("Spinach", ["Baby"]),
        ("Kale", ["Cavolo Nero", "Curly", "Red Russian"]),
        ("Pak Choi", ["Green", "Purple"]),
        ("Rocket", ["Wild", "Salad"]),
        ("Chard", ["Rainbow", "Ruby"]),
        ("Watercress", ["Aquatic"]),
    ],
    "Microgreens": [
        ("Pea Shoots", ["Tendril", "Speckled"]),
        ("Radish Microgreens", ["Rambo", "China Rose"]),
        ("Sunflower Shoots", ["Black Oil"]),
        ("Broccoli Microgreens", ["Calabrese"]),
        ("Mustard Cress", ["Red Frills"]),
        ("Amaranth Microgreens", ["Red Garnet"]),
    ],
    "Fruit": [
        ("Strawberries", ["Elsanta", "Malling Centenary", "Albion"]),
        ("Cherry Tomatoes", ["Sungold", "Piccolo", "Tigerella"]),
        ("Chillies", ["Jalapeno", "Scotch Bonnet", "Padron"]),
        ("Cucumbers", ["Mini", "Long English"]),
        ("Sweet Peppers", ["Red Bell", "Snack"]),
        ("Aubergines", ["Black Beauty", "Graffiti"]),
    ],
    "Mushrooms": [
        ("Oyster Mushrooms", ["Grey", "King", "Pink", "Golden"]),
        ("Shiitake", ["Forest"]),
        ("Lion's Mane", ["Hericium"]),
        ("Enoki", ["White"]),
    ],
    "Edible flowers": [
        ("Nasturtium", ["Empress of India"]),
        ("Viola", ["Tricolour"]),
        ("Borage", ["Blue"]),
        ("Cornflower", ["Blue Boy"]),
    ],
}
# (label, kilograms, base price in pounds for the smallest pack of a cheap crop)
PACKS = [("100 g punnet", 0.1), ("250 g pack", 0.25), ("500 g pack", 0.5), ("1 kg box", 1.0), ("2 kg box", 2.0),
         ("5 kg case", 5.0), ("10 kg case", 10.0), ("20 kg crate", 20.0)]
PRICE_PER_KG = {"Herbs": 22.0, "Leafy greens": 9.0, "Microgreens": 35.0, "Fruit": 8.0, "Mushrooms": 14.0, "Edible flowers": 60.0}
METHODS = ["hydroponic", "aeroponic", "aquaponic", "vertical farm", "substrate", "deep water culture"]
GRADES = ["Extra", "Class I", "Class II"]
CERTIFICATIONS = ["organic", "gap", "gmp", "pesticide-free"]
NAME_FIRST = ["Green", "Vertical", "Urban", "Canal", "Valley", "Harbour", "Meadow", "Lantern", "Northern", "Copper",
              "Hollow", "Glasshouse", "Riverside", "Orchard", "Moorland", "Station", "Foundry", "Mill"]
NAME_SECOND = ["Farms", "Growers", "Greens", "Harvest", "Leaf Co", "Growhouse", "Produce", "Gardens", "Roots", "Fields"]
FLAVOURS = ["peppery", "sweet", "aromatic", "crisp", "tender", "bright", "nutty", "zesty", "mild", "earthy"]
USES = ["restaurants", "salad bars", "garnish", "juicing", "retail punnets", "catering", "pickling", "stir fries"]


def gazetteer_cities():
    with (ROOT / "content" / "gazetteer" / "uk_places.csv").open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"] == "city"]


def _categories(Category):
    """{crop: category}, creating a category per product class and a child per crop."""
    out = {}
    for class_name, crops in CROPS.items():
        root = Category.objects.filter(depth=1, name=class_name).first() or Category.add_root(name=class_name)
        existing = {child.name: child for child in root.get_children()}
        for crop, _ in crops:
            out[crop] = existing.get(crop) or root.add_child(name=crop)
    return out


def _attributes(ProductClass, ProductAttribute):
    classes, attributes = {}, {}
    for class_name in CROPS:
        product_class, _ = ProductClass.objects.get_or_create(name=class_name, defaults={"requires_shipping": True, "track_stock": True})
        classes[class_name] = product_class
        for code, kind in (("variety", "text"), ("grade", "text"), ("growing_method", "text"), ("pack_size_kg", "float")):
            attributes[class_name, code], _ = ProductAttribute.objects.get_or_create(
                product_class=product_class, code=code, defaults={"name": code.replace("_", " ").capitalize(), "type": kind}
            )
    return classes, attributes


def clear_generated():
    """Delete what generate() made (products by UPC prefix, growers by code prefix)."""
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    deleted = Product.objects.filter(upc__startswith=UPC_PREFIX).delete()[0]
    Partner.objects.filter(code__startswith="syn-").delete()
    return deleted


def generate(products=10000, seed=7, growers=None, batch=2000, progress=None):
    """Write `products` synthetic products (and their growers). Returns a summary dict."""
    from django.db import transaction
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductAttribute = get_model("catalogue", "ProductAttribute")
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    ProductCategory = get_model("catalogue", "ProductCategory")
    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    from storefront.search.tasks import index_updates_paused

    if products < 1:
        raise ValueError("products must be at least 1")
    rng = random.Random(seed)
    started = time.perf_counter()
    cities = gazetteer_cities()
    n_growers = growers or max(10, products // 50)
    with index_updates_paused(), transaction.atomic():
        categories = _categories(Category)
        classes, attributes = _attributes(ProductClass, ProductAttribute)
        offset = Product.objects.filter(upc__startswith=UPC_PREFIX).count()
        partners = []
        first_grower = Partner.objects.filter(code__startswith="syn-").count()
        for g in range(first_grower, first_grower + n_growers):
            city = rng.choice(cities)
            name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {city['name']} {g + 1}"
            partners.append(
                Partner(
                    name=name,
                    code=f"syn-{g + 1}",
                    region=city["region"],
                    city=city["name"],
                    latitude=Decimal(f"{float(city['latitude']) + rng.uniform(-0.12, 0.12):.6f}"),
                    longitude=Decimal(f"{float(city['longitude']) + rng.uniform(-0.18, 0.18):.6f}"),
                    certifications=",".join(sorted(rng.sample(CERTIFICATIONS, rng.choice([0, 1, 1, 2, 2, 3])))),
                    description=f"Indoor grower near {city['name']}.",
                )
            )
        partners = Partner.objects.bulk_create(partners)
        # a grower specialises: two or three product classes each
        speciality = {p.pk: rng.sample(list(CROPS), rng.choice([2, 3])) for p in partners}
        by_class = {c: [p for p in partners if c in speciality[p.pk]] or partners for c in CROPS}

        done = 0
        while done < products:
            size = min(batch, products - done)
            rows, extras = [], []
            for i in range(offset + done, offset + done + size):
                class_name = rng.choice(list(CROPS))
                crop, varieties = rng.choice(CROPS[class_name])
                variety = rng.choice(varieties)
                pack_label, kg = rng.choice(PACKS)
                grower = rng.choice(by_class[class_name])
                method = rng.choice(METHODS)
                title = f"{variety} {crop}, {pack_label}"
                description = (
                    f"{rng.choice(FLAVOURS).capitalize()}, {rng.choice(FLAVOURS)} {crop.lower()} ({variety}) grown "
                    f"{method} by {grower.name} in {grower.city}. Picked to order for {rng.choice(USES)} and "
                    f"{rng.choice(USES)}; {pack_label}."
                )
                rows.append(
                    Product(
                        structure="standalone",
                        is_public=True,
                        upc=f"{UPC_PREFIX}{seed:02d}{i:08d}",
                        title=title,
                        slug=f"{crop}-{variety}-{i}".lower().replace(" ", "-").replace("'", ""),
                        description=description,
                        product_class=classes[class_name],
                        rating=round(rng.uniform(2.5, 5.0), 1) if rng.random() < 0.4 else None,
                    )
                )
                price = PRICE_PER_KG[class_name] * kg * rng.uniform(0.7, 1.4) * (1.25 if "organic" in grower.certifications else 1.0)
                second = rng.choice(by_class[class_name]) if rng.random() < 0.15 else None
                extras.append((class_name, crop, variety, kg, method, grower, second, Decimal(f"{max(price, 0.5):.2f}")))
            created = Product.objects.bulk_create(rows)
            stock, links, values = [], [], []
            for product, (class_name, crop, variety, kg, method, grower, second, price) in zip(created, extras):
                for partner in filter(None, {grower, second}):
                    stock.append(
                        StockRecord(
                            product=product,
                            partner=partner,
                            partner_sku=f"{product.upc}-{partner.pk}",
                            price_currency="GBP",
                            price=price if partner is grower else price * Decimal("1.05"),
                            num_in_stock=0 if rng.random() < 0.12 else rng.randint(1, 500),
                            num_allocated=0,
                        )
                    )
                links.append(ProductCategory(product=product, category=categories[crop]))
                values.extend(
                    [
                        ProductAttributeValue(product=product, attribute=attributes[class_name, "variety"], value_text=variety),
                        ProductAttributeValue(product=product, attribute=attributes[class_name, "grade"], value_text=rng.choice(GRADES)),
                        ProductAttributeValue(product=product, attribute=attributes[class_name, "growing_method"], value_text=method),
                        ProductAttributeValue(product=product, attribute=attributes[class_name, "pack_size_kg"], value_float=kg),
                    ]
                )
            StockRecord.objects.bulk_create(stock)
            ProductCategory.objects.bulk_create(links)
            ProductAttributeValue.objects.bulk_create(values)
            done += size
            if progress:
                progress(done, products)
    return {"products": products, "growers": n_growers, "seconds": round(time.perf_counter() - started, 1), "seed": seed}


def setup_django(settings_module="storefront.settings.dev"):
    for folder in ("site", "plugins", "."):
        path = str(ROOT / folder)
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000, help="How many products to add (default 10000).")
    parser.add_argument("--seed", type=int, default=7, help="Random seed: the same seed gives the same catalogue.")
    parser.add_argument("--growers", type=int, default=None, help="How many growers (default: one per 50 products).")
    parser.add_argument("--reset", action="store_true", help="Delete previously generated products and growers first.")
    parser.add_argument("--migrate", action="store_true", help="Run migrations first (for a new database).")
    args = parser.parse_args(argv)
    if args.products < 1:
        parser.error("--products must be at least 1")
    setup_django()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    if args.reset:
        print(f"Deleted {clear_generated()} generated rows.", file=sys.stderr)

    def progress(done, total):
        print(f"\rGenerating products: {done}/{total}", end="", file=sys.stderr, flush=True)

    summary = generate(args.products, seed=args.seed, growers=args.growers, progress=progress)
    print(file=sys.stderr)
    print(f"Generated {summary['products']} products from {summary['growers']} growers in {summary['seconds']} s "
          f"(seed {summary['seed']}). Now run: manage.py rebuild_search_index")


if __name__ == "__main__":
    main()
