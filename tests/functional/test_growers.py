"""Who grew it: the grower directory, grower pages, and the grower named on cards, product pages and the basket."""

from decimal import Decimal

import pytest
from django.urls import reverse
from haystack import connections
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory

from storefront.commerce.catalogue.packs import Pack, unit_price
from storefront.search.indexing import rebuild
from storefront.search.testing import make_grower, make_produce

pytestmark = pytest.mark.django_db

AttributeOption = get_model("catalogue", "AttributeOption")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductReview = get_model("reviews", "ProductReview")


@pytest.fixture(autouse=True)
def fresh_index():
    connections["default"].get_backend().refresh_interval = 0


@pytest.fixture
def growers():
    leeds = make_grower("Aire Valley Greens", city="Leeds", region="Yorkshire and the Humber", certifications="organic")
    london = make_grower("Railway Arches Farm", city="London", region="London", certifications="gap,pesticide-free")
    idle = make_grower("Idle Acres", city="Manchester", region="North West", certifications="organic")  # sells nothing
    products = {
        "basil": make_produce("Genovese basil, 100 g", leeds, price="2.45", category="Herbs"),
        "thai": make_produce("Thai basil, 30 g", london, price="0.95", category="Herbs"),
        "rocket": make_produce("Wild rocket, 1 kg", london, price="9.00", category="Salad"),
    }
    rebuild()
    return {"leeds": leeds, "london": london, "idle": idle, "products": products}


def set_pack(product, size, unit):
    """Give the product's class pack_size (float) and pack_unit (option) attributes and set them."""
    group, _ = AttributeOptionGroup.objects.get_or_create(name="Pack unit")
    option, _ = AttributeOption.objects.get_or_create(group=group, option=unit)
    size_attr, _ = ProductAttribute.objects.get_or_create(
        product_class=product.product_class, code="pack_size", defaults={"name": "Pack size", "type": "float"}
    )
    unit_attr, _ = ProductAttribute.objects.get_or_create(
        product_class=product.product_class, code="pack_unit",
        defaults={"name": "Pack unit", "type": "option", "option_group": group},
    )
    ProductAttributeValue.objects.update_or_create(product=product, attribute=size_attr, defaults={"value_float": size})
    ProductAttributeValue.objects.update_or_create(product=product, attribute=unit_attr, defaults={"value_option": option})


def card_names(page):
    return [a.text.strip() for a in page.html.select(".grower-card__name a")]


def test_directory_lists_the_growers_that_sell_something(django_app, growers):
    page = django_app.get(reverse("growers:list"))
    assert card_names(page) == ["Aire Valley Greens", "Railway Arches Farm"]
    london = page.html.select(".grower-card")[1]
    assert "London, London" in london.select_one(".grower-card__place").text
    assert "2 products" in london.select_one(".grower-card__facts").text
    assert [tag.text for tag in london.select(".grower-tag")] == ["GAP (Good Agricultural Practice)", "Pesticide free"]


def test_directory_filters_by_region_and_certification(django_app, growers):
    url = reverse("growers:list")
    assert card_names(django_app.get(url, {"region": "London"})) == ["Railway Arches Farm"]
    assert card_names(django_app.get(url, {"certification": "organic"})) == ["Aire Valley Greens"]
    assert card_names(django_app.get(url, {"certification": "pesticide-free"})) == ["Railway Arches Farm"]
    # "gap" must match the whole code, not part of another
    assert card_names(django_app.get(url, {"certification": "gmp"})) == []


def test_directory_sorts_by_distance_from_a_place(django_app, growers):
    page = django_app.get(reverse("growers:list"), {"near": "London"})
    assert card_names(page) == ["Railway Arches Farm", "Aire Valley Greens"]
    distances = [d.text for d in page.html.select(".grower-card__distance")]
    assert distances[0] == "0 km away"
    assert 250 < int(distances[1].split()[0]) < 300  # London to Leeds


