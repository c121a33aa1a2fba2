"""The VibeLux contract, webhook signatures, sign-in tokens and pull backoff: rules checked without a database."""

import json
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.vibelux_standin import crop_cycle, event, facility, harvest
from vibelux import contract
from vibelux.pull import backoff_seconds
from vibelux.signin import SignInRefused, verify_token
from vibelux.webhooks import SignatureError, sign, verify


def test_the_sample_records_follow_the_contract():
    contract.validate("facility", facility())
    contract.validate("crop_cycle", crop_cycle())
    contract.validate("harvest", harvest())
    contract.validate("webhook_event", event("ev-1", "harvest.completed", {"harvest": harvest(), "crop_cycle": crop_cycle()}))


@pytest.mark.parametrize(
    "change, field, rule",
    [
        ({"actual_yield_kg": -3}, "harvest.actual_yield_kg", "exclusiveMinimum"),
        ({"lot_number": "lot with spaces"}, "harvest.lot_number", "pattern"),
        ({"grade": "Class IV"}, "harvest.grade", "enum"),
        ({"harvest_date": "2026-13-40"}, "harvest.harvest_date", "format"),
        ({"updated_at": "2026-11-10T12:00:00"}, "harvest.updated_at", "format"),  # no time zone
        ({"colour": "green"}, "harvest", "additionalProperties"),
    ],
)
def test_a_broken_rule_is_named_with_its_field(change, field, rule):
    with pytest.raises(contract.ContractError) as caught:
        contract.validate("harvest", {**harvest(), **change})
    assert any(p.startswith(f"{field}:") and f"(rule: {rule})" in p for p in caught.value.problems), caught.value.problems


def test_a_missing_field_is_named_itself_not_its_parent():
    record = harvest()
    del record["lot_number"]
    problems = contract.problems("harvest", record)
    assert problems == ["harvest.lot_number: 'lot_number' is a required property (rule: required)"]


def test_a_pack_counted_in_heads_needs_its_net_weight():
    problems = contract.problems("harvest", harvest(net_kg=None))
    assert problems == [
        "harvest.pack_net_weight_kg: 'pack_net_weight_kg' is a required property (rule: required)"
    ]
    assert contract.problems("harvest", harvest(pack_unit="g", pack_size=100, net_kg=None)) == []


def test_event_data_is_checked_against_the_record_schema_of_its_type():
    bad = event("ev-2", "crop_cycle.updated", {"crop_cycle": {**crop_cycle(), "forecast_yield_kg": 0}})
    problems = contract.problems("webhook_event", bad, prefix="event")
    assert problems == [
        "event.data.crop_cycle.forecast_yield_kg: 0 is less than or equal to the minimum of 0 (rule: exclusiveMinimum)"
    ]
    wrong_shape = event("ev-3", "facility.updated", {"harvest": harvest()})
    assert any("event.data.facility" in p and "required" in p for p in contract.problems("webhook_event", wrong_shape, "event"))


def test_numbers_are_read_as_decimals():
    assert contract.loads('{"kg": 12.3}') == {"kg": Decimal("12.3")}
    with pytest.raises(contract.ContractError, match="line 1, column 10"):
        contract.loads('{"kg": 1,}')


def test_csv_cells_are_typed_by_the_schema_and_bad_ones_named():
    text = "id,cycle_id,lot_number,actual_yield_kg\nhv-1,cyc-1,LOT-1,12.5\nhv-2,cyc-1,LOT-2,a lot\n"
    rows = contract.csv_rows(text)
    assert rows[0] == (2, {"id": "hv-1", "cycle_id": "cyc-1", "lot_number": "LOT-1", "actual_yield_kg": Decimal("12.5")}, [])
    assert rows[1][2] == ["actual_yield_kg: 'a lot' is not a number"]
    with pytest.raises(contract.ContractError, match="unknown column.*weight"):
        contract.csv_rows("id,weight\n1,2\n")


# --- webhook signatures -------------------------------------------------------------------


def test_a_genuine_fresh_delivery_is_accepted():
    body, now = b'{"id": "ev-1"}', time.time()
    assert verify("s3cret", str(int(now)), sign("s3cret", now, body), body, now=now) == int(now)


