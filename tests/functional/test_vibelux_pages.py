"""VibeLux pages: the seller's upload, lot allocation and traceability export, the product page, sign-in, energy data."""

import csv
import io
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test import factories
from webtest import Upload

from tests.factories import create_grower, create_user
from tests.vibelux_standin import FACILITY_ID, connect, crop_cycle, facility, harvest, lettuce
from vibelux.ingest import ingest_batch
from vibelux.models import Lot, LotAllocation, VibeLuxAccount

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

pytestmark = pytest.mark.django_db

CSV_HEADER = "id,cycle_id,lot_number,harvest_date,actual_yield_kg,grade,crop,variety,pack_size,pack_unit,pack_net_weight_kg,updated_at\n"


def csv_row(n, yield_kg="3", grade="Class I", lot=None):
    return (f"hv-{n},cyc-1,{lot or f'LOT-{n:03}'},2026-11-1{n},{yield_kg},{grade},Butterhead lettuce,Rex,1,head,0.15,"
            f"2026-11-1{n}T08:00:00Z\n")


@pytest.fixture
def grower():
    return create_grower("Thistle Light Farms", seller_email="seller@thistle.example")


@pytest.fixture
def rex(grower):
    return lettuce(grower, "Rex", pack_size=1, stock=0)


def stock_of(product):
    return StockRecord.objects.get(product=product).num_in_stock


# --- upload ---------------------------------------------------------------------------------


def upload(django_app, user, grower, name, content):
    page = django_app.get(reverse("vibelux:dashboard"), user=user)
    form = page.forms["vibelux-upload"]
    form["partner"] = grower.pk
    form["file"] = Upload(name, content.encode(), "text/csv")
    return form.submit(user=user, expect_errors=True)


def test_a_seller_imports_a_csv_of_harvests(django_app, grower, rex):
    response = upload(django_app, grower.seller, grower, "harvests.csv", CSV_HEADER + csv_row(1) + csv_row(2))
    assert response.status_code == 302, response.text[:2000]
    page = response.follow(user=grower.seller)
    assert "2 row(s) imported" in page.text
    assert Lot.objects.filter(connection__partner=grower).count() == 2 and stock_of(rex) == 40
    assert "LOT-001" in page.text  # listed under the grower's recent lots


def test_a_file_with_a_bad_row_is_reported_per_row_and_nothing_is_imported(django_app, grower, rex):
    content = CSV_HEADER + csv_row(1) + csv_row(2, yield_kg="-2") + csv_row(3, grade="Best") + csv_row(4, lot="LOT-001")
    response = upload(django_app, grower.seller, grower, "harvests.csv", content)
    assert response.status_code == 400
    report = response.html.select_one("table.vibelux-upload-report").text
    assert "line 3" in report and "harvest.actual_yield_kg" in report and "exclusiveMinimum" in report
    assert "line 4" in report and "harvest.grade" in report
    assert "line 5" in report and "lot number 'LOT-001' is also used at line 2" in report
    assert "line 2" not in report.split("line 3")[0]  # the good row is not reported
    assert not Lot.objects.exists() and stock_of(rex) == 0


def test_a_json_upload_runs_cycles_and_harvests_through_the_same_pipeline(django_app, grower, rex):
    import json

    cycle = crop_cycle(facility_id=f"upload:{grower.code}")
    content = json.dumps({"crop_cycles": [cycle], "harvests": [harvest(yield_kg=1.5)]})
    response = upload(django_app, grower.seller, grower, "feed.json", content)
    assert response.status_code == 302, response.text[:2000]
    lot = Lot.objects.get()
    assert lot.cycle.external_id == "cyc-1" and lot.packs == 10 and stock_of(rex) == 10


def test_a_seller_cannot_upload_for_another_grower(django_app, grower):
    other = create_grower("Tyneside Vertical")
    page = django_app.get(reverse("vibelux:dashboard"), user=grower.seller)
    options = [value for value, _, _ in page.forms["vibelux-upload"]["partner"].options]
    assert str(grower.pk) in options and str(other.pk) not in options


def test_buyers_cannot_open_the_seller_pages(django_app):
    buyer = create_user("buyer@example.com")
    for name in ("vibelux:dashboard", "vibelux:traceability"):
        assert django_app.get(reverse(name), user=buyer, expect_errors=True).status_code == 403


# --- allocation and traceability ---------------------------------------------------------------


