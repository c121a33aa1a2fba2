"""Every URL of an order, basket, address or payout, walked as the wrong user.

The URLs come from the URL resolver itself (like `show_urls`): every route
whose path carries an object key (an order number, a line, an address, a
partner, a report, a connection) and whose name is about orders, baskets,
addresses, invoices, payouts or a seller's plugin data is listed in OBJECT_URLS
below, and test_every_object_url_is_covered fails when a new such route
appears without a case here. The invoices (storefront.commerce.invoices) are
two such routes: the buyer's, from their account, and staff's, from the
dashboard.

What each wrong user gets:
- another buyer, another seller, and the order's own seller, on the buyer's
  account pages (order, order line, address, checkout address edit/delete):
  404, because Oscar filters those querysets by request.user;
- another seller on the seller pages (dashboard order detail, line, note,
  shipping address; payout refund and onboarding; VibeLux connection; energy
  report): 404, because the rows are filtered by the seller's partners;
- a buyer (no dashboard access) on those seller pages: 403, because Oscar's
  dashboard permission layer, the payouts access check and the plugins'
  UserPassesTestMixin answer before any row is looked up (REFUSED_BEFORE_LOOKUP);
- any seller on the staff-only energy report verification: 403;
- anyone but the buyer on the buyer's invoice, and anyone but staff on the
  dashboard's invoice (sellers included: an invoice names every grower of the
  order): 404.
The owner gets 200 (a POST action, and the Stripe onboarding return, a redirect
back to the owner's page) and so does staff. The buyer's account pages are
scoped to request.user for everyone, staff included: staff see those orders
through the dashboard order pages, checked by the staff case of each of them.
"""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from oscar.core.loading import get_model
from oscar.test import factories

from energy_badges.models import EnergyReport
from storefront.payments.models import SellerAccount
from tests.factories import create_country, create_grower, create_listed_product, create_user
from vibelux.models import Connection

pytestmark = pytest.mark.django_db

UserAddress = get_model("address", "UserAddress")
OrderNote = get_model("order", "OrderNote")

# Route names (namespace:name) that hold another user's order, basket, address,
# invoice or payout, or a seller's plugin data, behind a key in the path.
KEYED_ROUTE = re.compile(r"order|basket|address|invoice|payout|refund|onboarding|connection|report|traceab|energy")

# Keyed routes that are not one user's object: public pages, the webhook
# (authenticated by its signature), vouchers and wishlists (not in the issue's
# list), the anonymous order-status page (its hash is the key: tested below with
# a wrong hash), and the staff catalogue and range pages.
NOT_PRIVATE = {
    "vibelux:webhook", "vibelux:product", "basket:add", "basket:vouchers-remove",
    "customer:anon-order", "customer:anon-order-form",
}


def keyed_route_names():
    """Names of every routed view whose path takes a key and whose name is about private data."""

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)

    names = set()
    for name, path in walk(get_resolver().url_patterns, "", ""):
        if name.startswith(("admin:", "wagtail", "wagtailadmin")) or path.startswith(("admin/", "django-admin/")):
            continue  # the Wagtail and Django admins are staff-only as a whole
        if name.startswith("dashboard:") and not name.startswith("dashboard:order"):
            continue  # the rest of Oscar's dashboard: catalogue, offers, ranges, users (staff or own products)
        has_key = "<" in path or "(?P<" in path
        if has_key and KEYED_ROUTE.search(name) and name not in NOT_PRIVATE:
            names.add(name)
    return names


@pytest.fixture
def world():
    """Two buyers with an order and an address each; two sellers with orders, payouts and plugin data; staff."""
    country = create_country()
    mine = create_grower("Green Vault Farms", seller_email="seller@greenvault.example")
    theirs = create_grower("Light Farm", seller_email="seller@lightfarm.example")
    product = create_listed_product(mine, "Pea shoots")
    buyer = create_user("buyer@example.com")
    basket = factories.create_basket(empty=True)
    basket.add_product(product, 1)
    shipping = factories.ShippingAddressFactory(country=country)
    order = factories.create_order(user=buyer, basket=basket, shipping_address=shipping)
    OrderNote.objects.create(order=order, user=mine.seller, message="Packed in the morning")
    address = UserAddress.objects.create(user=buyer, first_name="Ada", last_name="Buyer", line1="1 Canal Street",
                                         line4="Manchester", postcode="M1 3HE", country=country)
    SellerAccount.objects.create(partner=mine, account_id="acct_mine", charges_enabled=True)
    Connection.objects.create(partner=mine, facility_id=f"facility-{uuid.uuid4().hex[:8]}")
    report = EnergyReport.objects.create(
        partner=mine, kwh_per_kg=Decimal("9.5"), renewable_share=Decimal("60"), lighting_efficacy=Decimal("2.8"),
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31),
        evidence=ContentFile(b"meter readings", name="evidence.pdf"), submitted_by=mine.seller,
    )
    staff = create_user("staff@example.com", staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["order", "partner"]))
    return {
        "buyer": buyer, "other_buyer": create_user("other@example.com"),
        "seller": mine.seller, "other_seller": theirs.seller, "staff": staff,
        "order": order, "line": order.lines.get(), "note": order.notes.get(), "address": address,
        "partner": mine, "connection": mine.vibelux_connection, "report": report,
    }


