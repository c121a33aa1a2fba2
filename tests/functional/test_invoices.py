"""Invoices: the PDF's contents (read back with pypdf) and who may download it."""

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site as DjangoSite
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import Site as WagtailSite

from storefront.commerce.invoices import invoice_number, render_invoice
from storefront.commerce.invoices.document import printable
from storefront.payments.models import Payment
from tests.factories import create_listed_product, create_user
from tests.invoice_factories import PLACED, grower, many_lines_order, place_order, settle

Partner = get_model("partner", "Partner")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


def pdf_text(data):
    """The text of each page, with runs of whitespace (line wraps included) made one space."""
    assert data.startswith(b"%PDF-"), data[:20]
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def buyer():
    user = create_user("ada@example.com")
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()
    return user


@pytest.fixture
def shop():
    railway = grower("Railway Arches Farm", "London", seller_email="seller@railway.example")
    ancoats = grower("Ancoats Microgreens", "Manchester")
    sunflower = create_listed_product(ancoats, "Sunflower shoots, 100 g", price="2.35")
    # A SKU of the demo's shape, whatever primary key the database gave the product: a long one
    # wraps inside its column (see the wrapping test), which would split the line this test reads.
    sunflower.stockrecords.update(partner_sku="ANM-SUN-001")
    return {
        "railway": railway,
        "ancoats": ancoats,
        "basil": create_listed_product(railway, "Sweet basil 'Genovese'", price="3.20"),
        "peas": create_listed_product(
            railway,
            "Pea shoots ‘Tendril pea’ – cut to order under a Bermondsey railway arch, delivered the same morning",
            price="1234.50",
        ),
        "sunflower": sunflower,
    }


@pytest.fixture
def order(buyer, shop):
    placed = place_order(buyer, [(shop["basil"], 2), (shop["peas"], 1), (shop["sunflower"], 3)])
    settle(placed)
    return placed


def test_invoice_names_each_grower_and_town_the_lines_subtotals_total_and_number(order, shop):
    (text,) = pdf_text(render_invoice(order))
    number = invoice_number(order)
    assert number == f"INV-{order.number}" and number in text
    assert "Railway Arches Farm, London" in text and "Ancoats Microgreens, Manchester" in text
    # Each grower's heading comes before their lines, and their subtotal after them.
    assert text.index("Railway Arches Farm, London") < text.index("Sweet basil") < text.index(
        "Subtotal, Railway Arches Farm £1,240.90") < text.index("Ancoats Microgreens, Manchester") < text.index(
        "Sunflower shoots, 100 g") < text.index("Subtotal, Ancoats Microgreens £7.05")
    # Title, SKU, quantity, unit price and line total of a line.
    sku = shop["sunflower"].stockrecords.get().partner_sku
    assert f"Sunflower shoots, 100 g {sku} 3 £2.35 £7.05" in text
    assert "Items £1,247.95" in text and "Shipping (Chilled delivery) £6.50" in text
    assert "Total excl. tax £1,254.45" in text and "Tax £0.00" in text
    assert order.total_incl_tax == Decimal("1254.45") and "Total (GBP) £1,254.45" in text
    assert "All amounts are in British pounds (GBP)." in text
    # The buyer, the addresses and the dates.
    assert "Ada Lovelace" in text and "ada@example.com" in text
    assert "12 Deansgate" in text and "M3 2BW" in text  # billing
    assert "1 Canal Street" in text and "M1 3HE" in text and "Method: Chilled delivery" in text
    assert "Invoice date 20 November 2026" in text.replace("INVOICE DATE", "Invoice date")
    assert "20 November 2026, 14:05" in text
    assert "Grown Indoors" in text  # the site's name (the default Wagtail site has none: the shop's)


def test_pound_sign_apostrophes_curly_quotes_and_dashes_come_out_as_written(order):
    (text,) = pdf_text(render_invoice(order))
    assert "Sweet basil 'Genovese' " in text
    # The long title wraps inside its column and reads back whole.
    assert "Pea shoots ‘Tendril pea’ – cut to order under a Bermondsey railway arch, delivered the same morning" in text
    assert "£1,234.50 £1,234.50" in text
    assert "?" not in text


