"""The energy grading method: every threshold, the renewable adjustment, bad thresholds."""

from decimal import Decimal

import pytest

from energy_badges import grading


@pytest.mark.parametrize(
    ("kwh", "grade"),
    [
        ("0", "A"), ("5", "A"), ("5.001", "B"), ("10", "B"), ("10.001", "C"), ("15", "C"), ("15.001", "D"),
        ("20", "D"), ("20.001", "E"), ("30", "E"), ("30.001", "F"), ("40", "F"), ("40.001", "G"), ("400", "G"),
    ],
)
def test_each_threshold_is_the_upper_bound_of_its_grade(kwh, grade):
    assert grading.grade(Decimal(kwh), Decimal(0)) == grade


def test_renewable_share_reduces_the_graded_figure_by_half_at_most():
    assert grading.adjusted_kwh_per_kg(Decimal(20), Decimal(100)) == Decimal(10)
    assert grading.grade(Decimal(20), Decimal(100)) == "B"  # D without renewables
    assert grading.grade(Decimal(20), Decimal(50)) == "C"  # 20 × (1 − 0.25) = 15
    assert grading.grade(Decimal(20), Decimal(100), renewable_weight=Decimal(0)) == "D"


def test_site_thresholds_replace_the_defaults():
    strict = grading.validate_thresholds(["1", "2", "3", "4", "5", "6"])
    assert grading.grade(Decimal("4.5"), Decimal(0), strict) == "E"


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (["1", "2", "3"], "give 6 thresholds"),
        (["0", "2", "3", "4", "5", "6"], "above zero"),
        (["1", "3", "2", "4", "5", "6"], "thresholds must rise"),
    ],
)
def test_bad_thresholds_say_what_is_wrong(thresholds, message):
    with pytest.raises(ValueError, match=message):
        grading.validate_thresholds(thresholds)


def test_negative_energy_and_impossible_share_are_refused():
    with pytest.raises(ValueError, match="negative"):
        grading.grade(Decimal(-1), Decimal(0))
    with pytest.raises(ValueError, match="0 to 100"):
        grading.grade(Decimal(1), Decimal(101))


def test_method_table_covers_every_grade():
    rows = grading.method_table()
    assert [row[0] for row in rows] == list("ABCDEFG")
    assert rows[0][1:] == (Decimal(0), Decimal(5)) and rows[-1][2] is None