# (route name, kwargs from the world, method, the owner's key in the world, whether staff see it)
OBJECT_URLS = [
    ("customer:order", lambda w: {"order_number": w["order"].number}, "get", "buyer", False),
    # Oscar's order-line view is a POST action (reorder); it has no page of its own.
    ("customer:order-line", lambda w: {"order_number": w["order"].number, "line_id": w["line"].pk}, "post", "buyer", False),
    ("customer:address-detail", lambda w: {"pk": w["address"].pk}, "get", "buyer", False),
    ("customer:address-delete", lambda w: {"pk": w["address"].pk}, "get", "buyer", False),
    ("customer:address-change-status", lambda w: {"pk": w["address"].pk, "action": "default_for_shipping"}, "post", "buyer", False),
    ("checkout:user-address-update", lambda w: {"pk": w["address"].pk}, "get", "buyer", False),
    ("checkout:user-address-delete", lambda w: {"pk": w["address"].pk}, "get", "buyer", False),
    ("invoices:customer-invoice", lambda w: {"number": w["order"].number}, "get", "buyer", False),
    ("invoices:dashboard-invoice", lambda w: {"number": w["order"].number}, "get", "staff", True),
    ("dashboard:order-detail", lambda w: {"number": w["order"].number}, "get", "seller", True),
    ("dashboard:order-line-detail", lambda w: {"number": w["order"].number, "line_id": w["line"].pk}, "get", "seller", True),
    ("dashboard:order-detail-note", lambda w: {"number": w["order"].number, "note_id": w["note"].pk}, "get", "seller", True),
    ("dashboard:order-shipping-address", lambda w: {"number": w["order"].number}, "get", "seller", True),
    ("storefront_payments:refund", lambda w: {"number": w["order"].number}, "get", "seller", True),
    ("storefront_payments:onboarding-return", lambda w: {"partner_pk": w["partner"].pk}, "get", "seller", True),
    ("storefront_payments:onboarding-start", lambda w: {"partner_pk": w["partner"].pk}, "post", "seller", True),
    ("vibelux:connection-update", lambda w: {"pk": w["connection"].pk}, "post", "seller", True),
    ("energy_badges:report-update", lambda w: {"pk": w["report"].pk}, "get", "seller", True),
    ("energy_badges:report-verify", lambda w: {"pk": w["report"].pk}, "get", "staff", True),
    ("energy_badges:report-evidence", lambda w: {"pk": w["report"].pk}, "get", "seller", True),
]

# What a wrong user gets, per (route, wrong user). 404 unless named here.
# Oscar's dashboard permission layer, the payouts pages' access check and the
# plugins' access mixins refuse a signed-in user without dashboard access with
# 403 before any row is looked up, so the answer says nothing about the row.
REFUSED_BEFORE_LOOKUP = {
    ("dashboard:order-detail", "other_buyer"): 403,
    ("dashboard:order-line-detail", "other_buyer"): 403,
    ("dashboard:order-detail-note", "other_buyer"): 403,
    ("dashboard:order-shipping-address", "other_buyer"): 403,
    ("vibelux:connection-update", "other_buyer"): 403,
    ("energy_badges:report-update", "other_buyer"): 403,
    ("energy_badges:report-verify", "other_buyer"): 403,
    ("energy_badges:report-evidence", "other_buyer"): 403,
    ("energy_badges:report-verify", "other_seller"): 403,
    ("energy_badges:report-verify", "seller"): 403,
    ("storefront_payments:refund", "other_buyer"): 403,
    ("storefront_payments:onboarding-return", "other_buyer"): 403,
    ("storefront_payments:onboarding-start", "other_buyer"): 403,
}


# What each POST route gets in its body (the order line's one action is "reorder").
POST_DATA = {"customer:order-line": {"action": "reorder"}}


