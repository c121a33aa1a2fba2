"""A local stand-in of the VibeLux API for the tests: the documented contract, served on loopback.

The real API is not reachable from here. This server answers the three
endpoints the plugin pulls from (docs/vibelux.md) and validates every record
it is given against the plugin's own schema files, so the tests and the
plugin share one contract: a test cannot feed the plugin data VibeLux would
never send by accident, only on purpose (``add_raw``).

    with VibeLuxStandIn(token="t0k") as api:
        api.add_facility(facility())
        api.add_cycle(crop_cycle("cyc-1"))
        api.fail_next("/v1/harvests", times=1)      # the next harvest page answers 503
        ... api.url ...

It also builds signed webhook deliveries (``signed``), as VibeLux sends them.
"""

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from vibelux import contract
from vibelux.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

FACILITY_ID = "fac-dundee-1"


# --- records in the contract's shape -------------------------------------------------


def facility(facility_id=FACILITY_ID, updated_at="2026-11-01T08:00:00Z", **extra):
    return {
        "id": facility_id, "name": "Dundee waterfront farm", "city": "Dundee", "region": "Scotland",
        "rooms": [
            {"id": "room-a", "name": "Room A", "growing_method": "hydroponic", "tiers": 8, "area_m2": 120},
            {"id": "room-b", "name": "Room B", "growing_method": "hydroponic"},
        ],
        "updated_at": updated_at, **extra,
    }


def crop_cycle(cycle_id="cyc-1", crop="Butterhead lettuce", variety="Rex", updated_at="2026-11-02T08:00:00Z",
               planted="2026-10-01", expected=None, status="growing", forecast_kg=40, **extra):
    record = {
        "id": cycle_id, "facility_id": FACILITY_ID, "room_id": "room-a", "crop": crop, "variety": variety,
        "planted_date": planted, "expected_harvest_date": expected or (date.today() + timedelta(days=10)).isoformat(),
        "forecast_yield_kg": forecast_kg, "status": status, "updated_at": updated_at,
        "sensor_summary": {"mean_temperature_c": 21.5, "mean_humidity_pct": 68, "mean_co2_ppm": 900,
                           "mean_ppfd": 250, "mean_dli": 14.4, "mean_vpd_kpa": 0.85},
        "energy_use": {"kwh": 600, "renewable_share_pct": 40},
    }
    record.update(extra)
    return record


def harvest(harvest_id="hv-1", cycle_id="cyc-1", lot="LOT-001", yield_kg=30, crop="Butterhead lettuce",
            variety="Rex", pack_size=1, pack_unit="head", net_kg=0.15, harvest_date="2026-11-10",
            updated_at="2026-11-10T12:00:00Z", **extra):
    record = {
        "id": harvest_id, "cycle_id": cycle_id, "lot_number": lot, "harvest_date": harvest_date,
        "actual_yield_kg": yield_kg, "grade": "Class I", "crop": crop, "variety": variety,
        "pack_size": pack_size, "pack_unit": pack_unit, "room_id": "room-a", "updated_at": updated_at,
    }
    if net_kg is not None:
        record["pack_net_weight_kg"] = net_kg
    record.update(extra)
    return record


def event(event_id, event_type, data, created_at="2026-11-10T12:00:01Z"):
    return {"id": event_id, "type": event_type, "created_at": created_at, "data": data}


