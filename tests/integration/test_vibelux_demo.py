"""The VibeLux demo feed: valid against the contract, safe to run twice, and it shows what the plugin does."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from tests.factories import create_grower
from tests.vibelux_standin import lettuce
from vibelux.demo import DemoFeedError, load_vibelux_demo, read_feed
from vibelux.display import conditions_for, forecasts_for
from vibelux.listings import set_attribute
from vibelux.models import Lot

StockRecord = get_model("partner", "StockRecord")
CONTENT = settings.BASE_DIR / "content"


def test_the_demo_feed_follows_the_contract():
    manifest, events = read_feed(CONTENT)
    assert manifest["grower"] == "thistle-light-farms"
    assert {e["type"] for e in events} == {"facility.updated", "harvest.completed", "crop_cycle.updated"}


@pytest.mark.django_db
def test_the_demo_connects_a_grower_and_is_safe_to_run_twice():
    grower = create_grower("Thistle Light Farms")
    assert grower.code == "thistle-light-farms"
    basil = lettuce(grower, "Aroma 2", pack_size=100, stock=4, crop="Sweet basil")
    set_attribute(basil, "pack_unit", "g")
    rex = lettuce(grower, "Rex", stock=0)
    messages = []

    first = load_vibelux_demo(CONTENT, messages.append)
    again = load_vibelux_demo(CONTENT, messages.append)
    assert first == {"vibelux events": 5, "vibelux lots": 2}
    assert again == {"vibelux events": 0, "vibelux lots": 2}
    assert any("Connected Thistle Light Farms" in m for m in messages)

    # A harvest stocked the matching listing: 12.6 kg in 100 g packs, once.
    assert StockRecord.objects.get(product=basil).num_in_stock == 4 + 126
    # Another harvest created a listing, published and priced from the grower's price per kg.
    pea = Lot.objects.get(lot_number="TLF-PEA-0087").product
    assert pea.is_public and pea.title == "Pea shoots 'Kelvedon Wonder', 50 g"
    assert pea.stockrecords.get().price == Decimal("1.20") and pea.stockrecords.get().num_in_stock == 170
    # A growing cycle is a forecast on the product page; the lot on sale has its grow conditions.
    forecast = forecasts_for([rex])[rex.pk]
    assert forecast.about_kg == 85 and forecast.available_from > timezone.localdate()
    conditions = conditions_for([basil])[basil.pk]
    assert (conditions.room, conditions.days_to_harvest, conditions.mean_dli) == ("Herb room", 40, Decimal("16.10"))


@pytest.mark.django_db
def test_the_demo_lots_are_fresh_on_the_day_it_is_loaded_and_move_along_on_a_later_day():
    from datetime import date, timedelta

    grower = create_grower("Thistle Light Farms")
    basil = lettuce(grower, "Aroma 2", pack_size=100, stock=0, crop="Sweet basil", shelf_life=8)
    set_attribute(basil, "pack_unit", "g")
    load_day = date(2027, 5, 3)
    load_vibelux_demo(CONTENT, lambda message: None, today=load_day)
    lots = {lot.lot_number: (lot.harvest_date, lot.best_before) for lot in Lot.objects.all()}
    assert lots == {
        "TLF-BAS-0142": (load_day - timedelta(days=1), load_day + timedelta(days=7)),  # the basil's 8-day shelf life
        "TLF-PEA-0087": (load_day - timedelta(days=1), load_day + timedelta(days=6)),  # the grower's default 7 days
    }
    record = StockRecord.objects.get(product=basil)
    assert record.num_in_stock == 126 and record.batches[0][:2] == [lots["TLF-BAS-0142"][0].isoformat(),
                                                                   lots["TLF-BAS-0142"][1].isoformat()]

    # A later day delivers the feed again: the same lots, moved along, and no extra stock.
    assert load_vibelux_demo(CONTENT, lambda message: None, today=load_day + timedelta(days=3))["vibelux lots"] == 2
    moved = {lot.lot_number: (lot.harvest_date, lot.best_before) for lot in Lot.objects.all()}
    assert moved == {number: (h + timedelta(days=3), b + timedelta(days=3)) for number, (h, b) in lots.items()}
    assert StockRecord.objects.get(product=basil).num_in_stock == 126


@pytest.mark.django_db
def test_the_demo_needs_a_grower(tmp_path):
    with pytest.raises(DemoFeedError, match="load the demo catalogue"):
        load_vibelux_demo(CONTENT, lambda message: None)
    (tmp_path / "vibelux").mkdir()
    (tmp_path / "vibelux" / "manifest.json").write_text('{"as_of": "2026-11-20"}')
    with pytest.raises(DemoFeedError, match="add the 'grower' key"):
        read_feed(tmp_path)