def request(django_app, method, url, user):
    if method == "post":
        return django_app.post(url, POST_DATA.get(resolve(url).view_name, {}), user=user, expect_errors=True)
    return django_app.get(url, user=user, expect_errors=True)


@pytest.fixture
def app(django_app_factory):
    # CSRF is not what these tests are about: a refused POST must be refused for its owner check.
    return django_app_factory(csrf_checks=False)


def test_every_object_url_is_covered():
    covered = {case[0] for case in OBJECT_URLS}
    missing = keyed_route_names() - covered
    assert not missing, f"routes with another user's object and no access case here: {sorted(missing)}"


def wrong_users(owner):
    """Who must be refused: the other buyer and the other seller; on the buyer's pages also the
    order's own seller (selling the product does not open the buyer's account); on a staff-only
    page, the report's own seller too."""
    if owner == "buyer":
        return ["other_buyer", "other_seller", "seller"]
    if owner == "staff":
        return ["other_buyer", "other_seller", "seller"]
    return ["other_buyer", "other_seller"]


WRONG_USER_CASES = [pytest.param(*case, wrong, id=f"{case[0]}-as-{wrong}")
                    for case in OBJECT_URLS for wrong in wrong_users(case[3])]


@pytest.mark.parametrize("name,kwargs,method,owner,staff_sees,wrong", WRONG_USER_CASES)
def test_wrong_user_is_refused(app, world, name, kwargs, method, owner, staff_sees, wrong):
    url = reverse(name, kwargs=kwargs(world))
    response = request(app, method, url, world[wrong])
    expected = REFUSED_BEFORE_LOOKUP.get((name, wrong), 404)
    assert response.status_code == expected, f"{name} as {wrong}: {response.status_code}, wanted {expected}"
    assert str(world["order"].number) not in response.text, f"{name} as {wrong}: the refusal names the order"


@pytest.mark.parametrize("name,kwargs,method,owner,staff_sees", OBJECT_URLS, ids=[c[0] for c in OBJECT_URLS])
def test_owner_and_staff_are_served(app, world, name, kwargs, method, owner, staff_sees):
    url = reverse(name, kwargs=kwargs(world))
    users = [owner] + (["staff"] if staff_sees and owner != "staff" else [])
    for who in users:
        response = request(app, method, url, world[who])
        # A form post, and the Stripe onboarding return, answer with a redirect back to the owner's page
        # (with a message); never a refusal or the login page.
        assert response.status_code in ((200, 302) if method == "post" or "onboarding" in name else (200,)), (
            f"{name} as {who}: {response.status_code}")
        if response.status_code == 302:
            assert "login" not in response.location, f"{name} as {who}: sent to {response.location}"


def test_order_status_with_a_wrong_hash_shows_no_order(app, world):
    order = world["order"]
    url = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": "not-the-hash"})
    response = app.get(url, user=world["other_buyer"])
    # Oscar asks for the order's email address instead of showing the order.
    assert response.status_code == 302 and "order-status-form" in response.location
    assert "Pea shoots" not in response.follow().text


def test_basket_page_shows_only_the_visitors_own_basket(app, world):
    # The basket has no key in its URL: it is the session's or the signed-in user's own. (Saved
    # baskets are only reachable through it: GET /shop/basket/saved/ redirects to the basket.)
    page = app.get(reverse("basket:summary"), user=world["other_buyer"])
    assert "Pea shoots" not in page.text


def test_traceability_of_another_sellers_lot_shows_nothing(app, world):
    from django.utils import timezone
    from vibelux.models import Lot

    product = world["line"].product
    Lot.objects.create(
        connection=world["connection"], external_id="h-1", cycle_external_id="c-1", lot_number="GV-LOT-77",
        harvest_date=datetime.date(2026, 2, 1), best_before=datetime.date(2026, 2, 10), yield_kg=Decimal("5"),
        grade="A", crop="Pea", variety="Shoots", pack_size=Decimal("100"), pack_unit="g",
        pack_weight_kg=Decimal("0.1"), packs=50, product=product, stockrecord=product.stockrecords.get(),
        source_updated_at=timezone.now(),
    )
    url = reverse("vibelux:traceability") + "?lot=GV-LOT-77"
    # The lot list ("<lot>: <product>, harvested ...") shows the seller's own lots only.
    assert "Pea shoots, harvested" not in app.get(url, user=world["other_seller"]).text
    assert "Pea shoots, harvested" in app.get(url, user=world["seller"]).text