@pytest.mark.parametrize("params", [
    {"near": "Atlantis"}, {"region": "Nowhere"}, {"certification": "made-up"}, {"near": "x\x00y"}, {"near": "q" * 500},
])
def test_directory_bad_filters_are_form_errors(django_app, growers, params):
    page = django_app.get(reverse("growers:list"), params)
    assert page.status_code == 200
    assert page.html.select_one(".alert-warning")
    assert len(card_names(page)) == 2  # the refused filter is left out


def test_grower_page_shows_the_profile_and_only_their_products(django_app, growers):
    london = growers["london"]
    london.description = "Salad leaves under the railway arches of south London."
    london.save()
    page = django_app.get(reverse("growers:detail", kwargs={"code": london.code}))
    assert page.html.select_one("h1").text.strip() == "Railway Arches Farm"
    assert "under the railway arches" in page.html.select_one(".grower-profile__story").text
    assert "London, London" in page.html.select_one(".grower-profile__place").text
    titles = sorted(a.text.strip() for a in page.html.select(".product-card__title a"))
    assert titles == ["Thai basil, 30 g", "Wild rocket, 1 kg"]
    # the shop's facets, counted over the grower's products only
    assert "Herbs" in page.text and page.html.select_one(".side_categories")


def test_grower_page_facets_and_sorting_stay_within_the_grower(django_app, growers):
    url = reverse("growers:detail", kwargs={"code": growers["london"].code})
    page = django_app.get(url, {"sort_by": "-price"})
    assert [a.text.strip() for a in page.html.select(".product-card__title a")] == ["Wild rocket, 1 kg", "Thai basil, 30 g"]


def test_grower_page_gives_the_distance_from_the_buyers_place(django_app, growers):
    page = django_app.get(reverse("growers:detail", kwargs={"code": growers["leeds"].code}), {"location": "Leeds"})
    assert "0 km from you" in page.html.select_one(".grower-profile__place").text


def test_grower_page_of_an_unknown_or_idle_grower_is_404(django_app, growers):
    django_app.get(reverse("growers:detail", kwargs={"code": "no-such-grower"}), status=404)
    django_app.get(reverse("growers:detail", kwargs={"code": growers["idle"].code}), status=404)


def test_grower_rating_is_the_mean_of_approved_reviews_of_their_products(django_app, growers):
    basil = growers["products"]["thai"]
    rocket = growers["products"]["rocket"]
    for product, score, status in [(basil, 5, ProductReview.APPROVED), (rocket, 3, ProductReview.APPROVED),
                                   (rocket, 1, ProductReview.FOR_MODERATION)]:
        ProductReview.objects.create(product=product, score=score, title="Fresh", body="Good", status=status,
                                     user=UserFactory())
    page = django_app.get(reverse("growers:list"))
    london = page.html.select(".grower-card")[1]
    assert "★ 4.0 (2 reviews)" in london.select_one(".grower-card__rating").text
    detail = django_app.get(reverse("growers:detail", kwargs={"code": growers["london"].code}))
    assert "★ 4.0 from 2 reviews of their produce" in detail.html.select_one(".grower-profile__rating").text


def test_search_by_grower_name_finds_the_grower_and_their_produce(django_app, growers):
    page = django_app.get(reverse("search:search"), {"q": "Railway Arches"})
    assert card_names(page) == ["Railway Arches Farm"]
    titles = sorted(a.text.strip() for a in page.html.select(".search-products .product-card__title a"))
    assert titles == ["Thai basil, 30 g", "Wild rocket, 1 kg"]


def test_cards_name_the_grower_and_town_with_the_whole_title(django_app, growers):
    page = django_app.get(reverse("catalogue:index"))
    cards = {card.select_one(".product-card__title a").text.strip(): card for card in page.html.select(".product_pod")}
    assert set(cards) == {"Genovese basil, 100 g", "Thai basil, 30 g", "Wild rocket, 1 kg"}
    grower = cards["Thai basil, 30 g"].select_one(".product-card__grower")
    assert grower.text.strip() == "Railway Arches Farm, London"
    assert grower.select_one("a")["href"] == reverse("growers:detail", kwargs={"code": growers["london"].code})
    # no empty star row on products nobody has reviewed yet
    assert not page.html.select(".product_pod .star-rating")


