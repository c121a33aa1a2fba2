"""Generate the demo produce catalogue in content/catalogue/: CSV files and crop images.

The demo loader reads the committed files; this script is only how they were
made, kept so the data can be regenerated after a change to the crops, growers
or packs below. The output is deterministic (a seeded random generator), so a
rerun with no change here writes identical files.

    python content/tools/generate_catalogue.py [--out content/catalogue]

Needs Pillow (a project dependency). Text is drawn with DejaVu Sans when the
system has it, else with Pillow's bundled font.
"""

import argparse
import csv
import math
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SEED = 20261122
MAX_DAYS_SINCE_HARVEST = 3  # demo produce was harvested 0-3 days before the day the demo is loaded
IMAGE_SIZE = 600
IMAGE_QUALITY = 64

# --------------------------------------------------------------------------
# Growers: one per UK region, each with its growing method and its crops.
# --------------------------------------------------------------------------

GROWERS = [
    {
        "code": "thistle-light-farms",
        "name": "Thistle Light Farms",
        "sku": "TLF",
        "region": "Scotland",
        "city": "Dundee",
        "latitude": "56.462018",
        "longitude": "-2.970721",
        "certifications": "gap",
        "website": "https://thistlelight.example",
        "method": "hydroponic",
        "description": (
            "A converted jute warehouse on the Dundee waterfront, now eight tiers of "
            "hydroponic lettuce and herbs under LED light. Thistle Light supplies "
            "Tayside restaurants within a day of harvest and recirculates 95% of its water."
        ),
        "pitch": "Grown in Dundee under LED light in recirculating hydroponic channels",
    },
    {
        "code": "tyneside-vertical",
        "name": "Tyneside Vertical",
        "sku": "TYV",
        "region": "North East",
        "city": "Newcastle upon Tyne",
        "latitude": "54.978252",
        "longitude": "-1.617780",
        "certifications": "gap,pesticide-free",
        "website": "https://tynesidevertical.example",
        "method": "aeroponic",
        "description": (
            "Aeroponic towers in a former shipyard store on the Tyne. The roots hang in "
            "air and are misted with nutrients, which suits fast crops: Asian greens, "
            "rocket and microgreens for the North East's kitchens."
        ),
        "pitch": "Misted aeroponically in towers by the Tyne",
    },
    {
        "code": "pennine-glasshouse",
        "name": "Pennine Glasshouse Co.",
        "sku": "PGC",
        "region": "Yorkshire and the Humber",
        "city": "Leeds",
        "latitude": "53.800755",
        "longitude": "-1.549077",
        "certifications": "gap,gmp",
        "website": "https://pennineglasshouse.example",
        "method": "substrate",
        "description": (
            "A heated glasshouse and LED-lit growing halls on the edge of Leeds, warmed by "
            "waste heat from a neighbouring data centre. Tomatoes, peppers and cucumbers "
            "on coir substrate, picked ripe rather than shipped green."
        ),
        "pitch": "Grown on coir substrate in Leeds, warmed with recovered heat",
    },
    {
        "code": "ancoats-microgreens",
        "name": "Ancoats Microgreens",
        "sku": "ANM",
        "region": "North West",
        "city": "Manchester",
        "latitude": "53.483959",
        "longitude": "-2.244644",
        "certifications": "organic,pesticide-free",
        "website": "https://ancoatsmicrogreens.example",
        "method": "vertical soil",
        "description": (
            "An organic-certified urban farm in a mill basement in Ancoats. Microgreens and "
            "edible flowers are sown in peat-free compost on vertical racks and delivered "
            "by cargo bike across central Manchester."
        ),
        "pitch": "Sown in organic peat-free compost in a Manchester mill basement",
    },
    {
        "code": "forge-lane-farms",
        "name": "Forge Lane Farms",
        "sku": "FLF",
        "region": "West Midlands",
        "city": "Birmingham",
        "latitude": "52.486244",
        "longitude": "-1.890401",
        "certifications": "gap,pesticide-free",
        "website": "https://forgelane.example",
        "method": "aeroponic",
        "description": (
            "A vertical farm in a Digbeth foundry building, growing lettuce and salad "
            "leaves aeroponically for Midlands wholesalers. Forge Lane plants, harvests "
            "and packs every day of the year."
        ),
        "pitch": "Grown aeroponically in a Digbeth foundry",
    },
    {
        "code": "fen-edge-growers",
        "name": "Fen Edge Growers",
        "sku": "FEG",
        "region": "East of England",
        "city": "Cambridge",
        "latitude": "52.205337",
        "longitude": "0.121817",
        "certifications": "gap",
        "website": "https://fenedge.example",
        "method": "substrate",
        "description": (
            "A family business that moved its strawberries and tomatoes off the fen and "
            "into LED-lit glasshouses north of Cambridge. Table-top substrate beds and "
            "bumblebee pollination give fruit from March to December."
        ),
        "pitch": "Grown on table-top substrate beds north of Cambridge",
    },
    {
        "code": "railway-arches-farm",
        "name": "Railway Arches Farm",
        "sku": "RAF",
        "region": "London",
        "city": "London",
        "latitude": "51.498224",
        "longitude": "-0.067463",
        "certifications": "pesticide-free",
        "website": "https://railwayarches.example",
        "method": "hydroponic",
        "description": (
            "Three railway arches in Bermondsey turned into a hydroponic herb and "
            "microgreen farm. Railway Arches Farm cuts to order for London chefs and "
            "delivers the same morning."
        ),
        "pitch": "Cut to order in hydroponic beds under a Bermondsey railway arch",
    },
    {
        "code": "severn-fungi",
        "name": "Severn Fungi",
        "sku": "SVF",
        "region": "South West",
        "city": "Bristol",
        "latitude": "51.454513",
        "longitude": "-2.587910",
        "certifications": "organic,gmp",
        "website": "https://severnfungi.example",
        "method": "substrate",
        "description": (
            "Gourmet mushrooms fruited on organic hardwood and straw substrate in "
            "climate-controlled rooms in Bristol. Spent substrate goes back to local "
            "allotments as compost."
        ),
        "pitch": "Fruited on organic hardwood and straw substrate in Bristol",
    },
    {
        "code": "taff-valley-leaf",
        "name": "Taff Valley Leaf",
        "sku": "TVL",
        "region": "Wales",
        "city": "Cardiff",
        "latitude": "51.481583",
        "longitude": "-3.179090",
        "certifications": "organic",
        "website": "https://taffvalleyleaf.example",
        "method": "vertical soil",
        "description": (
            "A Soil Association certified vertical farm in Cardiff Bay growing salad leaves "
            "and herbs in living soil beds. Taff Valley Leaf runs on Welsh hydro power and "
            "packs in home-compostable bags."
        ),
        "pitch": "Grown in living soil beds in Cardiff Bay",
    },
    {
        "code": "lagan-growers",
        "name": "Lagan Growers",
        "sku": "LAG",
        "region": "Northern Ireland",
        "city": "Belfast",
        "latitude": "54.597285",
        "longitude": "-5.930120",
        "certifications": "gap",
        "website": "https://lagangrowers.example",
        "method": "hydroponic",
        "description": (
            "A grower-owned co-operative in the Lagan valley, supplying lettuce, basil and "
            "strawberries from deep-water hydroponic halls to shops across Northern Ireland."
        ),
        "pitch": "Grown in deep-water hydroponic halls in the Lagan valley",
    },
]
GROWER_BY_CODE = {grower["code"]: grower for grower in GROWERS}

# --------------------------------------------------------------------------
# Categories, product classes, attributes.
# --------------------------------------------------------------------------

