"""Test helpers shared by the plugins graded on deaths / serious injuries / direct loss: the
boundary cases of a threshold table, and 国务院令第493号 第三条 written as its own clauses
(independently of the plugin API's table, so the two can check each other)."""

from __future__ import annotations

import pytest

# 国务院令第493号 第三条, most severe first; the notice on fire grades uses the same figures.
EXPECTED_493 = {
    "deaths": {"特别重大": 30, "重大": 10, "较大": 3},
    "seriously_injured": {"特别重大": 100, "重大": 50, "较大": 10},
    "direct_loss_wan": {"特别重大": 10000, "重大": 5000, "较大": 1000},
}
STEP = {"deaths": 1, "seriously_injured": 1, "direct_loss_wan": 0.01}  # just below a bound


def reg_493(deaths: float = 0, injured: float = 0, loss_wan: float = 0) -> str:
    """第三条 as its four clauses ("以上" includes, "以下" excludes)."""
    if deaths >= 30 or injured >= 100 or loss_wan >= 10000:
        return "特别重大"
    if deaths >= 10 or injured >= 50 or loss_wan >= 5000:
        return "重大"
    if deaths >= 3 or injured >= 10 or loss_wan >= 1000:
        return "较大"
    return "一般"


def boundary_cases(expected: dict, step: dict = STEP, floor: str = "一般"):
    """(key, value, grade) at every threshold and just below it, for each criterion."""
    for key, thresholds in expected.items():
        ordered = list(thresholds.items())
        for i, (grade_name, threshold) in enumerate(ordered):
            lower = ordered[i + 1][0] if i + 1 < len(ordered) else floor
            yield pytest.param(key, threshold, grade_name, id=f"{key}-at-{threshold}")
            below = threshold - step[key]
            yield pytest.param(key, below, lower, id=f"{key}-below-{threshold}")
