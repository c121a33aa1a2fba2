"""Factories for the storefront's own test data, on top of oscar.test.factories."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model
from oscar.test import factories

Partner = get_model("partner", "Partner")
Country = get_model("address", "Country")
StockRecord = get_model("partner", "StockRecord")
ProductCategory = get_model("catalogue", "ProductCategory")

PASSWORD = "a-long-test-password"


def create_user(email, *, staff=False, password=PASSWORD):
    user = get_user_model().objects.create_user(username=email, email=email, password=password, is_staff=staff)
    return user


def create_grower(name, *, region="North West", city="Manchester", seller_email=None, latitude="53.48",
                  longitude="-2.24"):
    """A partner with a grower profile and, optionally, a seller user with dashboard access."""
    grower = Partner.objects.create(name=name, region=region, city=city, latitude=Decimal(latitude),
                                    longitude=Decimal(longitude), certifications="organic")
    if seller_email:
        seller = create_user(seller_email)
        seller.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
        grower.users.add(seller)
        grower.seller = seller
    return grower


def create_listed_product(grower, title, *, price="4.50", stock=20, category=None, **kwargs):
    """A product sold by `grower` with one stock record; optionally placed in a category."""
    product = factories.create_product(title=title, **kwargs)
    StockRecord.objects.create(product=product, partner=grower, partner_sku=f"{grower.code}-{product.pk}",
                               price=Decimal(price), num_in_stock=stock)
    if category is not None:
        ProductCategory.objects.create(product=product, category=category)
    return product


def create_country():
    """The United Kingdom as a shipping country, exactly as the demo loads it."""
    from storefront.demo.loaders.checkout import SHIPPING_COUNTRIES

    spec = next(spec for spec in SHIPPING_COUNTRIES if spec["iso_3166_1_a2"] == "GB")
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="GB", defaults={**spec, "is_shipping_country": True}
    )
    return country
