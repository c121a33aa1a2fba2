"""The grading method: A to G from electricity per kg, adjusted for renewable share.

    adjusted = kWh per kg × (1 − renewable_weight × renewable share)

with the renewable share as a fraction (0 to 1) and renewable_weight 0.5 by
default: fully renewable electricity halves the figure that is graded, so
renewable power helps a grade but cannot hide a wasteful facility. The
adjusted figure is compared with six ascending upper bounds; at or below the
first bound is A, above the last is G. The bounds and the weight are the
only numbers of the method, kept here and overridable per site in the
plugin's configuration. The grade is always computed, never stored or typed.
"""

from decimal import Decimal

GRADES = ("A", "B", "C", "D", "E", "F", "G")
# Upper bounds of the adjusted kWh per kg for grades A to F (G is anything above).
DEFAULT_THRESHOLDS = (Decimal("5"), Decimal("10"), Decimal("15"), Decimal("20"), Decimal("30"), Decimal("40"))
DEFAULT_RENEWABLE_WEIGHT = Decimal("0.5")


def validate_thresholds(thresholds):
    """Six positive, strictly ascending bounds, or a ValueError saying what is wrong."""
    values = [Decimal(str(t)) for t in thresholds]
    if len(values) != len(GRADES) - 1:
        raise ValueError(f"give {len(GRADES) - 1} thresholds (upper bounds for A to F), not {len(values)}")
    if values[0] <= 0:
        raise ValueError("the first threshold must be above zero")
    for lower, upper in zip(values, values[1:]):
        if upper <= lower:
            raise ValueError(f"thresholds must rise: {upper} does not come after {lower}")
    return tuple(values)


def adjusted_kwh_per_kg(kwh_per_kg, renewable_share_percent, renewable_weight=DEFAULT_RENEWABLE_WEIGHT):
    kwh = Decimal(str(kwh_per_kg))
    share = Decimal(str(renewable_share_percent)) / Decimal(100)
    if kwh < 0:
        raise ValueError("kWh per kg cannot be negative")
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError("the renewable share is a percentage from 0 to 100")
    return kwh * (Decimal(1) - Decimal(str(renewable_weight)) * share)


def grade(kwh_per_kg, renewable_share_percent, thresholds=DEFAULT_THRESHOLDS, renewable_weight=DEFAULT_RENEWABLE_WEIGHT):
    """The letter grade for the figures, A (best) to G."""
    adjusted = adjusted_kwh_per_kg(kwh_per_kg, renewable_share_percent, renewable_weight)
    for letter, bound in zip(GRADES, thresholds):
        if adjusted <= bound:
            return letter
    return GRADES[-1]


def method_table(thresholds=DEFAULT_THRESHOLDS):
    """Rows of (grade, from, to) for explaining the method; ``to`` is None for G."""
    rows, lower = [], Decimal(0)
    for letter, bound in zip(GRADES, thresholds):
        rows.append((letter, lower, bound))
        lower = bound
    rows.append((GRADES[-1], lower, None))
    return rows
