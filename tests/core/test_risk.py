"""The risk score: bounds, labels, monotony in each factor, explanations and sharp rises."""

from __future__ import annotations

from dataclasses import replace

import pytest

from encaisse.core.risk import FACTORS, RiskInputs, is_sharp_rise, label_for, score

BAD = RiskInputs(average_delay=120, trend=40, share_late=1.0, paid_count=30, overdue_share=1.0, disputes=9,
                 broken_promises=5, exposure=30_000, credit_limit=10_000, concentration=0.6)  # fmt: skip


def test_contributions_add_up_and_explain() -> None:
    r = score(BAD)
    assert r.score == 100.0 and r.label == "critical"
    assert sum(c.points for c in r.contributions) == pytest.approx(100.0)
    assert {c.factor for c in r.contributions} == {f.name for f in FACTORS}
    assert "300% of the credit limit" in " ".join(c.explanation for c in r.contributions)


def test_a_good_payer_is_low() -> None:
    r = score(
        RiskInputs(average_delay=-3, share_late=0.05, paid_count=20, exposure=1000, credit_limit=10_000)
    )
    assert r.label == "low" and r.score < 5


@pytest.mark.parametrize(
    "field, worse",
    [("average_delay", 45.0), ("trend", 15.0), ("share_late", 0.7), ("overdue_share", 0.8), ("disputes", 3),
     ("broken_promises", 2), ("exposure", 14_000.0), ("concentration", 0.25)],
)  # fmt: skip
def test_each_factor_only_worsens_the_score(field: str, worse: object) -> None:
    base = RiskInputs(average_delay=5, share_late=0.2, paid_count=10, exposure=5000, credit_limit=10_000)
    assert score(replace(base, **{field: worse})).score > score(base).score


def test_little_history_counts_less() -> None:
    one = score(RiskInputs(average_delay=60, share_late=1.0, paid_count=1))
    many = score(RiskInputs(average_delay=60, share_late=1.0, paid_count=10))
    assert one.score < many.score


def test_labels_and_sharp_rises() -> None:
    assert [label_for(v) for v in (0, 24.9, 25, 49.9, 50, 74.9, 75, 100)] == [
        "low", "low", "normal", "normal", "high", "high", "critical", "critical"]  # fmt: skip
    assert is_sharp_rise(20, 35) and not is_sharp_rise(20, 34)
    assert is_sharp_rise(70, 76) and not is_sharp_rise(30, 20)