@pytest.mark.parametrize(
    "timestamp_offset, secret, body, message",
    [
        (0, "another-secret", b'{"id": "ev-1"}', "signature does not match"),
        (0, "s3cret", b'{"id": "ev-2"}', "signature does not match"),  # body changed after signing
        (-301, "s3cret", b'{"id": "ev-1"}', "only 300 s are accepted"),  # a replay after the window
        (400, "s3cret", b'{"id": "ev-1"}', "only 300 s are accepted"),
    ],
)
def test_a_forged_altered_or_replayed_delivery_is_refused(timestamp_offset, secret, body, message):
    now = time.time()
    sent_at = int(now) + timestamp_offset
    signature = sign(secret, sent_at, b'{"id": "ev-1"}')
    with pytest.raises(SignatureError, match=message):
        verify("s3cret", str(sent_at), signature, body, now=now, tolerance=300)


def test_missing_headers_are_named():
    with pytest.raises(SignatureError, match="X-VibeLux-Timestamp header is missing"):
        verify("s", None, "sha256=00", b"", tolerance=300)
    with pytest.raises(SignatureError, match="X-VibeLux-Signature header is missing"):
        verify("s", "1", "", b"", tolerance=300)


def test_backoff_doubles_up_to_the_cap(settings):
    settings.VIBELUX_PULL_BACKOFF_BASE, settings.VIBELUX_PULL_BACKOFF_MAX = 60, 3600
    assert [backoff_seconds(n) for n in (1, 2, 3, 6, 7, 20)] == [60, 120, 240, 1920, 3600, 3600]


# --- sign-in tokens -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys():
    """Two RSA key pairs made for this test run: VibeLux's and an impostor's."""
    def pair():
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        return private, pem

    return {"vibelux": pair(), "impostor": pair()}


def make_token(private_key, **claims):
    now = datetime.now(timezone.utc)
    payload = {"sub": "vl-user-1", "email": "grower@example.com", "facility_id": "fac-dundee-1",
               "aud": "growers-storefront", "iat": now, "exp": now + timedelta(minutes=5)}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, private_key, algorithm="RS256", headers={"kid": "vl-1"})


@pytest.fixture
def vibelux_key(settings, keys):
    settings.VIBELUX_JWT_PUBLIC_KEY = keys["vibelux"][1]
    settings.VIBELUX_JWT_AUDIENCE = "growers-storefront"
    settings.VIBELUX_JWT_LEEWAY = 0
    return keys["vibelux"][0]


def test_a_good_token_gives_its_claims(vibelux_key):
    assert verify_token(make_token(vibelux_key))["facility_id"] == "fac-dundee-1"


def test_an_expired_token_is_refused(vibelux_key):
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    with pytest.raises(SignInRefused, match="has expired"):
        verify_token(make_token(vibelux_key, iat=past - timedelta(minutes=5), exp=past))


def test_a_token_for_another_audience_is_refused(vibelux_key):
    with pytest.raises(SignInRefused, match="meant for another application.*'growers-storefront'"):
        verify_token(make_token(vibelux_key, aud="some-other-shop"))


def test_a_token_signed_with_another_key_is_refused(vibelux_key, keys):
    with pytest.raises(SignInRefused, match="signature does not match"):
        verify_token(make_token(keys["impostor"][0]))


def test_a_token_missing_a_claim_or_using_another_algorithm_is_refused(vibelux_key):
    with pytest.raises(SignInRefused, match="lacks the 'facility_id' claim"):
        verify_token(make_token(vibelux_key, facility_id=None))
    hs256 = jwt.encode({"sub": "x", "aud": "growers-storefront"}, "a-shared-secret-of-32-bytes-or-more!", algorithm="HS256")
    with pytest.raises(SignInRefused, match="RS256"):
        verify_token(hs256)
    with pytest.raises(SignInRefused, match="could not be read"):
        verify_token("not-a-token")


def test_keys_can_come_from_a_jwks_file(settings, keys, tmp_path):
    public = keys["vibelux"][0].public_key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "vl-1", "use": "sig", "alg": "RS256"}]}))
    settings.VIBELUX_JWT_PUBLIC_KEY = ""
    settings.VIBELUX_JWT_JWKS_FILE = str(tmp_path / "jwks.json")
    assert verify_token(make_token(keys["vibelux"][0]))["sub"] == "vl-user-1"
    with pytest.raises(SignInRefused, match="signature does not match"):
        verify_token(make_token(keys["impostor"][0]))
