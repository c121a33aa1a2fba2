"""The demo exactly as `manage.py load_demo` loads it: who grew it, pictures, and facet counts that agree with the cards.

No factory adds anything here: what a buyer of a fresh `bin/demo` sees is
what these tests see, through the site's own pages (WebTest).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from haystack import connections
from oscar.core.loading import get_model

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    connections["default"].get_backend().refresh_interval = 0
    # The test's transaction never commits: run what load_demo queues after commit (the index updates).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())


def test_every_demo_product_has_a_picture_and_a_grower(demo):
    assert not Product.objects.filter(is_public=True, images__isnull=True).exists()
    assert not Product.objects.filter(is_public=True, stockrecords__isnull=True).exists()


def test_the_directory_lists_every_demo_grower_and_each_page_names_them(django_app, demo):
    page = django_app.get(reverse("growers:list"))
    names = [a.text.strip() for a in page.html.select(".grower-card__name a")]
    assert names == sorted(Partner.objects.values_list("name", flat=True))
    for partner in Partner.objects.all():
        detail = django_app.get(reverse("growers:detail", kwargs={"code": partner.code}))
        assert detail.html.select_one("h1").text.strip() == partner.name
        assert partner.city in detail.html.select_one(".grower-profile__place").text
        assert detail.html.select(".product_pod")  # their produce is listed


def test_search_for_a_grower_by_name_finds_the_grower_page_and_their_produce(django_app, demo):
    page = django_app.get(reverse("search:search"), {"q": "Railway Arches"})
    assert [a.text.strip() for a in page.html.select(".search-growers .grower-card__name a")] == ["Railway Arches Farm"]
    growers = {g.text.strip() for g in page.html.select(".search-products .product-card__grower a")}
    assert growers == {"Railway Arches Farm"}


def test_every_card_names_its_grower_and_town(django_app, demo):
    page = django_app.get(reverse("catalogue:index"))
    cards = page.html.select(".product_pod")
    assert len(cards) == 24
    for card in cards:
        assert re.fullmatch(r".+, .+", card.select_one(".product-card__grower").text.strip())


def test_the_energy_grade_facet_counts_what_the_cards_show(django_app, demo):
    """The facet's count of a grade equals the cards that show that grade (the demo's VibeLux feed
    gives a whole grower an energy grade, so every product of theirs must be counted, not only the lots')."""
    page = django_app.get(reverse("search:search"), {"q": "basil"})
    facet_counts = {}
    for link in page.html.select('a[href*="energy_grade"]'):
        grade = link.text.strip()
        count = re.search(r"\((\d+)\)", link.find_parent("dd").text if link.find_parent("dd") else link.parent.text)
        facet_counts[grade] = int(count.group(1))
    assert facet_counts, "the demo has energy grades on basil"
    for grade, count in facet_counts.items():
        narrowed = django_app.get(reverse("search:search"), {"q": "basil", "selected_facets": f"energy_grade:{grade}"})
        total = int(re.search(r"Found <strong>(\d+)</strong>", narrowed.text).group(1))
        assert total == count
        cards = narrowed.html.select(".search-products .product_pod")
        assert len(cards) == min(count, 24)
        assert all(f"Energy {grade}" in card.text for card in cards)


def test_the_partner_site_lists_its_own_growers_only(django_app, demo):
    partner_host = {"HTTP_HOST": "partner.localhost"}
    page = django_app.get(reverse("growers:list"), extra_environ=partner_host)
    names = {a.text.strip() for a in page.html.select(".grower-card__name a")}
    assert names == {"Thistle Light Farms", "Tyneside Vertical", "Pennine Glasshouse Co.", "Ancoats Microgreens"}
    django_app.get(reverse("growers:detail", kwargs={"code": "railway-arches-farm"}), extra_environ=partner_host,
                   status=404)
    django_app.get(reverse("growers:detail", kwargs={"code": "railway-arches-farm"}), status=200)
