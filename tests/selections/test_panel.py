"""The expert panel's arithmetic: totals, the trimmed mean and the disagreement flag (selections.panel)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selections import panel

CRITERIA = [panel.Criterion("C1", 0.3, 100), panel.Criterion("C2", 0.4, 100), panel.Criterion("C3", 0.3, 50)]


def test_an_experts_total_is_the_weighted_share_of_the_highest_scores():
    assert panel.expert_total(CRITERIA, {"C1": 80, "C2": 90, "C3": 25}) == pytest.approx(24 + 36 + 15)


def test_missing_and_out_of_range_scores_are_named_per_criterion():
    assert panel.score_problems(CRITERIA, {"C1": 101, "C3": -1}) == {
        "C1": "out_of_range",
        "C2": "missing",
        "C3": "out_of_range",
    }
    with pytest.raises(ValueError, match="not valid"):
        panel.expert_total(CRITERIA, {"C1": 80})


@pytest.mark.parametrize(
    ("totals", "score", "left_out"),
    [
        ([70, 80, 90], 80.0, 0),  # fewer than five experts: the plain mean
        ([70, 80, 90, 100], 85.0, 0),
        ([10, 70, 80, 90, 100], 80.0, 1),  # five: the highest and the lowest left out
        ([10, 60, 70, 75, 80, 85, 90, 95, 99, 100], (70 + 75 + 80 + 85 + 90 + 95) / 6, 2),
    ],
)
def test_the_panel_score_is_the_trimmed_mean(totals, score, left_out):
    result = panel.panel(totals)
    assert (result.score, result.left_out, result.experts) == (pytest.approx(score, abs=1e-4), left_out, len(totals))


def test_experts_more_than_twenty_points_apart_flag_the_application():
    assert panel.panel([60, 70, 80]).disagreement is False  # exactly 20 apart
    flagged = panel.panel([59.5, 70, 80])
    assert (flagged.disagreement, flagged.spread) == (True, 20.5)


def test_criteria_must_have_unique_codes_and_weights_summing_to_one():
    assert panel.criteria_problems(CRITERIA) == []
    assert panel.criteria_problems([]) == ["no criteria"]
    broken = [panel.Criterion("C1", 0.5, 100), panel.Criterion("C1", 0.6, 0)]
    assert panel.criteria_problems(broken) == [
        "duplicate codes",
        "a highest score is not positive",
        "weights do not sum to 1",
    ]


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=30))
def test_the_trimmed_mean_lies_between_the_lowest_and_the_highest_total(totals):
    result = panel.panel(totals)
    assert min(totals) - 1e-4 <= result.score <= max(totals) + 1e-4
    assert result.experts - 2 * result.left_out >= 1
