"""Growers as the directory and the grower pages show them, in a fixed number of queries.

``listed_growers`` answers "which growers does this site sell from, and what
does each one's card show": the growers with at least one public product the
site shows (one query, counting those products), their rating over the
approved reviews of those products (one more), and the badges plugins give
growers (``storefront_grower_badges``, one batch). A place, when the buyer
gave one, adds the distance to each grower, worked out here from the
coordinates on the grower's row.
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from oscar.core.loading import get_model

from storefront.commerce.partner.models import CERTIFICATIONS
from storefront.plugins.badges import grower_badges_for
from storefront.plugins.visibility import product_filter
from storefront.search.geo import haversine_km

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")


@dataclass
class Grower:
    """One grower with what its card and page show besides the Partner row itself."""

    partner: object
    product_count: int = 0
    rating: float | None = None  # mean score of approved reviews of the grower's products, 1 to 5
    review_count: int = 0
    badges: list = field(default_factory=list)
    distance_km: float | None = None

    @property
    def certifications(self):
        return self.partner.certification_labels


def products_on_sale(scope=None):
    """The public products the scope's site shows (a queryset to filter by, not to load)."""
    products = Product.objects.filter(is_public=True)
    visibility = product_filter(scope)
    return products if visibility is None else products.filter(visibility)


def listed_growers(scope=None, *, region="", certification="", place=None, partner_ids=None, code=None):
    """[Grower] the site sells from, filtered by region and certification code, nearest first when a place is given.

    ``place`` is (label, lat, lon) as storefront.search.geo.resolve_place gives it.
    """
    on_sale = products_on_sale(scope)
    partners = Partner.objects.annotate(
        product_count=Count("stockrecords__product", filter=Q(stockrecords__product__in=on_sale), distinct=True)
    ).filter(product_count__gt=0)
    if partner_ids is not None:
        partners = partners.filter(pk__in=partner_ids)
    if code is not None:
        partners = partners.filter(code=code)
    if region:
        partners = partners.filter(region=region)
    if certification:
        # certifications is a comma-separated list of codes: match a whole code, not part of one
        partners = partners.filter(
            Q(certifications=certification)
            | Q(certifications__startswith=f"{certification},")
            | Q(certifications__endswith=f",{certification}")
            | Q(certifications__contains=f",{certification},")
        )
    growers = [Grower(partner, product_count=partner.product_count) for partner in partners.order_by("name", "pk")]
    if not growers:
        return []
    _add_ratings(growers, on_sale)
    badges = grower_badges_for([grower.partner for grower in growers], scope=scope)
    for grower in growers:
        grower.badges = badges.get(grower.partner.pk, [])
        if place is not None and grower.partner.latitude is not None:
            grower.distance_km = haversine_km(
                place[1], place[2], float(grower.partner.latitude), float(grower.partner.longitude)
            )
    if place is not None:
        growers.sort(key=lambda g: (g.distance_km is None, g.distance_km or 0, g.partner.name))
    return growers


def _add_ratings(growers, on_sale):
    by_partner = {grower.partner.pk: grower for grower in growers}
    rows = (
        ProductReview.objects.filter(
            status=ProductReview.APPROVED,
            product__in=on_sale,
            product__stockrecords__partner_id__in=list(by_partner),
        )
        .values("product__stockrecords__partner_id")
        .annotate(mean=Avg("score"), count=Count("pk", distinct=True))
    )
    for row in rows:
        grower = by_partner[row["product__stockrecords__partner_id"]]
        grower.rating = round(float(row["mean"]), 1)
        grower.review_count = row["count"]


def grower_on_sale(code, scope=None, place=None):
    """The Grower of this code for their page, or None when there is none or the site sells nothing of theirs."""
    found = listed_growers(scope, place=place, code=code)
    return found[0] if found else None


def recent_reviews(partner, scope=None, limit=5):
    """The latest approved reviews of the grower's products on sale on the site, with their products."""
    return list(
        ProductReview.objects.filter(
            status=ProductReview.APPROVED,
            product__in=products_on_sale(scope),
            product__stockrecords__partner=partner,
        )
        .select_related("product", "user")
        .distinct()
        .order_by("-date_created", "-pk")[:limit]
    )


def region_choices(scope=None):
    """The regions of the growers the site sells from, for the directory's filter."""
    on_sale = products_on_sale(scope)
    regions = (
        Partner.objects.filter(stockrecords__product__in=on_sale)
        .exclude(region="")
        .values_list("region", flat=True)
        .distinct()
        .order_by("region")
    )
    return list(regions)


def certification_choices():
    return list(CERTIFICATIONS.items())


def matching_growers(words, scope=None, limit=5):
    """Growers the site sells from whose name or town contains the words typed in the search box."""
    words = [word for word in (words or "").split() if len(word) > 1][:6]
    if not words:
        return []
    name_matches = Q()
    for word in words:
        name_matches &= Q(name__icontains=word) | Q(city__iexact=word)
    ids = list(Partner.objects.filter(name_matches).values_list("pk", flat=True)[: limit * 4])
    if not ids:
        return []
    return listed_growers(scope, partner_ids=ids)[:limit]