CATEGORIES = [
    ("Leafy greens", "leafy-greens", "Lettuce, salad leaves and Asian greens, cut and packed on the day."),
    ("Leafy greens > Lettuce", "lettuce", "Whole heads of butterhead, cos, Little Gem and loose-leaf lettuce."),
    ("Leafy greens > Salad leaves", "salad-leaves", "Rocket, baby spinach, baby kale, watercress and mixed leaves."),
    ("Leafy greens > Asian greens", "asian-greens", "Pak choi, mizuna and tatsoi for stir-fries and salads."),
    ("Microgreens", "microgreens", "Seedlings cut at the first true leaf: intense flavour, colour and crunch."),
    ("Herbs", "herbs", "Fresh culinary herbs, grown without soil splash or grit."),
    ("Herbs > Basil", "basil", "Sweet, Thai, lemon and purple basil."),
    ("Herbs > Soft herbs", "soft-herbs", "Coriander, parsley, mint, chives, dill and chervil."),
    ("Fruiting crops", "fruiting-crops", "Tomatoes, strawberries, peppers and cucumbers picked ripe."),
    ("Fruiting crops > Tomatoes", "tomatoes", "Cherry, plum, vine and heritage tomatoes."),
    ("Fruiting crops > Strawberries", "strawberries", "Everbearing strawberries from substrate and hydroponic beds."),
    ("Fruiting crops > Peppers", "peppers", "Sweet peppers and chillies, from mild Padron to Scotch bonnet."),
    ("Fruiting crops > Cucumbers", "cucumbers", "Mini and long cucumbers with thin, unwaxed skins."),
    ("Mushrooms", "mushrooms", "Gourmet mushrooms grown on hardwood and straw substrate."),
    ("Mushrooms > Oyster mushrooms", "oyster-mushrooms", "Grey, pink, golden and king oyster mushrooms."),
    ("Mushrooms > Speciality mushrooms", "speciality-mushrooms", "Shiitake, lion's mane, chestnut and enoki."),
    ("Edible flowers", "edible-flowers", "Violas, nasturtiums, borage and more, for plates, cakes and drinks."),
]

PRODUCT_CLASSES = [
    ("leafy-greens", "Leafy greens"),
    ("herbs", "Herbs"),
    ("microgreens", "Microgreens"),
    ("fruiting-crops", "Fruiting crops"),
    ("mushrooms", "Mushrooms"),
    ("edible-flowers", "Edible flowers"),
]

OPTION_GROUPS = [
    ("grade", "Grade", ["Extra", "Class I", "Class II"]),
    ("pack-unit", "Pack unit", ["g", "kg", "punnet", "tray", "head"]),
    ("growing-method", "Growing method", ["hydroponic", "aeroponic", "vertical soil", "substrate"]),
    ("certification", "Certification", ["Organic", "GAP"]),
]

# code, name, type, option group, required: every class has these
COMMON_ATTRIBUTES = [
    ("variety", "Variety", "text", "", True),
    ("grade", "Grade", "option", "grade", True),
    ("pack_size", "Pack size", "float", "", True),
    ("pack_unit", "Pack unit", "option", "pack-unit", True),
    ("growing_method", "Growing method", "option", "growing-method", True),
    ("certifications", "Certifications", "multi_option", "certification", False),
    ("harvest_date", "Harvest date", "date", "", False),
    ("shelf_life_days", "Shelf life (days)", "integer", "", True),
]
CLASS_ATTRIBUTES = {
    "fruiting-crops": [("brix", "Sweetness (°Brix)", "float", "", False)],
    "mushrooms": [("species", "Species", "text", "", True)],
    "edible-flowers": [("colour", "Colour", "text", "", False)],
}

# --------------------------------------------------------------------------
# Packs: (size, unit, price for a crop with price factor 1, stock range, catering?)
# --------------------------------------------------------------------------

PACKS = {
    "heads": [(1, "head", 1.30, (60, 400), False), (2, "head", 2.45, (40, 250), False),
              (12, "head", 12.80, (8, 60), True)],
    "leaf": [(100, "g", 1.35, (80, 400), False), (250, "g", 2.95, (40, 200), False),
             (1, "kg", 9.90, (6, 40), True)],
    "asian": [(250, "g", 1.95, (50, 220), False), (1, "kg", 6.60, (6, 40), True)],
    "micro": [(50, "g", 2.50, (40, 200), False), (1, "tray", 6.40, (10, 60), False),
              (200, "g", 8.60, (8, 50), True)],
    "herb": [(30, "g", 0.95, (80, 400), False), (100, "g", 2.55, (30, 160), False),
             (500, "g", 9.40, (5, 30), True)],
    "tomato": [(250, "g", 1.95, (60, 300), False), (6, "punnet", 10.90, (10, 60), True),
               (5, "kg", 21.50, (4, 30), True)],
    "strawberry": [(400, "g", 3.45, (40, 240), False), (8, "punnet", 25.00, (6, 40), True)],
    "pepper": [(500, "g", 2.40, (40, 200), False), (2.5, "kg", 10.50, (5, 30), True)],
    "chilli": [(100, "g", 1.65, (30, 160), False), (1, "kg", 12.50, (4, 25), True)],
    "cucumber": [(400, "g", 1.60, (40, 200), False), (3, "kg", 9.20, (5, 30), True)],
    "mushroom": [(150, "g", 2.60, (40, 200), False), (500, "g", 7.40, (15, 80), False),
                 (2, "kg", 25.50, (3, 20), True)],
    "flower": [(1, "punnet", 3.95, (20, 120), False), (10, "punnet", 34.00, (3, 20), True)],
}

# --------------------------------------------------------------------------
# Crops. Each crop has one image; its varieties are sold by the named growers.
# --------------------------------------------------------------------------


@dataclass
class Crop:
    key: str
    name: str
    category: str
    product_class: str
    packs: str
    price: float  # multiplies the pack price
    shelf_life: tuple
    drawing: str
    colours: tuple  # main, accent, background
    about: list
    varieties: list  # (variety, grower code, extras dict)
    uses: list = field(default_factory=list)
    # The demo pages feature products by slug; the crop's first retail pack takes this short slug.
    feature_slug: str = ""


LEAF_USES = [
    "Rinse only if you must; it is packed clean and dry.",
    "Keep chilled at 2 to 5 °C and dress just before serving.",
    "A reliable base for salads, wraps and burgers.",
]
HERB_USES = [
    "Store stems in a little water, loosely covered, away from the coldest part of the fridge.",
    "Add at the end of cooking to keep the aroma.",
    "Chefs use it in dressings, salsas and garnishes.",
]
MICRO_USES = [
    "Scatter over salads, tacos, soups and grain bowls just before serving.",
    "Keep chilled and unwashed until use.",
    "A small handful is enough to lift a plate.",
]
FRUIT_USES = [
    "Store at room temperature for the best flavour; chill only when fully ripe.",
    "Good raw, roasted or in sauces.",
]
MUSHROOM_USES = [
    "Keep in the paper bag in the fridge; do not wash, brush clean instead.",
    "Cook hot and fast in a dry pan, then add butter or oil at the end.",
]
FLOWER_USES = [
    "Keep chilled in the punnet and handle by the stem.",
    "For salads, desserts, cocktails and cake decorating.",
]