def days_ago(days):
    """A date relative to today: lots are sold only within their best-before (the product's shelf life is 9 days)."""
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def two_lots(grower, rex):
    connection = connect(grower)
    ingest_batch(connection, [("facility", facility())])
    ingest_batch(connection, [
        ("crop_cycle", crop_cycle(planted=days_ago(4 + 38).isoformat())),
        ("harvest", harvest("hv-new", lot="LOT-NEW", yield_kg=1.5, harvest_date=days_ago(1).isoformat())),  # 10 heads
        ("harvest", harvest("hv-old", lot="LOT-OLD", yield_kg=0.45, harvest_date=days_ago(4).isoformat())),  # 3 heads
    ])
    return connection


def place_order(product, quantity, email="chef@example.com"):
    basket = factories.create_basket(empty=True)
    basket.add_product(product, quantity)
    return factories.create_order(user=create_user(email), basket=basket)


def test_an_order_line_is_allocated_oldest_lot_first(two_lots, rex):
    order = place_order(rex, 5)
    line = order.lines.get()
    allocations = {a.lot.lot_number: a.quantity for a in LotAllocation.objects.filter(line=line)}
    assert allocations == {"LOT-OLD": 3, "LOT-NEW": 2}
    assert {lot.lot_number: lot.remaining for lot in Lot.objects.all()} == {"LOT-OLD": 0, "LOT-NEW": 8}


def test_an_order_line_never_takes_a_lot_past_its_best_before(grower, rex):
    connection = connect(grower)
    ingest_batch(connection, [
        ("crop_cycle", crop_cycle()),
        ("harvest", harvest("hv-stale", lot="LOT-STALE", yield_kg=0.45, harvest_date=days_ago(10).isoformat())),
        ("harvest", harvest("hv-fresh", lot="LOT-FRESH", yield_kg=1.5, harvest_date=days_ago(1).isoformat())),
    ])
    order = place_order(rex, 4)
    allocations = {a.lot.lot_number: a.quantity for a in LotAllocation.objects.filter(line=order.lines.get())}
    assert allocations == {"LOT-FRESH": 4}
    # The stock record's stored batches follow the allocation; only the 6 fresh heads left may be sold.
    record = StockRecord.objects.get(product=rex)
    assert record.batches == [
        [days_ago(10).isoformat(), days_ago(1).isoformat(), 3],
        [days_ago(1).isoformat(), (days_ago(1) + timedelta(days=9)).isoformat(), 6],
    ]
    info = Selector().strategy().fetch_for_product(Product.objects.get(pk=rex.pk))
    assert info.availability.num_available == 6


def test_allocations_roll_back_with_a_failed_placement(two_lots, rex):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        place_order(rex, 4)
        raise RuntimeError("the payment was declined after the lines were written")
    assert not LotAllocation.objects.exists()
    assert sum(lot.allocated for lot in Lot.objects.all()) == 0


def test_the_traceability_export_has_the_key_data_elements(django_app, grower, two_lots, rex):
    order = place_order(rex, 5)
    shipped = ShippingEventType.objects.create(name="Shipped", code="shipped")
    event = ShippingEvent.objects.create(order=order, event_type=shipped)
    ShippingEventQuantity.objects.create(event=event, line=order.lines.get(), quantity=5)
    page = django_app.get(reverse("vibelux:traceability"), {"lot": "LOT-OLD"}, user=grower.seller)
    assert "chef@example.com" in page.text
    response = django_app.get(reverse("vibelux:traceability"), {"lot": "LOT-OLD", "format": "csv"}, user=grower.seller)
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["product"] == "Butterhead lettuce 'Rex', 1 head" and row["lot"] == "LOT-OLD" and row["quantity"] == "3"
    assert row["harvest_date"] == days_ago(4).isoformat()
    assert row["location"] == "Dundee waterfront farm, Dundee, Scotland"
    assert row["room"] == "Room A" and row["buyer"] == "chef@example.com" and row["order"] == str(order.number)
    assert row["ship_date"] == timezone.localdate().isoformat()

    today = timezone.localdate().isoformat()
    period = django_app.get(reverse("vibelux:traceability"),
                            {"date_from": today, "date_to": today, "format": "csv"}, user=grower.seller)
    assert sorted(r["lot"] for r in csv.DictReader(io.StringIO(period.text))) == ["LOT-NEW", "LOT-OLD"]


def test_another_seller_exports_none_of_these_lots(django_app, two_lots, rex):
    place_order(rex, 5)
    other = create_grower("Tyneside Vertical", seller_email="seller@tyneside.example")
    response = django_app.get(reverse("vibelux:traceability"), {"lot": "LOT-OLD", "format": "csv"}, user=other.seller)
    assert list(csv.DictReader(io.StringIO(response.text))) == []


