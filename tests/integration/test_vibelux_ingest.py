"""VibeLux data in: webhooks, the pull against the stand-in API, file uploads; one effect per record whatever the order."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from tests.factories import create_grower
from tests.vibelux_standin import (
    VibeLuxStandIn, connect, crop_cycle, event, facility, harvest, lettuce, signed,
)
from vibelux import pull
from vibelux.ingest import Outcome, apply_crop_cycle, apply_harvest, ingest_batch
from vibelux.models import Connection, CropCycle, ForecastSignup, Lot, WebhookEvent

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


@pytest.fixture
def grower():
    return create_grower("Thistle Light Farms", seller_email="seller@thistle.example")


@pytest.fixture
def rex(grower):
    return lettuce(grower, "Rex", pack_size=1, stock=5)


@pytest.fixture
def connection(grower):
    return connect(grower)


@pytest.fixture
def api():
    with VibeLuxStandIn(page_size=2) as standin:
        yield standin


def stock_of(product):
    return StockRecord.objects.get(product=product).num_in_stock


def deliver(client, connection, payload, timestamp=None, secret=None):
    body, headers = signed(secret or connection.webhook_secret, payload, timestamp)
    return client.post(
        reverse("vibelux:webhook", args=[connection.webhook_key]), body, content_type="application/json",
        headers=headers,
    )


# --- webhooks -----------------------------------------------------------------------------


def test_a_harvest_webhook_stocks_the_matching_product_after_commit(client, connection, rex, grower,
                                                                    django_capture_on_commit_callbacks):
    payload = event("ev-1", "harvest.completed", {"harvest": harvest(yield_kg=30), "crop_cycle": crop_cycle()})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client, connection, payload)
    assert response.status_code == 202, response.content
    assert callbacks, "processing is queued after the commit, not run inside the request's transaction"
    stored = WebhookEvent.objects.get(event_id="ev-1")
    assert stored.status == WebhookEvent.PROCESSED, stored.outcome
    lot = Lot.objects.get(lot_number="LOT-001")
    assert (lot.product, lot.packs, lot.room_name) == (rex, 200, "")  # 30 kg / 0.15 kg heads
    assert lot.best_before == lot.harvest_date + timedelta(days=9)  # the product's own shelf life
    assert stock_of(rex) == 5 + 200
    fresh = Product.objects.get(pk=rex.pk)
    assert fresh.attr.harvest_date == date(2026, 11, 10)  # the listing shows the latest harvest


def test_a_redelivered_event_has_no_second_effect(client, connection, rex, django_capture_on_commit_callbacks):
    payload = event("ev-1", "harvest.completed", {"harvest": harvest(yield_kg=3)})
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, connection, payload)
    with django_capture_on_commit_callbacks(execute=True):
        again = deliver(client, connection, payload)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"status": "duplicate", "event": "ev-1", "state": "processed"}
    # The same harvest under a new event id (VibeLux re-sent it) is still one lot, one stock change.
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, connection, {**payload, "id": "ev-1-resent"})
    assert WebhookEvent.objects.count() == 2
    assert Lot.objects.count() == 1
    assert stock_of(rex) == 5 + 20


def test_a_bad_signature_or_stale_delivery_writes_nothing(client, connection, rex):
    payload = event("ev-1", "harvest.completed", {"harvest": harvest()})
    forged = deliver(client, connection, payload, secret="not-the-secret")
    stale = deliver(client, connection, payload, timestamp=timezone.now().timestamp() - 301)
    assert (forged.status_code, stale.status_code) == (401, 401)
    assert "signature does not match" in forged.json()["error"]
    assert "replay protection" in stale.json()["error"]
    assert not WebhookEvent.objects.exists() and not Lot.objects.exists()


def test_an_event_breaking_the_schema_is_rejected_naming_the_field(client, connection, rex):
    payload = event("ev-1", "harvest.completed", {"harvest": harvest(actual_yield_kg=-1)})
    response = deliver(client, connection, payload)
    assert response.status_code == 400
    assert "event.data.harvest.actual_yield_kg: -1 is less than or equal to the minimum of 0 (rule: exclusiveMinimum)" \
        in response.json()["problems"]
    assert not WebhookEvent.objects.exists()


def test_an_unknown_webhook_key_is_a_404(client, connection):
    body, headers = signed(connection.webhook_secret, event("ev-1", "facility.updated", {"facility": facility()}))
    url = reverse("vibelux:webhook", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 404


def test_an_event_that_cannot_be_applied_is_marked_failed_with_the_reason(client, connection, rex,
                                                                          django_capture_on_commit_callbacks):
    tiny = harvest(yield_kg=0.1)  # less than one 0.15 kg head
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, connection, event("ev-9", "harvest.completed", {"harvest": tiny}))
    stored = WebhookEvent.objects.get(event_id="ev-9")
    assert stored.status == WebhookEvent.FAILED
    assert "does not fill one pack of 0.15 kg" in stored.outcome
    assert not Lot.objects.exists() and stock_of(rex) == 5


# --- out of order ---------------------------------------------------------------------------


def test_an_older_update_arriving_after_a_newer_one_is_ignored(connection):
    newer = crop_cycle(forecast_kg=55, updated_at="2026-11-05T00:00:00Z")
    older = crop_cycle(forecast_kg=40, updated_at="2026-11-02T00:00:00Z")
    outcome = Outcome()
    apply_crop_cycle(connection, newer, outcome)
    apply_crop_cycle(connection, older, outcome)
    apply_crop_cycle(connection, newer, outcome)  # and a duplicate
    assert CropCycle.objects.get().forecast_yield_kg == Decimal("55")
    assert outcome.ignored == {"crop cycle": 2}


def test_a_corrected_harvest_changes_stock_by_the_difference_once(connection, rex):
    outcome = Outcome()
    apply_harvest(connection, harvest(yield_kg=3, updated_at="2026-11-10T12:00:00Z"), outcome)  # 20 heads
    apply_harvest(connection, harvest(yield_kg=4.5, updated_at="2026-11-11T09:00:00Z"), outcome)  # 30 heads
    apply_harvest(connection, harvest(yield_kg=3, updated_at="2026-11-10T12:00:00Z"), outcome)  # late original
    assert Lot.objects.get().packs == 30
    assert stock_of(rex) == 5 + 30


def test_facility_rooms_arriving_after_the_cycle_are_linked(connection):
    apply_crop_cycle(connection, crop_cycle(), Outcome())
    assert CropCycle.objects.get().room is None
    ingest_batch(connection, [("facility", facility())])
    assert CropCycle.objects.get().room.name == "Room A"
    connection.refresh_from_db()
    assert (connection.facility_name, connection.facility_city) == ("Dundee waterfront farm", "Dundee")


# --- matching and drafts ----------------------------------------------------------------------


def test_a_harvest_without_a_matching_product_makes_a_draft_the_next_harvest_reuses(connection, rex, grower):
    two_heads = harvest("hv-2", lot="LOT-002", pack_size=2, net_kg=0.3, yield_kg=3)  # rex is sold by the head
    ingest_batch(connection, [("harvest", two_heads)])
    draft = Lot.objects.get(lot_number="LOT-002").product
    assert draft != rex
    assert (draft.title, draft.is_public) == ("Butterhead lettuce 'Rex', 2 heads", False)
    assert draft.stockrecords.get().partner == grower and stock_of(draft) == 10
    assert draft.stockrecords.get().price is None  # the seller prices it when reviewing
    ingest_batch(connection, [("harvest", harvest("hv-3", lot="LOT-003", pack_size=2, net_kg=0.3, yield_kg=6))])
    assert Lot.objects.get(lot_number="LOT-003").product == draft
    assert stock_of(draft) == 10 + 20 and stock_of(rex) == 5


def test_publish_mode_lists_a_new_product_priced_per_kg(grower):
    connection = connect(grower, listing_mode=Connection.PUBLISH, price_per_kg=Decimal("12.00"))
    ingest_batch(connection, [("harvest", harvest(crop="Pea shoots", variety="Kelvedon", pack_size=100,
                                                  pack_unit="g", net_kg=None, yield_kg=5))])
    product = Lot.objects.get().product
    assert product.is_public and product.title == "Pea shoots 'Kelvedon', 100 g"
    assert product.stockrecords.get().price == Decimal("1.20") and stock_of(product) == 50


def test_another_growers_product_or_variety_is_not_matched(connection, rex):
    other = create_grower("Tyneside Vertical")
    lettuce(other, "Rex")
    ingest_batch(connection, [("harvest", harvest(variety="Flandria"))])
    assert Lot.objects.get().product not in (rex,) and stock_of(rex) == 5


def test_a_batch_with_a_bad_record_writes_nothing(connection, rex):
    from vibelux.contract import ContractError

    with pytest.raises(ContractError, match="harvest.grade"):
        ingest_batch(connection, [("harvest", harvest()), ("harvest", harvest("hv-2", lot="L2", grade="Top"))])
    assert not Lot.objects.exists() and stock_of(rex) == 5


def test_buyers_who_signed_up_are_emailed_once_when_stock_arrives(connection, rex,
                                                                  django_capture_on_commit_callbacks):
    StockRecord.objects.filter(product=rex).update(num_in_stock=0)
    ForecastSignup.objects.create(product=rex, email="chef@example.com")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    stale = (timezone.localdate() - timedelta(days=30)).isoformat()  # the shelf life is 9 days
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest("hv-0", lot="LOT-000", harvest_date=stale))])
    assert mail.outbox == []  # stock past its best-before is not "listed"
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest(harvest_date=yesterday))])
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest("hv-2", lot="LOT-002", harvest_date=yesterday))])
    assert [m.to for m in mail.outbox] == [["chef@example.com"]]
    assert "is now available" in mail.outbox[0].subject


# --- the pull --------------------------------------------------------------------------------


def seed(api, harvests=3):
    api.add_facility(facility())
    api.add_cycle(crop_cycle("cyc-1", updated_at="2026-11-02T08:00:00Z"))
    api.add_cycle(crop_cycle("cyc-2", variety="Flandria", updated_at="2026-11-03T08:00:00Z"))
    for n in range(1, harvests + 1):
        api.add_harvest(harvest(f"hv-{n}", lot=f"LOT-{n:03}", yield_kg=3, updated_at=f"2026-11-1{n}T08:00:00Z"))


def harvest_requests(api):
    return [query for path, query in api.requests if path == "/v1/harvests"]


def test_a_pull_catches_up_and_the_next_asks_only_for_newer_records(grower, rex, api):
    seed(api)
    connection = connect(grower, api)
    result = pull.pull_connection(connection.pk)
    assert result.status == "done", result.detail
    assert Lot.objects.count() == 3 and stock_of(rex) == 5 + 60
    assert CropCycle.objects.count() == 2
    connection.refresh_from_db()
    assert connection.cursor["harvests"]["updated_since"] == "2026-11-13T08:00:00Z"
    assert connection.pull_failures == 0 and connection.next_pull_at > timezone.now()
    api.requests.clear()
    api.add_harvest(harvest("hv-4", lot="LOT-004", yield_kg=3, updated_at="2026-11-14T08:00:00Z"))
    assert pull.pull_connection(connection.pk).status == "done"
    assert harvest_requests(api)[0]["updated_since"] == "2026-11-13T08:00:00Z"
    assert Lot.objects.count() == 4 and stock_of(rex) == 5 + 80


def test_a_pull_that_fails_half_way_keeps_its_pages_and_resumes(grower, rex, api):
    seed(api, harvests=5)  # three pages of harvests at two per page
    api.fail_next("/v1/harvests", times=1, after=1)  # the second page answers 503
    connection = connect(grower, api)
    failed = pull.pull_connection(connection.pk)
    assert failed.status == "failed" and "503" in failed.detail
    assert Lot.objects.count() == 2 and stock_of(rex) == 5 + 40  # the first page stays
    connection.refresh_from_db()
    assert connection.pull_failures == 1 and "503" in connection.last_error
    assert timedelta(seconds=55) < connection.next_pull_at - timezone.now() <= timedelta(seconds=60)
    assert connection.cursor["harvests"]["page"] == "o:2"

    api.requests.clear()
    resumed = pull.pull_connection(connection.pk)
    assert resumed.status == "done", resumed.detail
    assert harvest_requests(api)[0].get("cursor") == "o:2"  # not from the start
    assert Lot.objects.count() == 5 and stock_of(rex) == 5 + 100
    connection.refresh_from_db()
    assert connection.pull_failures == 0 and connection.last_error == ""


def test_off_contract_data_from_the_api_fails_the_pull_naming_the_field(grower, rex, api):
    seed(api, harvests=1)
    api.add_raw("harvests", {**harvest("hv-9", lot="LOT-009", updated_at="2026-11-19T08:00:00Z"), "grade": "Top"})
    result = pull.pull_connection(connect(grower, api).pk)
    assert result.status == "failed"
    assert "harvests.items[1].grade: 'Top' is not one of" in result.detail


def test_never_two_pulls_for_one_grower_at_once(grower, rex, api):
    seed(api)
    connection = connect(grower, api)
    token = pull.acquire_lease(connection.pk)
    assert token and pull.acquire_lease(connection.pk) is None
    skipped = pull.pull_connection(connection.pk)
    assert skipped.status == "skipped" and api.requests == []
    pull.release_lease(connection.pk, token)
    assert pull.pull_connection(connection.pk).status == "done"


def test_a_lease_left_by_a_killed_worker_expires(grower, api, settings):
    connection = connect(grower, api)
    assert pull.acquire_lease(connection.pk)
    settings.VIBELUX_PULL_LEASE_SECONDS = 600
    assert pull.acquire_lease(connection.pk, now=timezone.now() + timedelta(seconds=599)) is None
    assert pull.acquire_lease(connection.pk, now=timezone.now() + timedelta(seconds=601))


def test_the_beat_task_queues_only_due_api_connections(grower, api):
    from vibelux.tasks import pull_due_vibelux_connections

    seed(api, harvests=1)
    due = connect(grower, api)
    connect(create_grower("Uploads Only"), facility_id="upload:only")  # no API: never pulled
    waiting = connect(create_grower("Later Farm"), api, facility_id="fac-later",
                      next_pull_at=timezone.now() + timedelta(hours=1))
    assert pull_due_vibelux_connections() == [due.pk]  # eager: the pull ran too
    assert Lot.objects.filter(connection=due).count() == 1
    assert not Lot.objects.filter(connection=waiting).exists()


def test_a_batch_re_indexes_each_changed_product_once_after_commit(connection, rex, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from storefront.search import tasks as search_tasks

    indexed = []
    monkeypatch.setattr(search_tasks.update_products_index, "delay", lambda ids: indexed.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest()), ("harvest", harvest("hv-2", lot="LOT-002"))])
    assert indexed == [[rex.pk]]  # stock and harvest date changed twice; one index update


def test_stock_moved_by_a_batch_purges_cached_pages(connection, rex, settings, django_capture_on_commit_callbacks):
    """Harvests move stock with an UPDATE, which sends no save signal: the batch purges cached pages itself."""
    from storefront.caching.keys import current_generation

    settings.STOREFRONT_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest(yield_kg=3, updated_at="2026-11-10T12:00:00Z"))])
    before = current_generation()
    # A corrected yield: same lot, same harvest date, so only the stock moves (by UPDATE).
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(connection, [("harvest", harvest(yield_kg=4.5, updated_at="2026-11-11T09:00:00Z"))])
    assert stock_of(rex) == 5 + 30
    assert current_generation() > before
