"""The demo's second storefront: partner.localhost with its own home page, theme and limited catalogue.

``load_partner_site`` is called by ``manage.py load_demo`` after the catalogue
and pages are loaded. It is safe to run twice: every object is found or
created, and a second run only brings it back to the description below (or
to ``content/sites/partner.json`` when that file exists, same keys).
"""

import json
from pathlib import Path

from django.db import transaction

PARTNER_SITE = {
    "hostname": "partner.localhost",
    "port": 80,
    "site_name": "Harvest Market",
    "theme": "harvest",
    # Growers of the North and Scotland: the partner's own selection.
    "growers": ["thistle-light-farms", "tyneside-vertical", "pennine-glasshouse", "ancoats-microgreens"],
    "categories": [],
    # The home page's featured products, by catalogue slug: the partner's growers' own. A product no
    # grower of the site sells is left out when loading (and the block never shows one the site hides).
    "featured": [
        "butterhead-lettuce-rex-1-head-thistle-light-farms", "pak-choi-joi-choi-250-g",
        "cherry-tomatoes-piccolo-250-g", "pea-shoots", "sweet-basil-aroma-2-30-g", "mizuna-kyoto-250-g",
        "vine-tomatoes-moneymaker-250-g", "violas-sorbet-mix-1-punnet",
    ],
    "home": {
        "title": "Harvest Market",
        "slug": "harvest-market",
        "heading": "Harvest Market",
        "subheading": "Fresh from the indoor farms of the North and Scotland, picked the day you order.",
        "intro": (
            "<p>Harvest Market brings together a handful of indoor growers from Dundee to Manchester. "
            "Every product here comes from one of them; look for the energy grade on each product to see "
            "how efficiently it was grown.</p>"
        ),
        "featured_heading": "From our growers this week",
        "featured_intro": "Picked from the racks of Harvest Market's growers, from Dundee to Manchester.",
    },
}


def _description(content_dir):
    path = Path(content_dir) / "sites" / "partner.json"
    if not path.is_file():
        return PARTNER_SITE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg}); fix the file or remove it.") from None
    unknown = set(data) - set(PARTNER_SITE)
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(sorted(unknown))}; known: {', '.join(PARTNER_SITE)}.")
    featured = data.get("featured", [])
    if not isinstance(featured, list) or not all(isinstance(slug, str) for slug in featured):
        raise ValueError(f"{path}: \"featured\" is a list of product slugs, e.g. [\"pea-shoots\"].")
    return {**PARTNER_SITE, **data, "home": {**PARTNER_SITE["home"], **data.get("home", {})}}


def _featured_ids(slugs, growers, progress):
    """Primary keys of the featured products, in order: found by slug and sold by one of the site's growers.

    With no growers chosen the site sells everything, so any product found
    is kept. The rest are left out with a progress line naming them.
    """
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    # Newest first, so the dict keeps the oldest product of a slug: the one the pages loader picks too.
    found = dict(Product.objects.filter(slug__in=slugs, parent=None).order_by("-pk").values_list("slug", "pk"))
    if growers:
        records = StockRecord.objects.filter(partner__code__in=growers)
        sold = set(records.filter(product__in=found.values()).values_list("product_id", flat=True))
        # A parent is sold by the growers of its variants.
        sold |= set(records.filter(product__parent__in=found.values()).values_list("product__parent_id", flat=True))
    else:
        sold = set(found.values())
    kept = [found[slug] for slug in slugs if found.get(slug) in sold]
    left_out = [slug for slug in slugs if found.get(slug) not in sold]
    if left_out:
        progress(f"Partner site: featured products not sold by its growers or not in the catalogue, left out: "
                 f"{', '.join(left_out)}")
    return kept


def _home_page(root, home, featured):
    """The partner's home page: the CMS HomePage when the CMS app is installed, else a plain page."""
    try:
        from storefront.cms.models import HomePage
    except ImportError:  # the CMS app is optional for the themes layer
        HomePage = None
    body = json.dumps([
        {"type": "hero", "value": {"heading": home["heading"], "subheading": home["subheading"], "image": None,
                                   "button_text": "Browse the produce", "button_link": "/shop/catalogue/"}},
        {"type": "paragraph", "value": home["intro"]},
        # No categories chosen: the grid shows the top-level ones that lead to products on this site.
        {"type": "category_grid", "value": {"heading": "Browse by crop", "categories": []}},
        {"type": "featured_products", "value": {
            "heading": home["featured_heading"], "intro": home["featured_intro"], "products": featured,
        }},
    ])
    model = HomePage
    if model is None:
        from wagtail.models import Page as model
    page = model.objects.child_of(root).filter(slug=home["slug"]).first()
    created = page is None
    if created:
        page = model(title=home["title"], slug=home["slug"])
        if HomePage is not None:
            page.body = body
        root.add_child(instance=page)
    else:
        page.title = home["title"]
        if HomePage is not None:
            page.body = body
    page.save_revision().publish()
    return page.specific, created


def load_partner_site(content_dir, progress):
    """Create or update the partner site; returns counts for the loader's summary line."""
    from oscar.core.loading import get_model
    from wagtail.models import Page, Site

    from storefront.plugins.host import get_host
    from storefront.plugins.models import PluginSetting

    from .models import ThemeSettings
    from .registry import get_themes

    spec = _description(content_dir)
    if spec["theme"] not in get_themes():
        raise ValueError(f"The partner site's theme {spec['theme']!r} is not installed; themes: {sorted(get_themes())}.")
    Partner = get_model("partner", "Partner")
    known = set(Partner.objects.filter(code__in=spec["growers"]).values_list("code", flat=True))
    missing = [code for code in spec["growers"] if code not in known]
    if missing:
        progress(f"Partner site: growers not in the catalogue, left out: {', '.join(missing)}")
    growers = [code for code in spec["growers"] if code in known]
    featured = _featured_ids(spec["featured"], growers, progress)

    with transaction.atomic():
        root = Page.get_first_root_node()
        home, created = _home_page(root, spec["home"], featured)
        site, site_created = Site.objects.update_or_create(
            hostname=spec["hostname"], port=spec["port"],
            defaults={"root_page": home, "site_name": spec["site_name"], "is_default_site": False},
        )
        ThemeSettings.objects.update_or_create(site=site, defaults={"theme": spec["theme"]})
        restricted = False
        if "site_catalogue" in get_host().plugins:
            config = {"growers": ", ".join(growers), "categories": ", ".join(spec["categories"])}
            setting = PluginSetting.objects.filter(site=site, plugin_id="site_catalogue").first() or PluginSetting(
                site=site, plugin_id="site_catalogue"
            )
            setting.enabled, setting.config = True, config
            setting.save()
            restricted = bool(growers or spec["categories"])
        else:
            progress("Partner site: the site_catalogue plugin is switched off, so it shows the whole catalogue")
    # Keys are prefixed: the loader merges every step's counts into one summary.
    summary = {
        "partner_site": f"{site.hostname}:{site.port}",
        "partner_site_created": site_created,
        "partner_home_page_created": created,
        "partner_theme": spec["theme"],
        "partner_growers": len(growers),
        "partner_featured_products": len(featured),
        "partner_restricted": restricted,
    }
    progress(
        f"Partner site {summary['partner_site']}: theme {spec['theme']}, "
        f"{len(growers)} grower(s){'' if restricted else ' (no restriction)'}, {len(featured)} featured product(s), "
        f"home page {'created' if created else 'updated'}"
    )
    return summary