CROPS = [
    # Lettuce
    Crop("butterhead", "Butterhead lettuce", "Leafy greens > Lettuce", "leafy-greens", "heads", 1.0, (6, 9),
         "lettuce", ((126, 190, 80), (196, 226, 120), (236, 246, 222)),
         ["Soft, buttery leaves that fold around a pale heart.",
          "A tender round lettuce with a sweet, mild flavour and silky texture."],
         [("Rex", "forge-lane-farms", {}), ("Flandria", "lagan-growers", {}), ("Rex", "thistle-light-farms", {})],
         LEAF_USES, "butterhead-lettuce"),
    Crop("little-gem", "Little Gem lettuce", "Leafy greens > Lettuce", "leafy-greens", "heads", 1.1, (7, 10),
         "lettuce", ((92, 160, 64), (170, 214, 110), (230, 242, 214)),
         ["A compact, crunchy cos with a sweet heart, ideal for halving and grilling.",
          "Small upright heads with crisp, juicy ribs."],
         [("Little Gem Pearl", "forge-lane-farms", {}), ("Nymans", "thistle-light-farms", {})],
         LEAF_USES),
    Crop("oakleaf", "Oakleaf lettuce", "Leafy greens > Lettuce", "leafy-greens", "heads", 1.05, (5, 8),
         "lettuce", ((150, 60, 60), (110, 160, 70), (244, 230, 226)),
         ["Deeply lobed leaves in red and green with a gentle, nutty taste.",
          "A loose-leaf lettuce whose lobed leaves hold dressing well."],
         [("Salanova Red Oak", "lagan-growers", {}), ("Navara", "forge-lane-farms", {})],
         LEAF_USES, "red-oak-leaf-lettuce"),
    Crop("romaine", "Romaine lettuce", "Leafy greens > Lettuce", "leafy-greens", "heads", 1.2, (7, 10),
         "lettuce", ((70, 140, 60), (150, 200, 100), (226, 240, 220)),
         ["Long, upright heads with crisp ribs: the Caesar salad lettuce.",
          "Tall cos heads with a refreshing crunch and a slightly bitter edge."],
         [("Lobjoits Green Cos", "thistle-light-farms", {})],
         LEAF_USES),
    # Salad leaves
    Crop("rocket", "Rocket", "Leafy greens > Salad leaves", "leafy-greens", "leaf", 1.15, (5, 7),
         "leaf", ((64, 120, 48), (120, 170, 80), (236, 240, 220)),
         ["Peppery, deeply cut leaves with a clean mustard bite.",
          "Wild-type rocket with narrow leaves and plenty of heat."],
         [("Wild rocket", "tyneside-vertical", {}), ("Skyrocket", "taff-valley-leaf", {}),
          ("Wild rocket", "forge-lane-farms", {})],
         LEAF_USES),
    Crop("baby-spinach", "Baby spinach", "Leafy greens > Salad leaves", "leafy-greens", "leaf", 1.1, (5, 7),
         "leaf", ((40, 110, 50), (90, 160, 80), (222, 238, 222)),
         ["Tender, spoon-shaped young spinach leaves that wilt in seconds.",
          "Smooth baby spinach, mild enough to eat raw."],
         [("Rubino", "taff-valley-leaf", {}), ("Amazon", "forge-lane-farms", {})],
         LEAF_USES),
    Crop("baby-kale", "Baby kale", "Leafy greens > Salad leaves", "leafy-greens", "leaf", 1.2, (6, 8),
         "leaf", ((60, 90, 70), (130, 70, 120), (230, 232, 236)),
         ["Young kale leaves, soft enough for salads, with a sweet brassica flavour.",
          "Frilly baby kale in green and purple."],
         [("Red Russian", "taff-valley-leaf", {}), ("Cavolo Nero", "tyneside-vertical", {})],
         LEAF_USES),
    Crop("watercress", "Watercress", "Leafy greens > Salad leaves", "leafy-greens", "leaf", 1.35, (4, 6),
         "leaf", ((30, 100, 60), (90, 170, 110), (220, 240, 232)),
         ["Round, glossy leaves with a hot, mineral bite.",
          "Hydroponic watercress with a fresh pepperiness and no grit."],
         [("Aqua", "thistle-light-farms", {})],
         LEAF_USES),
    Crop("mixed-leaf", "Mixed baby leaf", "Leafy greens > Salad leaves", "leafy-greens", "leaf", 1.05, (5, 7),
         "leaf", ((100, 150, 60), (160, 60, 80), (240, 236, 226)),
         ["A colourful mix of baby lettuce, chard and mustard leaves.",
          "Red and green baby leaves blended for colour, crunch and a little heat."],
         [("House mix", "forge-lane-farms", {}), ("Welsh garden mix", "taff-valley-leaf", {})],
         LEAF_USES, "mixed-salad-leaves"),
    # Asian greens
    Crop("pak-choi", "Pak choi", "Leafy greens > Asian greens", "leafy-greens", "asian", 1.1, (6, 9),
         "asian", ((70, 150, 70), (236, 240, 220), (226, 240, 232)),
         ["Baby pak choi with juicy white stems and dark spoon-shaped leaves.",
          "Small heads of pak choi, sweet and crunchy, ready to halve and steam."],
         [("Joi Choi", "tyneside-vertical", {}), ("Red Wizard", "tyneside-vertical", {})],
         ["Stir-fry, steam or braise whole.", "Keep chilled and use within a few days for the best crunch."]),
    Crop("mizuna", "Mizuna", "Leafy greens > Asian greens", "leafy-greens", "asian", 1.0, (5, 7),
         "leaf", ((80, 150, 60), (140, 200, 90), (234, 242, 226)),
         ["Feathery, serrated leaves with a mild mustard flavour.",
          "A Japanese salad green with fine, frilly leaves."],
         [("Kyoto", "tyneside-vertical", {}), ("Red Knight", "railway-arches-farm", {})],
         ["Use raw in salads or add to noodle soups at the last moment."]),
    Crop("tatsoi", "Tatsoi", "Leafy greens > Asian greens", "leafy-greens", "asian", 1.1, (5, 7),
         "asian", ((30, 90, 40), (200, 226, 180), (224, 236, 226)),
         ["Glossy, dark rosettes with a gentle sweetness.",
          "Spoon-leaved tatsoi, tender enough for salads and sturdy enough to wok."],
         [("Rosette", "tyneside-vertical", {})],
         ["Wilt into broths or eat raw as a salad green."]),
    # Microgreens
    Crop("pea-shoots", "Pea shoots", "Microgreens", "microgreens", "micro", 0.9, (5, 7),
         "micro", ((110, 180, 70), (220, 240, 190), (240, 236, 226)),
         ["Sweet, crunchy pea shoots with curling tendrils.",
          "Young pea tops that taste of fresh garden peas."],
         [("Tendril pea", "ancoats-microgreens", {}), ("Tendril pea", "railway-arches-farm", {})],
         MICRO_USES, "pea-shoots"),
    Crop("sunflower", "Sunflower shoots", "Microgreens", "microgreens", "micro", 0.95, (5, 7),
         "micro", ((120, 170, 50), (250, 210, 60), (246, 240, 220)),
         ["Thick, nutty sunflower shoots with a satisfying crunch.",
          "Black oil sunflower cut young: juicy stems and a toasted-seed flavour."],
         [("Black oil", "ancoats-microgreens", {})],
         MICRO_USES, "sunflower-microgreens"),
    Crop("radish-micro", "Radish microgreens", "Microgreens", "microgreens", "micro", 1.0, (6, 8),
         "micro", ((170, 50, 120), (110, 170, 70), (244, 230, 240)),
         ["Hot, crisp radish seedlings with purple stems.",
          "Radish cress with a clean peppery bite."],
         [("Sango", "ancoats-microgreens", {}), ("China Rose", "tyneside-vertical", {})],
         MICRO_USES, "radish-microgreens"),
    Crop("broccoli-micro", "Broccoli microgreens", "Microgreens", "microgreens", "micro", 1.05, (6, 8),
         "micro", ((70, 140, 70), (150, 200, 120), (230, 240, 230)),
         ["Mild, fresh broccoli seedlings, popular in juices and bowls.",
          "Tender broccoli cress with a gentle cabbage flavour."],
         [("Calabrese", "railway-arches-farm", {}), ("Calabrese", "ancoats-microgreens", {})],
         MICRO_USES),
    Crop("amaranth-micro", "Red amaranth microgreens", "Microgreens", "microgreens", "micro", 1.3, (4, 6),
         "micro", ((200, 40, 90), (240, 120, 150), (248, 230, 236)),
         ["Vivid magenta seedlings with an earthy, beet-like taste.",
          "Tiny red amaranth leaves that chefs use for colour."],
         [("Garnet Red", "railway-arches-farm", {})],
         MICRO_USES, "red-amaranth-microgreens"),
    Crop("mustard-micro", "Mustard microgreens", "Microgreens", "microgreens", "micro", 1.0, (5, 7),
         "micro", ((120, 60, 100), (150, 190, 80), (240, 232, 236)),
         ["Frilly mustard seedlings with a wasabi-like kick.",
          "Hot, sharp mustard cress in red and green."],
         [("Red Frills", "tyneside-vertical", {})],
         MICRO_USES),
    Crop("coriander-micro", "Coriander microgreens", "Microgreens", "microgreens", "micro", 1.25, (5, 7),
         "micro", ((90, 160, 90), (190, 220, 160), (236, 244, 232)),
         ["Delicate coriander seedlings with the full citrus aroma of the grown herb.",
          "Micro coriander: intense flavour in a tiny leaf."],
         [("Santo", "railway-arches-farm", {})],
         MICRO_USES),
    # Herbs > Basil
    Crop("sweet-basil", "Sweet basil", "Herbs > Basil", "herbs", "herb", 1.0, (6, 8),
         "herb", ((60, 140, 60), (120, 190, 90), (234, 244, 228)),
         ["Large, glossy Genovese-type leaves with a warm clove aroma.",
          "Classic sweet basil for pesto, tomatoes and pizza."],
         [("Genovese", "railway-arches-farm", {}), ("Genovese", "lagan-growers", {}),
          ("Aroma 2", "thistle-light-farms", {}), ("Genovese", "ancoats-microgreens", {})],
         HERB_USES, "genovese-basil"),
    Crop("thai-basil", "Thai basil", "Herbs > Basil", "herbs", "herb", 1.15, (5, 7),
         "herb", ((50, 110, 60), (130, 60, 130), (236, 232, 240)),
         ["Purple-stemmed basil with an anise and liquorice scent.",
          "Thai basil that holds its aroma in curries and stir-fries."],
         [("Siam Queen", "railway-arches-farm", {})],
         HERB_USES),
    Crop("lemon-basil", "Lemon basil", "Herbs > Basil", "herbs", "herb", 1.2, (5, 7),
         "herb", ((110, 170, 60), (230, 220, 90), (246, 244, 224)),
         ["Narrow-leaved basil with a bright lemon-sherbet aroma.",
          "A citrus basil for fish, salads and cocktails."],
         [("Mrs Burns", "taff-valley-leaf", {})],
         HERB_USES),
    Crop("purple-basil", "Purple basil", "Herbs > Basil", "herbs", "herb", 1.2, (5, 7),
         "herb", ((100, 40, 100), (170, 90, 170), (242, 232, 242)),
         ["Deep purple leaves with a sweet, spicy basil flavour.",
          "Dark Opal basil: as good to look at as to eat."],
         [("Dark Opal", "lagan-growers", {})],
         HERB_USES),
    # Herbs > Soft herbs
    Crop("coriander", "Coriander", "Herbs > Soft herbs", "herbs", "herb", 1.0, (5, 7),
         "herb", ((70, 150, 70), (150, 210, 120), (232, 244, 230)),
         ["Leafy coriander, slow to bolt, with a fresh citrus flavour.",
          "Bunching coriander with tender stems that are as good as the leaves."],
         [("Calypso", "railway-arches-farm", {}), ("Calypso", "taff-valley-leaf", {})],
         HERB_USES),
    Crop("parsley", "Flat-leaf parsley", "Herbs > Soft herbs", "herbs", "herb", 0.95, (7, 10),
         "herb", ((40, 120, 50), (100, 170, 90), (228, 240, 228)),
         ["Broad, dark flat-leaf parsley with a full, grassy flavour.",
          "Italian parsley for gremolata, salsa verde and tabbouleh."],
         [("Gigante d'Italia", "thistle-light-farms", {}), ("Gigante d'Italia", "taff-valley-leaf", {})],
         HERB_USES),
    Crop("mint", "Mint", "Herbs > Soft herbs", "herbs", "herb", 1.0, (6, 9),
         "herb", ((40, 150, 110), (130, 210, 170), (224, 244, 236)),
         ["Cool, fresh mint with soft, bright leaves.",
          "Spearmint-type mint for teas, salads and sauces."],
         [("Moroccan", "railway-arches-farm", {}), ("Garden spearmint", "thistle-light-farms", {})],
         HERB_USES),
    Crop("chives", "Chives", "Herbs > Soft herbs", "herbs", "herb", 1.05, (6, 8),
         "micro", ((60, 140, 60), (190, 130, 210), (236, 240, 230)),
         ["Fine, hollow chives with a gentle onion flavour.",
          "Straight, even chives, easy to snip for garnish."],
         [("Staro", "taff-valley-leaf", {})],
         HERB_USES),
    Crop("dill", "Dill", "Herbs > Soft herbs", "herbs", "herb", 1.1, (4, 6),
         "herb", ((90, 150, 80), (180, 220, 150), (236, 244, 232)),
         ["Feathery dill fronds with a sweet anise flavour.",
          "Dill for fish, potatoes, pickles and yoghurt sauces."],
         [("Dukat", "thistle-light-farms", {})],
         HERB_USES),
    Crop("chervil", "Chervil", "Herbs > Soft herbs", "herbs", "herb", 1.4, (4, 5),
         "herb", ((110, 170, 100), (200, 230, 180), (240, 246, 236)),
         ["Lacy chervil with a delicate parsley and aniseed flavour.",
          "A classic fines herbes ingredient, rarely found this fresh."],
         [("Brussels Winter", "railway-arches-farm", {})],
         HERB_USES),
    Crop("shiso", "Shiso", "Herbs > Soft herbs", "herbs", "herb", 1.5, (4, 6),
         "herb", ((120, 40, 90), (70, 140, 70), (242, 232, 238)),
         ["Ruffled perilla leaves with a flavour between mint, basil and cumin.",
          "Shiso, the Japanese herb for sashimi, tempura and cocktails."],
         [("Red shiso", "railway-arches-farm", {}), ("Green shiso", "railway-arches-farm", {})],
         HERB_USES, "shiso"),
    Crop("nasturtium-leaves", "Nasturtium leaves", "Herbs > Soft herbs", "herbs", "herb", 1.35, (3, 5),
         "round-leaf", ((80, 150, 70), (190, 220, 160), (236, 244, 230)),
         ["Round, parasol-shaped leaves with a hot watercress flavour.",
          "Young nasturtium leaves, peppery and tender, picked small for plating."],
         [("Empress of India", "ancoats-microgreens", {})],
         HERB_USES, "nasturtium-leaves"),
    # Tomatoes
    Crop("cherry-tomato", "Cherry tomatoes", "Fruiting crops > Tomatoes", "fruiting-crops", "tomato", 1.1, (8, 12),
         "tomato", ((220, 50, 40), (60, 130, 50), (250, 236, 228)),
         ["Bite-sized tomatoes picked ripe on the truss for full sweetness.",
          "Cherry tomatoes with thin skins and a high sugar content."],
         [("Sungold", "fen-edge-growers", {"brix": (8.5, 9.5)}), ("Piccolo", "pennine-glasshouse", {"brix": (8.0, 9.0)}),
          ("Sweet Million", "pennine-glasshouse", {"brix": (7.5, 8.5)})],
         FRUIT_USES),
    Crop("plum-tomato", "Plum tomatoes", "Fruiting crops > Tomatoes", "fruiting-crops", "tomato", 1.0, (8, 12),
         "tomato", ((200, 40, 30), (70, 130, 50), (248, 232, 226)),
         ["Meaty, oval tomatoes with few seeds: the cook's tomato.",
          "Plum tomatoes that cook down into rich sauces."],
         [("San Marzano", "pennine-glasshouse", {"brix": (5.5, 6.5)}), ("Roma", "fen-edge-growers", {"brix": (5.0, 6.0)})],
         FRUIT_USES),
    Crop("vine-tomato", "Vine tomatoes", "Fruiting crops > Tomatoes", "fruiting-crops", "tomato", 0.95, (9, 12),
         "tomato", ((230, 70, 50), (40, 110, 40), (250, 238, 232)),
         ["Round salad tomatoes sold on the vine, with that green tomato-leaf scent.",
          "Classic round tomatoes ripened on the plant."],
         [("Moneymaker", "pennine-glasshouse", {"brix": (4.5, 5.5)})],
         FRUIT_USES),
    Crop("heritage-tomato", "Heritage tomatoes", "Fruiting crops > Tomatoes", "fruiting-crops", "tomato", 1.45, (6, 9),
         "tomato", ((120, 70, 60), (160, 190, 60), (242, 236, 224)),
         ["Old varieties in striking colours, chosen for flavour over shelf life.",
          "Irregular, many-coloured heritage tomatoes with real depth of flavour."],
         [("Black Krim", "fen-edge-growers", {"brix": (6.0, 7.0)}), ("Green Zebra", "fen-edge-growers", {"brix": (5.5, 6.5)})],
         FRUIT_USES),
    # Strawberries
    Crop("strawberry", "Strawberries", "Fruiting crops > Strawberries", "fruiting-crops", "strawberry", 1.0, (3, 5),
         "strawberry", ((215, 30, 50), (70, 150, 60), (252, 232, 234)),
         ["Glossy, fully red strawberries, picked ripe in the morning.",
          "Sweet, aromatic strawberries grown off the ground, so they arrive clean."],
         [("Malling Centenary", "fen-edge-growers", {"brix": (9.0, 10.5)}), ("Elsanta", "fen-edge-growers", {"brix": (8.0, 9.0)}),
          ("Favori", "lagan-growers", {"brix": (9.0, 10.0)})],
         FRUIT_USES),
    # Peppers
    Crop("sweet-pepper", "Sweet peppers", "Fruiting crops > Peppers", "fruiting-crops", "pepper", 1.0, (12, 16),
         "pepper", ((220, 40, 30), (250, 190, 30), (250, 240, 226)),
         ["Thick-walled bell peppers, ripened to full colour on the plant.",
          "Crunchy, sweet peppers in red and yellow."],
         [("Redskin", "pennine-glasshouse", {"brix": (6.5, 7.5)}), ("Mini Sweet", "pennine-glasshouse", {"brix": (8.0, 9.0)})],
         FRUIT_USES),
    Crop("chilli", "Chillies", "Fruiting crops > Peppers", "fruiting-crops", "chilli", 1.0, (12, 16),
         "chilli", ((200, 30, 30), (60, 140, 50), (250, 236, 226)),
         ["Fresh chillies, from gentle to fiery.",
          "Glossy chillies picked when fully coloured for the best flavour."],
         [("Padron", "pennine-glasshouse", {}), ("Jalapeno", "pennine-glasshouse", {}),
          ("Scotch Bonnet", "fen-edge-growers", {})],
         ["Store chilled; wash hands after handling hot varieties.", "Blister Padrons in hot oil and salt them well."]),
    # Cucumbers
    Crop("cucumber", "Cucumbers", "Fruiting crops > Cucumbers", "fruiting-crops", "cucumber", 1.0, (9, 12),
         "cucumber", ((50, 120, 50), (150, 200, 110), (236, 244, 230)),
         ["Thin-skinned, seedless cucumbers with a clean, cool crunch.",
          "Unwaxed cucumbers picked young, never bitter."],
         [("Mini Munch", "pennine-glasshouse", {"brix": (3.0, 3.8)}), ("Passandra", "pennine-glasshouse", {"brix": (2.8, 3.5)})],
         ["Keep cool but not too cold: 10 to 12 °C is ideal.", "Slice, salt lightly and serve with yoghurt and mint."]),
    # Mushrooms
    Crop("grey-oyster", "Grey oyster mushrooms", "Mushrooms > Oyster mushrooms", "mushrooms", "mushroom", 1.0, (5, 7),
         "mushroom", ((120, 120, 130), (220, 214, 200), (236, 234, 232)),
         ["Velvety grey fans with a mild, savoury flavour.",
          "Clusters of grey oyster mushrooms that crisp up beautifully in a hot pan."],
         [("Grey oyster", "severn-fungi", {"species": "Pleurotus ostreatus"})],
         MUSHROOM_USES),
    Crop("pink-oyster", "Pink oyster mushrooms", "Mushrooms > Oyster mushrooms", "mushrooms", "mushroom", 1.25, (3, 5),
         "mushroom", ((230, 120, 150), (250, 214, 222), (250, 236, 240)),
         ["Flamingo-pink clusters with a bacon-like savour when fried.",
          "Pink oysters: eye-catching, fragile and best cooked the day they arrive."],
         [("Pink oyster", "severn-fungi", {"species": "Pleurotus djamor"})],
         MUSHROOM_USES),
    Crop("golden-oyster", "Golden oyster mushrooms", "Mushrooms > Oyster mushrooms", "mushrooms", "mushroom", 1.25, (3, 5),
         "mushroom", ((230, 190, 40), (250, 236, 170), (250, 246, 226)),
         ["Bright yellow clusters with a nutty, cashew-like flavour.",
          "Golden oysters, thin and delicate, that cook in a minute."],
         [("Golden oyster", "severn-fungi", {"species": "Pleurotus citrinopileatus"})],
         MUSHROOM_USES),
    Crop("king-oyster", "King oyster mushrooms", "Mushrooms > Oyster mushrooms", "mushrooms", "mushroom", 1.3, (7, 10),
         "mushroom", ((170, 140, 100), (240, 230, 210), (240, 236, 228)),
         ["Thick white stems with small brown caps and a firm, meaty bite.",
          "King oysters for slicing into scallop-like rounds."],
         [("King oyster", "severn-fungi", {"species": "Pleurotus eryngii"})],
         MUSHROOM_USES),
    Crop("shiitake", "Shiitake mushrooms", "Mushrooms > Speciality mushrooms", "mushrooms", "mushroom", 1.35, (7, 10),
         "mushroom", ((120, 70, 40), (230, 210, 180), (240, 232, 222)),
         ["Log-style shiitake with thick brown caps and deep umami.",
          "Shiitake fruited on oak sawdust blocks, rich and smoky."],
         [("Shiitake", "severn-fungi", {"species": "Lentinula edodes"})],
         MUSHROOM_USES),
    Crop("lions-mane", "Lion's mane mushrooms", "Mushrooms > Speciality mushrooms", "mushrooms", "mushroom", 1.7, (4, 6),
         "mushroom", ((236, 228, 210), (200, 180, 150), (232, 226, 216)),
         ["Shaggy white globes with a texture like crab meat.",
          "Lion's mane: pan-fry thick slices until golden."],
         [("Lion's mane", "severn-fungi", {"species": "Hericium erinaceus"})],
         MUSHROOM_USES),
    Crop("chestnut-mushroom", "Chestnut mushrooms", "Mushrooms > Speciality mushrooms", "mushrooms", "mushroom", 0.8, (6, 8),
         "mushroom", ((150, 90, 50), (236, 214, 190), (242, 234, 226)),
         ["Firm, brown-capped mushrooms with more flavour than white buttons.",
          "Everyday chestnut mushrooms, grown on organic compost."],
         [("Chestnut", "severn-fungi", {"species": "Agaricus bisporus"})],
         MUSHROOM_USES),
    Crop("enoki", "Enoki mushrooms", "Mushrooms > Speciality mushrooms", "mushrooms", "mushroom", 1.1, (7, 10),
         "micro", ((240, 236, 220), (250, 246, 236), (226, 222, 214)),
         ["Long, slender white stems with tiny caps and a crisp bite.",
          "Enoki for ramen, hot pots and salads."],
         [("Enoki", "severn-fungi", {"species": "Flammulina filiformis"})],
         MUSHROOM_USES),
    # Edible flowers
    Crop("viola", "Violas", "Edible flowers", "edible-flowers", "flower", 1.0, (3, 5),
         "flower", ((120, 70, 180), (250, 220, 60), (240, 234, 248)),
         ["Small, pansy-faced flowers with a faint wintergreen flavour.",
          "Mixed violas in purple, yellow and white."],
         [("Sorbet mix", "ancoats-microgreens", {"colour": "purple, yellow and white"}),
          ("Sorbet mix", "railway-arches-farm", {"colour": "purple and yellow"})],
         FLOWER_USES),
    Crop("nasturtium", "Nasturtium flowers", "Edible flowers", "edible-flowers", "flower", 1.1, (2, 4),
         "flower", ((240, 110, 30), (250, 200, 40), (252, 240, 228)),
         ["Peppery orange and red flowers with a watercress bite.",
          "Nasturtiums: colour and heat in one bloom."],
         [("Empress of India", "ancoats-microgreens", {"colour": "scarlet and orange"})],
         FLOWER_USES),
    Crop("borage", "Borage flowers", "Edible flowers", "edible-flowers", "flower", 1.2, (2, 3),
         "flower", ((60, 100, 220), (240, 240, 250), (232, 236, 250)),
         ["Star-shaped blue flowers that taste faintly of cucumber.",
          "Borage stars for Pimm's, gin and summer salads."],
         [("Blue borage", "ancoats-microgreens", {"colour": "blue"})],
         FLOWER_USES),
    Crop("cornflower", "Cornflowers", "Edible flowers", "edible-flowers", "flower", 1.05, (4, 6),
         "flower", ((50, 80, 200), (230, 90, 150), (234, 236, 250)),
         ["Frilled cornflower heads in blue and pink; petals scatter like confetti.",
          "Cornflowers with a mild, sweet-spicy taste."],
         [("Blue Boy", "railway-arches-farm", {"colour": "blue and pink"})],
         FLOWER_USES),
    Crop("calendula", "Calendula flowers", "Edible flowers", "edible-flowers", "flower", 0.95, (4, 6),
         "flower", ((250, 150, 20), (250, 210, 60), (252, 244, 226)),
         ["Golden marigold petals, once called poor man's saffron.",
          "Calendula heads whose petals colour rice, butter and cakes."],
         [("Pacific Beauty", "ancoats-microgreens", {"colour": "orange and gold"})],
         FLOWER_USES),
]

