"""find_flat_point's accuracy messages blame the stopping rule only for a right bisection that stopped too early."""

from tests.feedback.edits import failed_messages, replace_once

STOPPING = "stop only when the bracket is narrower than tol"
ELSEWHERE = "The returned point is not where the slope changes sign"


def test_a_wrong_midpoint_is_not_blamed_on_the_stopping_rule(submission):
    replace_once(submission / "slopes.py", "mid = (lo + hi) / 2", "mid = lo + hi / 2")
    message = failed_messages(submission, "slopes", seed=1)["test_find_flat_point_uses_the_default_tolerance"]
    assert ELSEWHERE in message and STOPPING not in message


def test_an_early_stop_is_blamed_on_the_stopping_rule(submission):
    replace_once(submission / "slopes.py", "while hi - lo >= tol:", "while hi - lo >= 1e-6:")
    message = failed_messages(submission, "slopes", seed=1)["test_find_flat_point_uses_the_default_tolerance"]
    assert STOPPING in message and ELSEWHERE not in message


def test_stopping_on_a_small_slope_is_blamed_on_the_stopping_rule(submission):
    replace_once(submission / "slopes.py", "while hi - lo >= tol:", "while abs(df((lo + hi) / 2)) > tol:")
    failed = failed_messages(submission, "slopes", seed=1)
    assert "test_find_flat_point_uses_the_default_tolerance" not in failed  # a steep slope hides it ...
    assert STOPPING in failed["test_find_flat_point_finds_the_zero_of_the_slope[minimum]"]  # ... a gentle one not