def test_a_backwards_period_is_refused_with_a_message(django_app, grower):
    response = django_app.get(reverse("vibelux:traceability"), {"date_from": "2026-11-10", "date_to": "2026-11-01"},
                              user=grower.seller, expect_errors=True)
    assert response.status_code == 400 and "ends (2026-11-01) before it starts (2026-11-10)" in response.text


# --- the product page ------------------------------------------------------------------------


def test_the_product_page_shows_grow_conditions_of_the_lot_on_sale(django_app, two_lots, rex):
    page = django_app.get(rex.get_absolute_url())
    panel = page.html.select_one("section.vibelux-panel .vibelux-conditions").text
    assert "LOT-OLD" in panel  # the oldest lot with packs left is the one being sold
    assert "Dundee waterfront farm, Dundee, Room A" in panel and "14.4 mol/m²/day" in panel
    assert "21.5 °C" in panel and "68%" in panel
    assert "Days to harvest" in panel and "38" in panel  # planted 38 days before the harvest


def test_a_forecast_shows_and_buyers_sign_up_to_hear_when_it_is_listed(django_app, grower, rex):
    connection = connect(grower)
    expected = timezone.localdate() + timedelta(days=10)
    ingest_batch(connection, [("crop_cycle", crop_cycle(expected=expected.isoformat(), forecast_kg=42))])
    page = django_app.get(rex.get_absolute_url())
    text = f"Available from {expected.day} {expected:%b %Y}, about 42 kg"
    assert text in page.html.select_one(".vibelux-forecast").text
    assert text in page.html.select_one(".storefront-badge--vibelux-forecast").text  # out of stock: a badge too
    form = page.forms["vibelux-signup"]
    form["email"] = "chef@example.com"
    after = form.submit().follow()
    assert "We will email chef@example.com" in after.text
    assert rex.vibelux_signups.get().email == "chef@example.com"


def test_the_sign_up_shows_only_while_the_product_cannot_be_bought(django_app, grower, rex):
    from vibelux.listings import set_attribute

    connection = connect(grower)
    expected = timezone.localdate() + timedelta(days=10)
    ingest_batch(connection, [("crop_cycle", crop_cycle(expected=expected.isoformat(), forecast_kg=42))])
    StockRecord.objects.filter(product=rex).update(num_in_stock=12)

    set_attribute(rex, "harvest_date", days_ago(2))  # in stock, within its 9-day shelf life
    page = django_app.get(rex.get_absolute_url())
    assert "Available from" in page.html.select_one(".vibelux-forecast").text  # the forecast still shows
    assert "vibelux-signup" not in page.forms and "Tell me when it is listed" not in page.text
    assert not page.html.select(".storefront-badge--vibelux-forecast")

    set_attribute(rex, "harvest_date", days_ago(12))  # the same stock, past its best-before: cannot be bought
    page = django_app.get(rex.get_absolute_url())
    assert "Past its best-before" in page.html.select_one(".product_main .availability").text
    assert "Tell me when it is listed" in page.forms["vibelux-signup"].html.text
    assert page.html.select(".storefront-badge--vibelux-forecast")
    grow_page = django_app.get(reverse("vibelux:product", args=[rex.pk]))
    assert "vibelux-signup" in grow_page.forms


def test_the_panel_and_the_badge_of_a_product_page_read_the_product_and_its_crop_cycles_once(django_app, grower, rex):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    connection = connect(grower)
    expected = timezone.localdate() + timedelta(days=10)
    ingest_batch(connection, [("crop_cycle", crop_cycle(expected=expected.isoformat(), forecast_kg=42))])
    django_app.get(rex.get_absolute_url())
    with CaptureQueriesContext(db) as captured:
        page = django_app.get(rex.get_absolute_url())
    assert page.html.select_one(".vibelux-forecast") and page.html.select_one(".storefront-badge--vibelux-forecast")
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in captured if " FROM " in q["sql"]]
    assert tables.count("vibelux_cropcycle") == 1
    # The panel, the badge and its in-stock test use the page's product as the page loaded it:
    # its attribute values (the variety) and stock records are read once, for the whole page.
    assert tables.count("catalogue_productattributevalue") == 1
    assert tables.count("partner_stockrecord") == 1
    assert tables.count("catalogue_product") == 1


def test_a_product_with_no_grow_room_data_has_no_panel(django_app, rex):
    assert "vibelux-panel" not in django_app.get(rex.get_absolute_url()).text


# --- energy -----------------------------------------------------------------------------------


