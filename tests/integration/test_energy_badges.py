"""Energy badges: seller submission, staff verification, form errors, row access, badges, facets."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from energy_badges.forms import EnergyReportForm, SiteConfigForm, partners_of
from energy_badges.models import EnergyReport
from storefront.plugins.badges import badges_for
from storefront.plugins.index import index_data
from storefront.plugins.scope import Scope
from tests.factories import create_grower, create_listed_product, create_user

pytestmark = pytest.mark.django_db


def pdf(name="evidence.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"0" * size, content_type="application/pdf")


def report(partner, *, product=None, kwh="8", share="0", status=EnergyReport.VERIFIED, end=datetime.date(2026, 6, 30)):
    return EnergyReport.objects.create(
        partner=partner, product=product, kwh_per_kg=Decimal(kwh), renewable_share=Decimal(share),
        lighting_efficacy=Decimal("2.8"), period_start=end - datetime.timedelta(days=180), period_end=end,
        evidence=pdf(), status=status, rejection_reason="unclear" if status == EnergyReport.REJECTED else "",
    )


@pytest.fixture
def growers():
    a = create_grower("Aire Greens", seller_email="seller.a@example.com")
    b = create_grower("Bright Leaf", seller_email="seller.b@example.com")
    return a, b


def form_data(partner, **overrides):
    data = {
        "partner": partner.pk, "product": "", "kwh_per_kg": "12.5", "renewable_share": "40",
        "lighting_efficacy": "2.9", "period_start": "2026-01-01", "period_end": "2026-06-30",
    }
    data.update(overrides)
    return data


def test_seller_submits_then_staff_verifies_and_only_then_a_badge_appears(client, growers, plugin_host):
    plugin_host.register_installed("energy_badges")
    grower, _ = growers
    product = create_listed_product(grower, "Basil")
    client.force_login(grower.seller)
    response = client.post(
        reverse("energy_badges:report-create"), {**form_data(grower), "evidence": pdf()}, HTTP_HOST="localhost"
    )
    assert response.status_code == 302, response.content
    submitted = EnergyReport.objects.get()
    assert submitted.status == EnergyReport.UNVERIFIED and submitted.submitted_by == grower.seller
    assert badges_for([product], scope=Scope()) == {product.pk: []}

    # A seller cannot verify their own report.
    verify_url = reverse("energy_badges:report-verify", kwargs={"pk": submitted.pk})
    assert client.post(verify_url, {"decision": "verified"}).status_code == 403

    staff = create_user("staff@example.com", staff=True)
    client.force_login(staff)
    response = client.post(verify_url, {"decision": "rejected", "reason": ""})
    assert response.status_code == 200 and "Say why the report is rejected" in response.content.decode()
    client.post(verify_url, {"decision": "rejected", "reason": "Evidence covers another site"})
    submitted.refresh_from_db()
    assert submitted.status == EnergyReport.REJECTED and submitted.rejection_reason == "Evidence covers another site"
    assert badges_for([product], scope=Scope()) == {product.pk: []}

    client.post(verify_url, {"decision": "verified"})
    submitted.refresh_from_db()
    assert submitted.status == EnergyReport.VERIFIED and submitted.verified_by == staff
    assert submitted.rejection_reason == ""
    [badge] = badges_for([product], scope=Scope())[product.pk]
    assert badge.label == "Energy B"  # 12.5 × (1 − 0.5 × 0.4) = 10.0, B's upper bound
    assert badge.plugin == "energy_badges" and "verified report" in badge.title

    # Editing a verified report sends it back for verification: the badge goes until staff check again.
    client.force_login(grower.seller)
    client.post(reverse("energy_badges:report-update", kwargs={"pk": submitted.pk}), form_data(grower, kwh_per_kg="3"))
    submitted.refresh_from_db()
    assert submitted.status == EnergyReport.UNVERIFIED and submitted.kwh_per_kg == Decimal("3")
    assert badges_for([product], scope=Scope()) == {product.pk: []}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kwh_per_kg": "-1"}, "kwh_per_kg", "greater than or equal to 0"),
        ({"period_end": "2025-12-31"}, "period_end", "ends (2025-12-31) before it starts (2026-01-01)"),
        ({"renewable_share": "120"}, "renewable_share", "less than or equal to 100"),
        ({"evidence": "virus.exe"}, "evidence", "not an accepted evidence file"),
        ({"evidence": "huge.pdf"}, "evidence", "the limit is 1 MB"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(growers, settings, overrides, field, message):
    settings.ENERGY_BADGES_EVIDENCE_MAX_BYTES = 1024 * 1024
    grower, _ = growers
    evidence = overrides.pop("evidence", "evidence.pdf")
    upload = pdf(evidence, size=2 * 1024 * 1024 if evidence == "huge.pdf" else 100)
    form = EnergyReportForm(
        data=form_data(grower, **overrides), files={"evidence": upload}, partners=partners_of(grower.seller)
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert EnergyReport.objects.count() == 0


def test_seller_cannot_see_or_edit_another_sellers_report(client, growers):
    a, b = growers
    theirs = report(b, status=EnergyReport.UNVERIFIED)
    client.force_login(a.seller)
    url = reverse("energy_badges:report-update", kwargs={"pk": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(a, kwh_per_kg="1")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.kwh_per_kg == Decimal("8") and theirs.partner == b
    listing = client.get(reverse("energy_badges:report-list")).content.decode()
    assert "Bright Leaf" not in listing
    # Nor can they file a report under the other grower.
    form = EnergyReportForm(data=form_data(b), files={"evidence": pdf()}, partners=partners_of(a.seller))
    assert not form.is_valid() and "partner" in form.errors


def test_a_reports_evidence_opens_for_its_own_seller_and_staff_only(client, growers):
    a, b = growers
    mine = report(a, status=EnergyReport.UNVERIFIED)
    url = reverse("energy_badges:report-evidence", kwargs={"pk": mine.pk})
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(b.seller)
    assert client.get(url).status_code == 404
    client.force_login(a.seller)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert "attachment" in response["Content-Disposition"]
    assert url in client.get(reverse("energy_badges:report-list")).content.decode()
    client.force_login(create_user("staff@example.com", staff=True))
    assert client.get(url).status_code == 200


def test_product_report_wins_over_facility_report_and_latest_period_wins(growers, plugin_host):
    plugin_host.register_installed("energy_badges")
    grower, _ = growers
    basil, rocket = create_listed_product(grower, "Basil"), create_listed_product(grower, "Rocket")
    report(grower, kwh="45")  # facility: G
    report(grower, kwh="35", end=datetime.date(2025, 6, 30))  # older facility report: ignored
    report(grower, product=basil, kwh="4")  # basil's own: A
    report(grower, product=rocket, kwh="1", status=EnergyReport.UNVERIFIED)  # unverified: ignored
    badges = badges_for([basil, rocket], scope=Scope())
    assert [b.label for b in badges[basil.pk]] == ["Energy A"]
    assert [b.label for b in badges[rocket.pk]] == ["Energy G"]


def test_site_thresholds_change_the_badge(growers, plugin_host):
    plugin_host.register_installed("energy_badges")
    grower, _ = growers
    basil = create_listed_product(grower, "Basil")
    report(grower, kwh="8")
    form = SiteConfigForm(data={"thresholds": "1, 2, 3, 4, 5, 6", "renewable_weight": "0.5"})
    assert form.is_valid(), form.errors
    scope = Scope(configs={"energy_badges": form.cleaned_data})
    assert [b.label for b in badges_for([basil], scope=scope)[basil.pk]] == ["Energy G"]
    assert not SiteConfigForm(data={"thresholds": "5, 4", "renewable_weight": "0.5"}).is_valid()


def test_another_plugin_can_supply_energy_data(growers, plugin_host):
    from storefront.plugins import hookimpl

    plugin_host.register_installed("energy_badges")
    grower, _ = growers
    basil = create_listed_product(grower, "Basil")

    class VibeLuxStandIn:
        @hookimpl
        def energy_badges_supply_data(self, partner_ids, product_ids):
            return [{"partner_id": grower.pk, "kwh_per_kg": Decimal("14"), "renewable_share": Decimal(0),
                     "source": "VibeLux metered"}]

    plugin_host.register("vibelux", VibeLuxStandIn())
    [badge] = badges_for([basil], scope=Scope())[basil.pk]
    assert badge.label == "Energy C" and "VibeLux metered" in badge.title


def test_badges_for_a_page_cost_the_same_queries_for_one_product_or_many(growers, plugin_host, django_assert_max_num_queries):
    plugin_host.register_installed("energy_badges")
    grower, other = growers
    products = [create_listed_product(grower if i % 2 else other, f"Product {i}") for i in range(30)]
    report(grower, kwh="8")
    report(other, kwh="25")
    with django_assert_max_num_queries(2):
        badges = badges_for(products, scope=Scope())
    assert sum(1 for labels in badges.values() if labels) == 30


def test_index_data_gives_the_energy_grade_facet_and_counts_match(growers, plugin_host):
    from collections import Counter

    plugin_host.register_installed("energy_badges")
    grower, other = growers
    products = [create_listed_product(grower, f"A{i}") for i in range(3)] + [create_listed_product(other, "B0")]
    unreported = create_listed_product(create_grower("Silent Farm"), "C0")
    report(grower, kwh="4")
    report(other, kwh="18")
    data = index_data(products + [unreported])
    assert Counter(fields.get("energy_grade") for fields in data.values()) == {"A": 3, "D": 1, None: 1}