def test_cards_and_product_page_give_the_price_per_kg_or_per_unit(django_app, growers):
    basil, rocket = growers["products"]["basil"], growers["products"]["rocket"]
    set_pack(basil, 100, "g")
    set_pack(rocket, 3, "head")
    rebuild()
    page = django_app.get(reverse("catalogue:index"))
    cards = {card.select_one(".product-card__title a").text.strip(): card for card in page.html.select(".product_pod")}
    assert cards["Genovese basil, 100 g"].select_one(".unit-price").text.strip() == "£24.50/kg"
    assert cards["Wild rocket, 1 kg"].select_one(".unit-price").text.strip() == "£3.00/head"
    assert cards["Thai basil, 30 g"].select_one(".unit-price") is None  # no pack recorded: nothing invented
    detail = django_app.get(basil.get_absolute_url())
    assert detail.html.select_one(".product_main .unit-price").text.strip() == "£24.50/kg"
    assert "Grown by Aire Valley Greens, Leeds" in " ".join(detail.html.select_one(".product-grower").text.split())


@pytest.mark.parametrize("size, unit, price, expected", [
    (100, "g", "2.45", (Decimal("24.50"), "kg")),
    (Decimal("0.5"), "kg", "10.50", (Decimal("21.00"), "kg")),
    (12, "head", "13.20", (Decimal("1.10"), "head")),
    (30, "g", "0.95", (Decimal("31.67"), "kg")),
])
def test_unit_price(size, unit, price, expected):
    found = unit_price(Pack(Decimal(str(size)), unit), Decimal(price))
    assert (found.amount, str(found.per)) == expected


def test_basket_groups_lines_by_grower_with_subtotals(django_app, growers):
    for key in ("basil", "thai", "rocket"):
        page = django_app.get(growers["products"][key].get_absolute_url())
        form = next(f for f in page.forms.values() if "basket" in (f.action or ""))
        form.submit().follow()
    basket = django_app.get(reverse("basket:summary"))
    groups = basket.html.select(".basket-grower")
    assert [" ".join(g.select_one(".basket-grower__name").text.split()) for g in groups] == [
        "From Aire Valley Greens, Leeds", "From Railway Arches Farm, London",
    ]
    assert [len(g.select(".basket-items")) for g in groups] == [1, 2]
    subtotals = [" ".join(g.select_one(".basket-grower__subtotal").text.split()) for g in groups]
    assert subtotals == ["Subtotal from Aire Valley Greens: £2.45", "Subtotal from Railway Arches Farm: £9.95"]
    # each line's remove link still points at its own form in the formset
    removes = [a["data-id"] for a in basket.html.select('a[data-behaviours="remove"]')]
    assert sorted(removes) == ["0", "1", "2"]
    lines = basket.context["formset"].forms
    for group in groups:
        for item in group.select(".basket-items"):
            index = int(item.select_one('a[data-behaviours="remove"]')["data-id"])
            assert lines[index].instance.description in item.text


def test_basket_quantity_update_still_works_when_grouped(django_app, growers):
    for key in ("thai", "basil"):
        page = django_app.get(growers["products"][key].get_absolute_url())
        next(f for f in page.forms.values() if "basket" in (f.action or "")).submit().follow()
    basket = django_app.get(reverse("basket:summary"))
    form = basket.forms["basket_formset"]
    form["form-0-quantity"] = "3"
    form.submit().follow()
    basket = django_app.get(reverse("basket:summary"))
    quantities = {f.instance.product.title: f.instance.quantity for f in basket.context["formset"].forms}
    assert quantities == {"Thai basil, 30 g": 3, "Genovese basil, 100 g": 1}
