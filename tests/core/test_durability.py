"""Nothing reported as saved is lost when the writing process is killed with SIGKILL."""

from __future__ import annotations

import random

import pytest

from benchmarks.kill9 import trial


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill9_mid_write_loses_no_reported_record(tmp_path, seed):
    result = trial(tmp_path, records=10_000, kill_after=random.Random(seed).uniform(0.05, 1.0))
    assert result.reported > 0, "the writer never reported a commit"
    assert result.reported < 10_000, "the writer finished before the kill; nothing was tested"
    assert result.lost == 0
    # At most one record can be committed but not yet reported when the kill lands.
    assert result.reported <= result.found <= result.reported + 1
    assert result.verify_ok