def test_a_character_the_font_lacks_is_replaced_not_dropped():
    assert printable("Sweet basil 'Genovese' – £3.20 ‘ok’") == "Sweet basil 'Genovese' – £3.20 ‘ok’"
    assert printable("Farm\n  東京") == "Farm ??"
    assert printable("ǅemal") == "Džemal"  # a ligature the font lacks, as its letters


def test_sixty_lines_paginate_with_the_table_header_on_every_page(buyer):
    order = many_lines_order(buyer, 60)
    pages = pdf_text(render_invoice(order))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("ITEM SKU QTY UNIT PRICE TOTAL") == 1, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:
            assert f"Invoice {invoice_number(order)} (continued)" in text
    whole = " ".join(pages)
    for index in range(1, 61):
        assert whole.count(f"Microgreens mix no. {index} ‘Chef’s selection’ – radish, pea, sunflower and coriander, 100 g") == 1
    # A grower whose lines run on to the next page is named again there.
    assert "(continued) Microgreens mix" in whole.replace("Bench Farm 1, London (continued)", "(continued)")
    assert whole.count("Subtotal, Bench Farm") == 3
    assert f"Total (GBP) £{order.total_incl_tax:,.2f}" in pages[-1]


def test_a_deleted_grower_is_still_named_from_the_order(order, shop):
    shop["railway"].delete()
    order.refresh_from_db()
    (text,) = pdf_text(render_invoice(order))
    assert "Railway Arches Farm Sweet basil" in text  # the name as recorded, no town any more
    assert "Railway Arches Farm, London" not in text
    assert "Subtotal, Railway Arches Farm £1,240.90" in text


def test_the_card_payment_and_its_date(order):
    basket = Basket.objects.create(owner=order.user)
    payment = Payment.objects.create(
        basket=basket, order=order, intent_id="pi_invoice", client_secret="secret", amount=125445,
        currency="gbp", status="succeeded", amount_captured=125445,
    )
    settle(order, when=PLACED + datetime.timedelta(days=2))  # a later settlement does not move the date
    order = type(order).objects.get(pk=order.pk)
    (text,) = pdf_text(render_invoice(order))
    # The card's payment, on the day of the first settlement (the fixture's, at the order's time).
    assert "Paid by card on 20 November 2026" in text
    # When the payments layer records the card's last four digits, the invoice names them.
    payment.card_last4 = "4242"
    payment.amount_refunded = 320
    order.stripe_payment = payment
    (text,) = pdf_text(render_invoice(order))
    assert "Paid by card ending 4242 on 20 November 2026" in text
    assert "Refunded so far: £3.20" in text


def test_without_a_payment_the_invoice_says_so(buyer, shop):
    unpaid = place_order(buyer, [(shop["basil"], 1)])
    (text,) = pdf_text(render_invoice(unpaid))
    assert "Not paid yet" in text


def test_the_same_invoice_renders_to_the_same_bytes(order):
    assert render_invoice(order) == render_invoice(order)


def test_the_invoice_names_the_site_the_order_was_placed_on(order, settings):
    default = WagtailSite.objects.get(is_default_site=True)
    default.site_name = "Grown Indoors Market"
    default.save()
    (text,) = pdf_text(render_invoice(order))
    assert text.startswith("Grown Indoors Market Invoice")
    # A white-label site: its own Wagtail site, mirrored by a Django Site of the same host.
    WagtailSite.objects.create(hostname="partner.localhost", port=8000, site_name="Harvest Market",
                               root_page=default.root_page)
    # (storefront.commerce.sites keeps that mirror; its name here is not the site's, so the
    # invoice is seen to read the Wagtail site's.)
    mirror, _ = DjangoSite.objects.get_or_create(domain="partner.localhost:8000")
    mirror.name = "partner.localhost"
    mirror.save()
    order.site = mirror
    order.save()
    (text,) = pdf_text(render_invoice(order))
    assert text.startswith("Harvest Market Invoice") and "Grown Indoors Market" not in text


# Who may download it


def invoice_url(order):
    return reverse("invoices:customer-invoice", kwargs={"number": order.number})


def assert_is_the_invoice(response, order):
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="invoice-{order.number}.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    assert invoice_number(order) in pdf_text(response.body)[0]