CATERING_LINES = [
    "A catering pack for restaurants and delis.",
    "Packed for kitchens: fewer, larger packs, same day harvest.",
    "Sized for busy kitchens and salad bars.",
]
GRADE_NOTES = {
    "Extra": "Extra grade: hand selected for uniform size and perfect finish.",
    "Class I": "Class I: consistent quality with only slight variation in shape or colour.",
    "Class II": "Class II: full flavour, with cosmetic marks or irregular sizes, at a lower price.",
}

CSV_OPTIONS = {"lineterminator": "\n"}


def format_size(size, unit):
    """'2 heads', '250 g', '2.5 kg', '6 punnets'."""
    number = f"{size:g}"
    if unit in ("head", "punnet", "tray"):
        return f"{number} {unit}{'' if size == 1 else 's'}"
    return f"{number} {unit}"


def retail_price(value):
    """Round to prices a grower would print: 1.35, 2.49, 12.80."""
    value = Decimal(str(value))
    if value < 10:
        pence = (value * 20).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 5
        return (pence / 100).quantize(Decimal("0.01"))
    return (value * 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10


def ean13(number12):
    """Append the EAN-13 check digit to a 12-digit string."""
    digits = [int(c) for c in number12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return number12 + str((10 - total % 10) % 10)


def slugify(text):
    text = text.lower().replace("'", "").replace("°", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read_identifiers(path):
    """UPC and SKU of each product in an earlier products.csv, by (image, variety, grower, size, unit).

    The loader matches products by UPC and stock records by grower SKU, so a
    product keeps both when the data is regenerated; only new products get new ones.
    """
    if not path or not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row["image"], row["variety"], row["grower"], row["pack_size"], row["pack_unit"]):
                (row["upc"], row["sku"]) for row in csv.DictReader(handle)}


def build_products(previous_ids):
    rows = []
    used_upcs = {upc for upc, _ in previous_ids.values()}
    used_skus = {sku for _, sku in previous_ids.values()}
    item_number = max((int(upc[5:12]) for upc in used_upcs), default=0) + 1
    sku_numbers = {}
    for sku in used_skus:
        prefix, number = sku.split("-")[0], int(sku.rsplit("-", 1)[1])
        sku_numbers[prefix] = max(sku_numbers.get(prefix, 0), number)
    for crop in CROPS:
        for variety, grower_code, extras in crop.varieties:
            grower = GROWER_BY_CODE[grower_code]
            # Growers price differently: a stable factor per grower, from its code.
            grower_factor = 0.92 + (sum(map(ord, grower_code)) % 17) / 100
            for size, unit, base_price, stock_range, catering in PACKS[crop.packs]:
                key = (f"{crop.key}.jpg", variety, grower_code, f"{size:g}", unit)
                # One generator per product, so adding a crop leaves the others' values alone.
                rng = random.Random(f"{SEED}:{':'.join(key)}")
                if key in previous_ids:
                    upc, sku = previous_ids[key]
                else:
                    upc = ean13(f"50609{item_number:07d}")
                    item_number += 1
                    sku_numbers[grower["sku"]] = sku_numbers.get(grower["sku"], 0) + 1
                    sku = f"{grower['sku']}-{crop.key[:3].upper()}-{sku_numbers[grower['sku']]:03d}"
                first_of_crop = not any(row["image"] == f"{crop.key}.jpg" for row in rows)
                pack = format_size(size, unit)
                title = f"{crop.name} '{variety}', {pack}"
                # Two growers may sell the same pack under the same name (cards and pages name the
                # grower beside it); the slug, which must be unique, carries the grower's name.
                slug_text = title
                if any(row["title"] == title for row in rows):
                    slug_text = f"{title} {grower['name']}"
                grade = rng.choices(["Extra", "Class I", "Class II"],
                                    weights=[1, 6, 3] if catering else [3, 6, 1])[0]
                grade_factor = {"Extra": 1.12, "Class I": 1.0, "Class II": 0.82}[grade]
                price = retail_price(base_price * crop.price * grower_factor * grade_factor * rng.uniform(0.96, 1.04))
                # Drawn as when the file held fixed dates, so every value drawn after it stays the same.
                spread = rng.randint(0, 5)
                shelf_life = rng.randint(*crop.shelf_life) + (3 if unit == "tray" else 0)
                # Relative to the load day (the loader writes the date), and still before its best-before then.
                harvested_days_ago = spread % (min(MAX_DAYS_SINCE_HARVEST, shelf_life - 1) + 1)
                method = grower["method"]
                certifications = [label for code, label in (("organic", "Organic"), ("gap", "GAP"))
                                  if code in grower["certifications"].split(",")]
                description = " ".join([
                    rng.choice(crop.about),
                    f"{grower['pitch']}.",
                    *([rng.choice(CATERING_LINES)] if catering else []),
                    GRADE_NOTES[grade],
                    rng.choice(crop.uses),
                ])
                brix = extras.get("brix")
                rows.append({
                    "upc": upc,
                    "slug": crop.feature_slug if crop.feature_slug and first_of_crop else slugify(slug_text),
                    "title": title,
                    "product_class": crop.product_class,
                    "category": crop.category,
                    "grower": grower_code,
                    "sku": sku,
                    "price": f"{price:.2f}",
                    "stock": rng.randint(*stock_range),
                    "image": f"{crop.key}.jpg",
                    "description": description,
                    "variety": variety,
                    "grade": grade,
                    "pack_size": f"{size:g}",
                    "pack_unit": unit,
                    "growing_method": method,
                    "certifications": "|".join(certifications),
                    "harvested_days_ago": harvested_days_ago,
                    "shelf_life_days": shelf_life,
                    "brix": f"{rng.uniform(*brix):.1f}" if brix else "",
                    "species": extras.get("species", ""),
                    "colour": extras.get("colour", ""),
                })
    for column in ("upc", "slug", "sku"):
        values = [row[column] for row in rows]
        assert len(values) == len(set(values)), f"product {column}s must be unique"
    return rows


def write_csv(path, fieldnames, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, **CSV_OPTIONS)
        writer.writeheader()
        writer.writerows(rows)


def write_data_files(out, previous=None):
    """Write the CSV files to ``out``, keeping product identifiers from ``previous`` (a products.csv)."""
    write_csv(out / "growers.csv",
              ["code", "name", "description", "region", "city", "latitude", "longitude", "certifications", "website",
               "logo"],
              [{key: grower[key] for key in ("code", "name", "description", "region", "city", "latitude",
                                             "longitude", "website")}
               | {"certifications": grower["certifications"].replace(",", "|"), "logo": f"{grower['code']}.jpg"}
               for grower in GROWERS])
    write_csv(out / "categories.csv", ["path", "slug", "description"],
              [{"path": path, "slug": slug, "description": text} for path, slug, text in CATEGORIES])
    write_csv(out / "product_classes.csv", ["slug", "name", "requires_shipping", "track_stock"],
              [{"slug": slug, "name": name, "requires_shipping": "yes", "track_stock": "yes"}
               for slug, name in PRODUCT_CLASSES])
    write_csv(out / "attribute_options.csv", ["group", "group_name", "option"],
              [{"group": code, "group_name": name, "option": option}
               for code, name, options in OPTION_GROUPS for option in options])
    attribute_rows = []
    for slug, _ in PRODUCT_CLASSES:
        for code, name, kind, group, required in COMMON_ATTRIBUTES + CLASS_ATTRIBUTES.get(slug, []):
            attribute_rows.append({"product_class": slug, "code": code, "name": name, "type": kind,
                                   "option_group": group, "required": "yes" if required else "no"})
    write_csv(out / "product_attributes.csv",
              ["product_class", "code", "name", "type", "option_group", "required"], attribute_rows)
    products = build_products(read_identifiers(previous))
    write_csv(out / "products.csv", list(products[0]), products)
    return products


# --------------------------------------------------------------------------
# Images: a flat illustration per crop, drawn from simple shapes.
# --------------------------------------------------------------------------


def shade(colour, factor):
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def ellipse_points(cx, cy, rx, ry, angle=0.0, steps=48, wobble=0.0, lobes=0):
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        r = 1 + wobble * math.sin(lobes * t)
        x, y = rx * r * math.cos(t), ry * r * math.sin(t)
        points.append((cx + x * math.cos(angle) - y * math.sin(angle),
                       cy + x * math.sin(angle) + y * math.cos(angle)))
    return points


def leaf_points(cx, cy, length, width, angle):
    """A pointed leaf from (cx, cy) outwards along angle."""
    points = []
    for i in range(25):
        t = i / 24
        points.append((t * length, width * math.sin(math.pi * t) ** 0.8))
    for i in range(24, -1, -1):
        t = i / 24
        points.append((t * length, -width * math.sin(math.pi * t) ** 0.8))
    return [(cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
            for x, y in points]


def draw_lettuce(d, rng, main, accent):
    for ring in range(6):
        radius = 200 - ring * 30
        colour = shade(main, 0.8 + ring * 0.06) if ring < 4 else accent
        d.polygon(ellipse_points(300, 260, radius, radius * 0.9, ring * 0.4, 96, 0.07, 11 + ring), fill=colour,
                  outline=shade(main, 0.6))
    for i in range(7):
        angle = i * 2 * math.pi / 7
        d.line([(300, 260), (300 + 150 * math.cos(angle), 260 + 135 * math.sin(angle))], fill=accent, width=5)


def draw_leaf(d, rng, main, accent):
    for i in range(9):
        angle = -math.pi / 2 + (i - 4) * 0.34 + rng.uniform(-0.08, 0.08)
        colour = main if i % 2 else accent
        pts = leaf_points(300, 420, rng.randint(230, 320), rng.randint(38, 60), angle)
        d.polygon(pts, fill=colour, outline=shade(colour, 0.6))
        tip = pts[24]
        d.line([(300, 420), tip], fill=shade(colour, 0.7), width=3)


def draw_asian(d, rng, main, accent):
    for i in range(5):
        angle = -math.pi / 2 + (i - 2) * 0.28
        x2, y2 = 300 + 200 * math.cos(angle), 430 + 200 * math.sin(angle)
        d.line([(300, 430), (x2, y2)], fill=accent, width=34)
        d.polygon(ellipse_points(300 + 290 * math.cos(angle), 430 + 290 * math.sin(angle), 110, 62, angle),
                  fill=main, outline=shade(main, 0.6))
    d.ellipse([262, 400, 338, 450], fill=accent)


def draw_micro(d, rng, main, accent):
    d.rounded_rectangle([90, 380, 510, 450], 14, fill=(110, 80, 55))
    for i in range(34):
        x = 105 + i * 12 + rng.randint(-3, 3)
        top = rng.randint(140, 260)
        d.line([(x, 385), (x + rng.randint(-12, 12), top)], fill=accent, width=4)
        if i % 2 == 0:
            tx = x + rng.randint(-12, 12)
            d.polygon(leaf_points(tx, top, 42, 12, -math.pi / 2 - 0.7), fill=main)
            d.polygon(leaf_points(tx, top, 42, 12, -math.pi / 2 + 0.7), fill=main)


def draw_herb(d, rng, main, accent):
    for stem in range(3):
        base_x = 220 + stem * 80
        top = 120 + stem % 2 * 40
        d.line([(base_x, 440), (base_x + 10, top)], fill=shade(main, 0.6), width=7)
        for j in range(5):
            y = 400 - j * 60 - stem % 2 * 20
            size = 70 - j * 7
            d.polygon(leaf_points(base_x + 5, y, size, size * 0.45, -0.5), fill=main if j % 2 else accent,
                      outline=shade(main, 0.55))
            d.polygon(leaf_points(base_x + 5, y, size, size * 0.45, math.pi + 0.5), fill=accent if j % 2 else main,
                      outline=shade(main, 0.55))


def draw_round_leaf(d, rng, main, accent):
    for cx, cy, r in ((200, 220, 110), (400, 240, 100), (300, 360, 115)):
        d.line([(cx, cy), (cx + rng.randint(-30, 30), 470)], fill=shade(main, 0.6), width=8)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=main, outline=shade(main, 0.6), width=3)
        for k in range(9):
            t = k * 2 * math.pi / 9
            d.line([(cx, cy), (cx + r * 0.92 * math.cos(t), cy + r * 0.92 * math.sin(t))], fill=accent, width=4)
        d.ellipse([cx - 9, cy - 9, cx + 9, cy + 9], fill=accent)


def draw_tomato(d, rng, main, accent):
    for cx, cy, r in ((220, 300, 105), (380, 300, 100), (300, 190, 95)):
        d.ellipse([cx - r, cy - r * 0.92, cx + r, cy + r * 0.92], fill=main, outline=shade(main, 0.7), width=3)
        d.ellipse([cx - r * 0.55, cy - r * 0.6, cx - r * 0.25, cy - r * 0.35], fill=shade(main, 1.3))
        star = []
        for k in range(10):
            rr = 34 if k % 2 == 0 else 12
            t = k * math.pi / 5
            star.append((cx + rr * math.cos(t), cy - r * 0.8 + rr * math.sin(t) * 0.6))
        d.polygon(star, fill=accent)


def draw_strawberry(d, rng, main, accent):
    for cx, cy, scale in ((210, 290, 1.0), (390, 300, 0.95), (300, 200, 0.9)):
        w, h = 105 * scale, 150 * scale
        body = [(cx - w, cy - h * 0.35), (cx - w * 0.8, cy + h * 0.2), (cx, cy + h * 0.75),
                (cx + w * 0.8, cy + h * 0.2), (cx + w, cy - h * 0.35), (cx, cy - h * 0.5)]
        d.polygon(body, fill=main, outline=shade(main, 0.7))
        for _ in range(14):
            sx = cx + rng.uniform(-0.6, 0.6) * w
            sy = cy + rng.uniform(-0.25, 0.45) * h
            d.ellipse([sx - 4, sy - 6, sx + 4, sy + 6], fill=(250, 220, 90))
        for k in range(5):
            t = math.pi + k * math.pi / 4
            d.polygon(leaf_points(cx, cy - h * 0.42, 60 * scale, 16 * scale, t), fill=accent)


def draw_pepper(d, rng, main, accent):
    for cx, colour in ((210, main), (390, accent)):
        d.rounded_rectangle([cx - 95, 180, cx + 95, 420], 70, fill=colour, outline=shade(colour, 0.7), width=3)
        d.line([(cx - 30, 200), (cx - 30, 400)], fill=shade(colour, 0.8), width=6)
        d.line([(cx + 30, 200), (cx + 30, 400)], fill=shade(colour, 0.8), width=6)
        d.rounded_rectangle([cx - 14, 130, cx + 14, 190], 6, fill=(70, 130, 50))


def draw_chilli(d, rng, main, accent):
    for i in range(5):
        x = 160 + i * 70
        colour = main if i % 2 == 0 else accent
        body = [(x - 26, 180), (x + 26, 180), (x + 20, 300), (x + 4 + (i - 2) * 10, 430), (x - 20, 300)]
        d.polygon(body, fill=colour, outline=shade(colour, 0.7))
        d.line([(x, 180), (x + 10, 130)], fill=(70, 130, 50), width=10)


def draw_cucumber(d, rng, main, accent):
    for i, y in enumerate((170, 270, 370)):
        d.rounded_rectangle([100 + i * 20, y - 40, 500 - i * 20, y + 40], 40, fill=main, outline=shade(main, 0.6),
                            width=3)
        for k in range(14):
            d.ellipse([130 + k * 26 + i * 10, y - 8 + (k % 3) * 8, 136 + k * 26 + i * 10, y - 2 + (k % 3) * 8],
                      fill=accent)


def draw_mushroom(d, rng, main, accent):
    for cx, base, cap in ((200, 430, 110), (400, 430, 100), (300, 380, 130)):
        d.rounded_rectangle([cx - cap * 0.28, base - 170, cx + cap * 0.28, base], 18, fill=accent,
                            outline=shade(accent, 0.75), width=3)
        d.pieslice([cx - cap, base - 270, cx + cap, base - 90], 180, 360, fill=main, outline=shade(main, 0.7), width=3)
        for k in range(6):
            gx = cx - cap * 0.8 + k * cap * 0.32
            d.line([(gx, base - 180), (cx, base - 150)], fill=shade(accent, 0.8), width=2)


def draw_flower(d, rng, main, accent):
    for cx, cy, r in ((210, 230, 95), (390, 260, 85), (300, 370, 80)):
        for k in range(7):
            t = k * 2 * math.pi / 7
            d.polygon(ellipse_points(cx + r * 0.6 * math.cos(t), cy + r * 0.6 * math.sin(t), r * 0.55, r * 0.3, t),
                      fill=main, outline=shade(main, 0.7))
        d.ellipse([cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3], fill=accent, outline=shade(accent, 0.7))


DRAWINGS = {
    "lettuce": draw_lettuce, "leaf": draw_leaf, "asian": draw_asian, "micro": draw_micro, "herb": draw_herb, "round-leaf": draw_round_leaf,
    "tomato": draw_tomato, "strawberry": draw_strawberry, "pepper": draw_pepper, "chilli": draw_chilli,
    "cucumber": draw_cucumber, "mushroom": draw_mushroom, "flower": draw_flower,
}


def load_font(size):
    try:
        # Pillow looks the name up in the system's font folders.
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def draw_crop_image(crop, path):
    rng = random.Random(f"{SEED}-{crop.key}")
    main, accent, background = crop.colours
    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), background)
    d = ImageDraw.Draw(image)
    d.ellipse([60, 40, 540, 500], fill=shade(background, 0.94))
    DRAWINGS[crop.drawing](d, rng, main, accent)
    band = shade(main, 0.45)
    d.rectangle([0, 490, IMAGE_SIZE, IMAGE_SIZE], fill=band)
    size = 44
    font = load_font(size)
    while d.textlength(crop.name, font=font) > IMAGE_SIZE - 40 and size > 20:
        size -= 2
        font = load_font(size)
    d.text((IMAGE_SIZE / 2, 525), crop.name, font=font, fill=(255, 255, 255), anchor="mm")
    small = load_font(20)
    d.text((IMAGE_SIZE / 2, 572), crop.category.split(" > ")[-1].upper(), font=small, fill=shade(background, 0.95),
           anchor="mm")
    image.save(path, "JPEG", quality=IMAGE_QUALITY, optimize=True, progressive=True)