def test_cycle_energy_reaches_the_energy_badges_as_kwh_per_kg(plugin_host, two_lots, rex):
    from energy_badges.data import figures_for_products

    plugin_host.register_installed("energy_badges", "vibelux")
    figures = figures_for_products([rex])[rex.pk]
    # One cycle: 600 kWh over the 1.95 kg its two harvests yielded.
    assert figures.kwh_per_kg == Decimal("307.69") and figures.renewable_share == Decimal("40.0")
    assert figures.source == "metered by VibeLux"


# --- sign-in ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def signin(settings, rsa_key, grower):
    settings.VIBELUX_JWT_PUBLIC_KEY = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    settings.VIBELUX_JWT_AUDIENCE = "growers-storefront"
    connect(grower)

    def token(**claims):
        now = datetime.now(dt_timezone.utc)
        payload = {"sub": "vl-42", "email": "new.seller@thistle.example", "facility_id": FACILITY_ID,
                   "aud": "growers-storefront", "iat": now, "exp": now + timedelta(minutes=5), **claims}
        return jwt.encode(payload, rsa_key, algorithm="RS256")

    return token


def test_a_vibelux_user_signs_in_and_is_linked_to_their_grower(django_app, signin, grower):
    response = django_app.post(reverse("vibelux:sign-in"), {"token": signin()})
    assert response.status_code == 302 and response["Location"].endswith(reverse("dashboard:index"))
    account = VibeLuxAccount.objects.get(subject="vl-42")
    assert account.user.email == "new.seller@thistle.example"
    assert grower.users.filter(pk=account.user.pk).exists()
    assert django_app.get(reverse("vibelux:dashboard")).status_code == 200  # the session is the seller's
    django_app.post(reverse("vibelux:sign-in"), {"token": signin(email="changed@thistle.example")})
    assert VibeLuxAccount.objects.get().user == account.user  # later sign-ins follow the link by sub


@pytest.mark.parametrize(
    "claims, message",
    [
        ({"exp": datetime(2026, 1, 1, tzinfo=dt_timezone.utc), "iat": datetime(2025, 12, 31, tzinfo=dt_timezone.utc)},
         "has expired"),
        ({"aud": "another-shop"}, "meant for another application"),
        ({"facility_id": "fac-unknown"}, "is not connected to a grower"),
    ],
)
def test_a_bad_token_is_refused_with_a_clear_message(django_app, signin, claims, message):
    response = django_app.post(reverse("vibelux:sign-in"), {"token": signin(**claims)}, expect_errors=True)
    assert response.status_code == 403
    assert message in response.html.select_one(".vibelux-refused").text
    assert not VibeLuxAccount.objects.exists()


def test_a_forged_token_is_refused(django_app, signin):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(dt_timezone.utc)
    forged = jwt.encode({"sub": "vl-42", "email": "x@example.com", "facility_id": FACILITY_ID,
                         "aud": "growers-storefront", "iat": now, "exp": now + timedelta(minutes=5)},
                        impostor, algorithm="RS256")
    response = django_app.get(reverse("vibelux:sign-in"), {"token": forged}, expect_errors=True)
    assert response.status_code == 403 and "signature does not match" in response.text


def test_a_seller_switches_their_grower_to_publishing_automatically(django_app, grower):
    connection = connect(grower)
    page = django_app.get(reverse("vibelux:dashboard"), user=grower.seller)
    assert connection.webhook_secret in page.text and str(connection.webhook_key) in page.text
    form = page.forms[[key for key, f in page.forms.items() if f.action.endswith(f"/connections/{connection.pk}/")][0]]
    form[f"c{connection.pk}-listing_mode"] = "publish"
    form[f"c{connection.pk}-price_per_kg"] = "18.50"
    form.submit(user=grower.seller).follow(user=grower.seller)
    connection.refresh_from_db()
    assert (connection.listing_mode, connection.price_per_kg) == ("publish", Decimal("18.50"))

    other = create_grower("Tyneside Vertical", seller_email="seller@tyneside.example")
    token = django_app.get(reverse("vibelux:dashboard"), user=other.seller).forms["vibelux-upload"]["csrfmiddlewaretoken"].value
    response = django_app.post(reverse("vibelux:connection-update", args=[connection.pk]),
                               {f"c{connection.pk}-listing_mode": "review", "csrfmiddlewaretoken": token},
                               user=other.seller, expect_errors=True)
    assert response.status_code == 404  # another grower's connection is not even confirmed to exist
    connection.refresh_from_db()
    assert connection.listing_mode == "publish"