def signed(secret, payload, timestamp=None):
    """``(body, headers)`` of a webhook delivery of ``payload``, signed as VibeLux signs it."""
    body = json.dumps(payload).encode()
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return body, {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


# --- the server ------------------------------------------------------------------------


class VibeLuxStandIn:
    def __init__(self, token="standin-token", page_size=2):
        self.token = token
        self.page_size = page_size
        self.facilities = {}
        self.records = {"crop-cycles": {}, "harvests": {}}
        self.requests = []  # (path, query dict) of every request, in order
        self._failures = []  # [prefix, times, status, after]
        self._lock = threading.Lock()
        self._server = None

    # data, validated against the contract on the way in
    def add_facility(self, record):
        self.facilities[record["id"]] = contract.validate("facility", record)

    def add_cycle(self, record):
        self.records["crop-cycles"][record["id"]] = contract.validate("crop_cycle", record)

    def add_harvest(self, record):
        self.records["harvests"][record["id"]] = contract.validate("harvest", record)

    def add_raw(self, resource, record):
        """Serve a record without checking it: for tests of what the plugin does with off-contract data."""
        self.records[resource][record["id"]] = record

    def fail_next(self, path_prefix, times=1, status=503, after=0):
        """Answer ``status`` to ``times`` requests under ``path_prefix``, after letting ``after`` through."""
        with self._lock:
            self._failures.append([path_prefix, times, status, after])

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                standin._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # request handling
    def _send(self, handler, status, payload):
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _injected_failure(self, path):
        with self._lock:
            for failure in self._failures:
                if path.startswith(failure[0]) and failure[1] > 0:
                    if failure[3] > 0:
                        failure[3] -= 1
                        continue
                    failure[1] -= 1
                    return failure[2]
        return None

    def _handle(self, handler):
        parsed = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        self.requests.append((parsed.path, query))
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(handler, 401, {"error": "missing or wrong bearer token"})
        status = self._injected_failure(parsed.path)
        if status:
            return self._send(handler, status, {"error": "injected failure"})
        if parsed.path.startswith("/v1/facilities/"):
            found = self.facilities.get(parsed.path.rsplit("/", 1)[1])
            return self._send(handler, 200, found) if found else self._send(handler, 404, {"error": "no facility"})
        resource = parsed.path.removeprefix("/v1/")
        if resource not in self.records:
            return self._send(handler, 404, {"error": f"no endpoint {parsed.path}"})
        return self._send(handler, 200, self._page(resource, query))

    def _page(self, resource, query):
        since = query.get("updated_since")
        items = [
            r for r in self.records[resource].values()
            if (resource == "harvests" or r.get("facility_id") == query.get("facility_id"))
            and (since is None or _ts(r["updated_at"]) >= _ts(since))
        ]
        items.sort(key=lambda r: (_ts(r["updated_at"]), r["id"]))
        offset = int(query.get("cursor", "o:0").split(":")[1])
        limit = min(int(query.get("limit", self.page_size)), self.page_size)
        page = items[offset:offset + limit]
        following = f"o:{offset + limit}" if offset + limit < len(items) else None
        payload = {"items": page, "next": following}
        contract.validate("page", payload)
        return payload


def _ts(value):
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- the storefront side: a grower selling lettuce, connected to the stand-in --------------


def leafy_greens_class():
    """A product class with the attributes harvests are matched on (as the demo catalogue has)."""
    from oscar.core.loading import get_model

    ProductClass = get_model("catalogue", "ProductClass")
    ProductAttribute = get_model("catalogue", "ProductAttribute")
    AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
    AttributeOption = get_model("catalogue", "AttributeOption")
    product_class, _ = ProductClass.objects.get_or_create(name="Leafy greens", defaults={"track_stock": True})
    group, _ = AttributeOptionGroup.objects.get_or_create(name="Pack unit")
    for unit in ("g", "kg", "head", "punnet", "tray"):
        AttributeOption.objects.get_or_create(group=group, option=unit)
    for code, kind in (("variety", "text"), ("pack_size", "float"), ("pack_unit", "option"),
                       ("shelf_life_days", "integer"), ("harvest_date", "date")):
        ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code,
            defaults={"name": code.replace("_", " ").capitalize(), "type": kind,
                      "option_group": group if kind == "option" else None},
        )
    return product_class


def lettuce(grower, variety="Rex", pack_size=1, stock=0, price="1.35", shelf_life=9, crop="Butterhead lettuce"):
    """A public product of ``grower`` that a harvest of ``crop`` / ``variety`` / ``pack_size`` heads matches."""
    from decimal import Decimal

    from oscar.core.loading import get_model
    from oscar.test import factories

    from vibelux.listings import set_attribute

    StockRecord = get_model("partner", "StockRecord")
    unit = "head" if pack_size == 1 else "heads"
    product = factories.create_product(
        title=f"{crop} '{variety}', {pack_size} {unit}", product_class=leafy_greens_class().name
    )
    for code, value in (("variety", variety), ("pack_size", pack_size), ("pack_unit", "head"),
                        ("shelf_life_days", shelf_life)):
        set_attribute(product, code, value)
    StockRecord.objects.create(product=product, partner=grower, partner_sku=f"{grower.code}-{product.pk}",
                               price=Decimal(price), num_in_stock=stock)
    return product


def connect(grower, api=None, **fields):
    from vibelux.models import Connection

    values = {"facility_id": FACILITY_ID, "webhook_secret": "whsec-test-secret"}
    if api is not None:
        values.update(api_base_url=api.url, api_token=api.token)
    values.update(fields)
    return Connection.objects.create(partner=grower, **values)