def test_the_buyer_downloads_it_from_their_order_page(django_app, order):
    page = django_app.get(reverse("customer:order", kwargs={"order_number": order.number}), user=order.user)
    link = page.html.find("a", string=re.compile("Download invoice \\(PDF\\)"))
    assert link is not None and link["href"] == invoice_url(order)
    assert_is_the_invoice(page.click(href=re.escape(invoice_url(order))), order)


def test_another_buyer_gets_404(django_app, order):
    other = create_user("other@example.com")
    response = django_app.get(invoice_url(order), user=other, expect_errors=True)
    assert response.status_code == 404
    assert b"%PDF" not in response.body


def test_an_unknown_order_number_is_404_like_another_buyers(django_app, order):
    response = django_app.get(reverse("invoices:customer-invoice", kwargs={"number": "999999"}), user=order.user,
                              expect_errors=True)
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(django_app, order):
    response = django_app.get(invoice_url(order))
    assert response.status_code == 302
    assert response.location.startswith(reverse("customer:login")) and "next=" in response.location
    assert b"%PDF" not in response.body


def test_staff_download_any_invoice_from_the_dashboard_order_page(django_app, order):
    staff = create_user("staff@example.com", staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_order", content_type__app_label="order"))
    page = django_app.get(reverse("dashboard:order-detail", kwargs={"number": order.number}), user=staff)
    url = reverse("invoices:dashboard-invoice", kwargs={"number": order.number})
    assert page.html.find("a", href=url) is not None
    assert_is_the_invoice(page.click(href=re.escape(url)), order)
    # The buyer's account URL stays the buyer's: staff are not the order's owner there.
    assert django_app.get(invoice_url(order), user=staff, expect_errors=True).status_code == 404
    # Staff who may not see orders in the dashboard may not download them either.
    clerk = create_user("clerk@example.com", staff=True)
    assert django_app.get(url, user=clerk, expect_errors=True).status_code == 404


def test_a_seller_sees_no_invoice_link_and_gets_404_from_the_dashboard_invoice(django_app, order, shop):
    seller = shop["railway"].seller
    page = django_app.get(reverse("dashboard:order-detail", kwargs={"number": order.number}), user=seller)
    assert "Download invoice" not in page.text  # an invoice names every grower of the order
    url = reverse("invoices:dashboard-invoice", kwargs={"number": order.number})
    assert django_app.get(url, user=seller, expect_errors=True).status_code == 404
    django_app.reset()  # signed out
    assert django_app.get(url).status_code == 302  # anonymous: to the login page


def test_wrapping_keeps_every_character_and_every_line_inside_its_column():
    from storefront.commerce.invoices.document import StorefrontPDF

    pdf = StorefrontPDF()
    pdf.use(9.5)
    title = "Sweet basil 'Genovese' – " + "Supercalifragilisticexpialidocious" * 3 + " pots, 3 × 50 g"
    for text, anywhere in ((title, False), ("SKU-" + "0123456789" * 8, True)):
        lines = pdf.wrap(text, 30, anywhere=anywhere)
        assert len(lines) > 2
        assert all(pdf.get_string_width(line) <= 30 + 1e-9 for line in lines)
        assert ("" if anywhere else " ").join(lines).replace(" ", "") == text.replace(" ", "")
    assert pdf.wrap("Pea shoots", 30) == ["Pea shoots"]
    # A label that must stay on one line is cut to fit, and says so.
    cut = pdf.shorten(title, 30)
    assert cut.endswith("…") and title.startswith(cut[:-1]) and pdf.get_string_width(cut) <= 30
    assert pdf.shorten("Pea shoots", 30) == "Pea shoots"


def test_a_long_grower_name_is_printed_whole(buyer):
    name = "The Very Long Named Cooperative of Vertical Farmers and Hydroponic Herb Growers of Greater"
    farm = grower(name, "Newcastle upon Tyne")
    order = place_order(buyer, [(create_listed_product(farm, "Chives, 30 g", price="1.10"), 1)])
    (text,) = pdf_text(render_invoice(order))
    assert f"{name}, Newcastle upon Tyne" in text  # the heading wraps, whole
    assert f"Subtotal, {name} £1.10" in text
