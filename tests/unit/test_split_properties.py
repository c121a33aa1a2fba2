"""The marketplace split and refund arithmetic: the parts always add up, for any input (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.payments.split import (
    SaleLine,
    commission_for,
    from_minor_units,
    percent_to_basis_points,
    refund_for_quantity,
    reversal_for_refund,
    split_charge,
    to_minor_units,
)

payee_ids = st.integers(min_value=1, max_value=6)
basis_points = st.integers(min_value=0, max_value=10_000)
line_amounts = st.integers(min_value=0, max_value=10_000_000)
order_lines = st.lists(st.tuples(payee_ids, line_amounts), min_size=1, max_size=30)


def partition(total, cuts):
    """Split `total` into consecutive positive parts at the given cut points."""
    points = sorted({c for c in cuts if 0 < c < total})
    bounds = [0, *points, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


@settings(max_examples=300, deadline=None)
@given(lines=order_lines, rates=st.dictionaries(payee_ids, basis_points), default=basis_points,
       shipping=st.integers(min_value=0, max_value=100_000))
def test_payees_plus_commission_plus_shipping_is_the_charge(lines, rates, default, shipping):
    sale = [SaleLine(payee, amount) for payee, amount in lines]
    charge = sum(amount for _, amount in lines) + shipping
    split = split_charge(charge, sale, rates, default)

    assert sum(p.amount for p in split.payees) + split.platform_commission + split.platform_other == charge
    assert split.platform_other == shipping
    for payee in split.payees:
        gross = sum(amount for pid, amount in lines if pid == payee.id)
        rate = rates.get(payee.id, default)
        assert payee.gross == gross and payee.basis_points == rate
        assert payee.amount + payee.commission == gross
        assert 0 <= payee.commission <= gross
        # Half up to the nearest unit: never more than half a unit from the exact commission.
        assert abs(Decimal(payee.commission) - Decimal(gross) * rate / 10_000) <= Decimal("0.5")
    assert [p.id for p in split.payees] == sorted({pid for pid, _ in lines})


@settings(max_examples=200, deadline=None)
@given(prices=st.lists(st.tuples(st.decimals(min_value=0, max_value=5000, places=2), st.integers(1, 50)), min_size=1, max_size=10),
       percent=st.decimals(min_value=0, max_value=100, places=2))
def test_order_lines_in_pounds_split_exactly_in_pence(prices, percent):
    lines = [SaleLine(i % 3 + 1, to_minor_units(price * quantity, "GBP")) for i, (price, quantity) in enumerate(prices)]
    charge = sum(line.amount for line in lines)
    split = split_charge(charge, lines, {}, percent_to_basis_points(percent))
    assert from_minor_units(sum(p.amount for p in split.payees) + split.platform_commission, "GBP") == sum(
        price * quantity for price, quantity in prices
    )


@settings(max_examples=300, deadline=None)
@given(line_total=line_amounts, quantity=st.integers(1, 100), cuts=st.lists(st.integers(1, 99), max_size=10))
def test_partial_refunds_of_a_line_add_up_to_the_line(line_total, quantity, cuts):
    refunded, total = 0, 0
    for step in partition(quantity, cuts):
        amount = refund_for_quantity(line_total, quantity, refunded, step)
        assert 0 <= amount <= line_total
        refunded += step
        total += amount
    assert total == line_total


@settings(max_examples=300, deadline=None)
@given(gross=st.integers(1, 10_000_000), rate=basis_points, cuts=st.lists(st.integers(1, 10_000_000), max_size=10))
def test_reversals_and_returned_commission_add_up_to_the_transfer_and_the_commission(gross, rate, cuts):
    commission = commission_for(gross, rate)
    reversed_total = returned_total = refunded = 0
    for part in partition(gross, cuts):
        reversal, returned = reversal_for_refund(gross, commission, refunded, part)
        assert reversal >= 0 and returned >= 0 and reversal + returned == part
        reversed_total += reversal
        returned_total += returned
        refunded += part
    assert reversed_total == gross - commission
    assert returned_total == commission


def test_rounding_examples():
    assert commission_for(675, 1000) == 68  # 67.5 rounds half up
    assert commission_for(674, 1000) == 67
    assert commission_for(640, 1250) == 80
    split = split_charge(1315, [SaleLine(1, 640), SaleLine(2, 675)], {1: 1250}, 1000)
    assert [(p.id, p.amount, p.commission) for p in split.payees] == [(1, 560, 80), (2, 607, 68)]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: split_charge(100, [SaleLine(1, 101)], {}, 1000), "more than the charge"),
        (lambda: split_charge(-1, [], {}, 1000), "whole number of minor units"),
        (lambda: split_charge(100, [SaleLine(1, -5)], {}, 1000), "must be an integer >= 0"),
        (lambda: split_charge(100, [SaleLine(1, 50)], {1: 10_001}, 1000), "payee 1"),
        (lambda: split_charge(100, [SaleLine(1, 50)], {}, 1.5), "the platform default"),
        (lambda: percent_to_basis_points(Decimal("100.01")), "outside 0-100%"),
        (lambda: percent_to_basis_points(Decimal("12.345")), "more than two decimals"),
        (lambda: to_minor_units(Decimal("1.234"), "GBP"), "finer than the currency's smallest unit"),
        (lambda: to_minor_units("abc", "GBP"), "not an amount of money"),
        (lambda: refund_for_quantity(100, 2, 1, 2), "when 1 are refunded already"),
        (lambda: reversal_for_refund(100, 10, 90, 20), "when 90 is refunded already"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_zero_decimal_currencies():
    assert to_minor_units(Decimal("1500"), "JPY") == 1500
    assert from_minor_units(1500, "jpy") == Decimal("1500")
