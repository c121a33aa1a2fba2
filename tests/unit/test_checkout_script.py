"""The payment page's card reading (checkout.js, run with node): what a buyer types becomes Stripe's card fields.

In test mode the page reads the card fields itself (with real Stripe,
Stripe's Card Element does); these are the rules it applies before any
request is made. Skips when node is not installed.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "site/storefront/payments/static/storefront_payments/checkout.js"
TODAY = "new Date(2026, 5, 15)"  # 15 June 2026: the clock is passed in, never read


def read_card(number, expiry, cvc="123"):
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed")
    args = ", ".join(json.dumps(value) for value in (number, expiry, cvc))
    script = f"process.stdout.write(JSON.stringify(require({json.dumps(str(SCRIPT))}).readCard({args}, {TODAY})))"
    return json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)


@pytest.mark.parametrize("typed", ["12/30", "12/2030", "12 / 30", "12-2030", "1230", "122030"])
def test_the_expiry_is_read_as_mm_yy_or_mm_yyyy(typed):
    assert read_card("4242 4242 4242 4242", typed)["card"] == {
        "number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123",
    }


def test_a_card_is_good_until_the_end_of_its_month():
    assert read_card("4242424242424242", "06/26")["card"]["exp_year"] == "2026"
    assert "passed" in read_card("4242424242424242", "05/2026")["error"]


@pytest.mark.parametrize("number, expiry, cvc, says", [
    ("4242424242424242", "13/30", "123", "MM/YY or MM/YYYY"),
    ("4242424242424242", "12/203", "123", "MM/YY or MM/YYYY"),
    ("4242424242424242", "", "123", "MM/YY or MM/YYYY"),
    ("4242 4242 4242", "12/30", "123", "16-digit card number"),
    ("4242424242424242", "12/30", "12", "3-digit security code"),
])
def test_mistyped_fields_are_explained(number, expiry, cvc, says):
    result = read_card(number, expiry, cvc)
    assert "card" not in result and says in result["error"]
