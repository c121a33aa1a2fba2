"""The money arithmetic of the marketplace, as pure functions on integers.

One charge pays several growers. Each grower's share is their lines' total
minus the platform's commission (a per-grower rate, in basis points, with a
platform default). Whatever the charge holds beyond the lines (shipping,
surcharges) stays with the platform. Rounding is defined once, here:

* commission = gross * rate, rounded half up to the smallest unit;
* the grower gets gross - commission, so the parts always add up to the charge;
* partial refunds use cumulative floors (what is owed after this refund minus
  what was owed before), so any sequence of partial refunds ends exactly at
  the full amounts.

The distributor plugin will add payees; it gets the same rule: a payee is a
(kind, id) with a gross, a commission and an amount.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ISO 4217 currencies Stripe charges in whole units.
ZERO_DECIMAL_CURRENCIES = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
BASIS_POINTS = 10_000


def currency_exponent(currency):
    return 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(amount, currency):
    """Decimal('12.34'), 'GBP' -> 1234. Refuses amounts finer than the currency's unit."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{amount!r} is not an amount of money") from None
    scaled = value.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency.upper()} is finer than the currency's smallest unit")
    return int(scaled)


def from_minor_units(amount, currency):
    """1234, 'GBP' -> Decimal('12.34')."""
    return Decimal(amount).scaleb(-currency_exponent(currency))


def percent_to_basis_points(percent):
    """Decimal('12.5') -> 1250. The rate must lie in 0..100 with at most two decimals."""
    value = Decimal(percent)
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"A commission of {percent}% is outside 0-100%")
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise ValueError(f"A commission of {percent}% has more than two decimals")
    return int(basis_points)


def commission_for(gross, basis_points):
    """The platform's commission on `gross`, rounded half up to the smallest unit."""
    return (gross * basis_points + BASIS_POINTS // 2) // BASIS_POINTS


@dataclass(frozen=True)
class SaleLine:
    """One order line as charged: who sells it and its total in minor units."""

    payee: int
    amount: int
    payee_kind: str = "partner"


@dataclass(frozen=True)
class Payee:
    kind: str
    id: int
    gross: int
    commission: int
    amount: int
    basis_points: int


@dataclass(frozen=True)
class Split:
    charge: int
    payees: tuple
    platform_commission: int
    platform_other: int  # shipping and surcharges, kept by the platform

    @property
    def platform_total(self):
        return self.platform_commission + self.platform_other

    def payee(self, payee_id, kind="partner"):
        return next((p for p in self.payees if p.id == payee_id and p.kind == kind), None)


def split_charge(charge, lines, basis_points, default_basis_points):
    """Split `charge` between the payees of `lines` and the platform.

    charge: the amount captured, in minor units. lines: SaleLine items.
    basis_points: {payee id: commission in basis points} for payees with their
    own rate; default_basis_points for the others.
    Raises ValueError naming the bad input; never returns parts that do not add up.
    """
    if not isinstance(charge, int) or charge < 0:
        raise ValueError(f"The charge must be a whole number of minor units >= 0, not {charge!r}")
    _check_basis_points(default_basis_points, "the platform default")
    gross = defaultdict(int)
    for line in lines:
        if not isinstance(line.amount, int) or line.amount < 0:
            raise ValueError(f"Line of payee {line.payee} has amount {line.amount!r}; it must be an integer >= 0")
        gross[(line.payee_kind, line.payee)] += line.amount
    lines_total = sum(gross.values())
    if lines_total > charge:
        raise ValueError(f"The lines total {lines_total} is more than the charge {charge}")
    payees = []
    for (kind, payee_id), payee_gross in sorted(gross.items()):
        rate = basis_points.get(payee_id, default_basis_points)
        _check_basis_points(rate, f"payee {payee_id}")
        commission = commission_for(payee_gross, rate)
        payees.append(Payee(kind, payee_id, payee_gross, commission, payee_gross - commission, rate))
    platform_commission = sum(p.commission for p in payees)
    return Split(charge, tuple(payees), platform_commission, charge - lines_total)


def _check_basis_points(value, whose):
    if not isinstance(value, int) or not 0 <= value <= BASIS_POINTS:
        raise ValueError(f"The commission of {whose} is {value!r} basis points; it must be an integer in 0..10000")


def refund_for_quantity(line_total, line_quantity, refunded_before, refund_quantity):
    """What refunding `refund_quantity` more units of a line gives back, in minor units.

    Cumulative floors: refunding every unit, in any number of steps, gives
    back exactly `line_total`.
    """
    if line_quantity <= 0:
        raise ValueError("A line with no units cannot be refunded")
    if refund_quantity <= 0 or refunded_before < 0 or refunded_before + refund_quantity > line_quantity:
        raise ValueError(
            f"Cannot refund {refund_quantity} more of a line of {line_quantity} "
            f"when {refunded_before} are refunded already"
        )
    after = line_total * (refunded_before + refund_quantity) // line_quantity
    before = line_total * refunded_before // line_quantity
    return after - before


def reversal_for_refund(payee_gross, payee_commission, refunded_before, refund_gross):
    """(amount to reverse from the payee, commission the platform gives back) for a refund.

    The commission is returned in proportion to the refunded part of the
    payee's gross, with cumulative floors, so a payee refunded in full has had
    exactly their transfer reversed and the platform exactly its commission
    returned.
    """
    if refund_gross <= 0 or refunded_before < 0 or refunded_before + refund_gross > payee_gross:
        raise ValueError(
            f"Cannot refund {refund_gross} more of a payee's {payee_gross} when {refunded_before} is refunded already"
        )
    after = payee_commission * (refunded_before + refund_gross) // payee_gross
    before = payee_commission * refunded_before // payee_gross
    commission_returned = after - before
    return refund_gross - commission_returned, commission_returned
