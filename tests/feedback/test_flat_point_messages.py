"""find_flat_point's accuracy messages blame the stopping rule only for a right bisection that stopped too early."""

import grader.runner as runner
from grader.course import load_day

DAY = load_day("day13")
STOPPING = "stop only when the bracket is narrower than tol"
ELSEWHERE = "The returned point is not where the slope changes sign"


def _failures(submission, seed=1):
    result = runner.run_day(DAY, submission, ["slopes"], seed=seed)
    return {t.name: t.message for e in result.exercises for t in e.tests if not t.passed}


def _replace(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_a_wrong_midpoint_is_not_blamed_on_the_stopping_rule(submission):
    _replace(submission / "slopes.py", "mid = (lo + hi) / 2", "mid = lo + hi / 2")
    message = _failures(submission)["test_find_flat_point_uses_the_default_tolerance"]
    assert ELSEWHERE in message and STOPPING not in message


def test_an_early_stop_is_blamed_on_the_stopping_rule(submission):
    _replace(submission / "slopes.py", "while hi - lo >= tol:", "while hi - lo >= 1e-6:")
    message = _failures(submission)["test_find_flat_point_uses_the_default_tolerance"]
    assert STOPPING in message and ELSEWHERE not in message


def test_stopping_on_a_small_slope_is_blamed_on_the_stopping_rule(submission):
    _replace(submission / "slopes.py", "while hi - lo >= tol:", "while abs(df((lo + hi) / 2)) > tol:")
    failed = _failures(submission)
    assert "test_find_flat_point_uses_the_default_tolerance" not in failed  # a steep slope hides it ...
    assert STOPPING in failed["test_find_flat_point_finds_the_zero_of_the_slope[minimum]"]  # ... a gentle one not