LOGO_SIZE = 240
LOGO_COLOURS = [(46, 125, 50), (0, 105, 92), (191, 54, 12), (106, 27, 154), (85, 107, 47), (183, 28, 28),
                (55, 71, 79), (121, 85, 72), (21, 101, 192), (2, 119, 189)]


def draw_grower_logo(grower, colour, path):
    """A round badge: a leaf over the grower's initials, in the grower's own colour."""
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), (255, 255, 255))
    d = ImageDraw.Draw(image)
    d.ellipse([8, 8, LOGO_SIZE - 8, LOGO_SIZE - 8], fill=colour)
    d.ellipse([18, 18, LOGO_SIZE - 18, LOGO_SIZE - 18], outline=(255, 255, 255), width=3)
    d.polygon(leaf_points(120, 112, 72, 24, -math.pi / 2 - 0.5), fill=(255, 255, 255))
    d.polygon(leaf_points(120, 112, 60, 20, -math.pi / 2 + 0.6), fill=shade(colour, 1.6))
    initials = "".join(word[0] for word in grower["name"].replace(".", "").split()[:3]).upper()
    d.text((LOGO_SIZE / 2, 160), initials, font=load_font(44), fill=(255, 255, 255), anchor="mm")
    image.save(path, "JPEG", quality=80, optimize=True)


def write_images(out):
    images = out / "images"
    images.mkdir(exist_ok=True)
    for crop in CROPS:
        draw_crop_image(crop, images / f"{crop.key}.jpg")
    logos = out / "logos"
    logos.mkdir(exist_ok=True)
    for grower, colour in zip(GROWERS, LOGO_COLOURS, strict=True):
        draw_grower_logo(grower, colour, logos / f"{grower['code']}.jpg")
    return images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "catalogue")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    products = write_data_files(args.out, previous=args.out / "products.csv")
    images = write_images(args.out)
    sizes = [p.stat().st_size for p in images.glob("*.jpg")]
    print(f"{len(GROWERS)} growers, {len(CATEGORIES)} categories, {len(products)} products, "
          f"{len(sizes)} images (largest {max(sizes) // 1024} KB) written to {args.out}")


if __name__ == "__main__":
    main()
