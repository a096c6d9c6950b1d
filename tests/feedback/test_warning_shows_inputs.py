"""A function that warns where the contract forbids it is told so with the inputs that made it warn."""

import grader.runner as runner
from grader.course import load_day

DAY = load_day("day13")


def test_an_overflowing_sigmoid_sees_the_inputs_that_overflowed(submission):
    path = submission / "activations.py"
    path.write_text(path.read_text() + "\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    result = runner.run_day(DAY, submission, ["activations"], seed=3)
    failed = {t.name: t for e in result.exercises for t in e.tests if not t.passed}
    message = failed["test_sigmoid_is_stable_for_huge_inputs[float64]"].message
    assert "caused a warning (RuntimeWarning: overflow encountered in exp)" in message
    assert "inputs: x = [-10000., -800., -50., 0., 50., 800., 10000.]" in message
    assert failed["test_sigmoid_is_stable_for_huge_inputs[float64]"].misconception  # still named


def test_an_error_that_is_not_a_warning_passes_through_unchanged(submission):
    path = submission / "activations.py"
    path.write_text(path.read_text() + "\n\ndef sigmoid(x):\n    raise ValueError('not today')\n")
    result = runner.run_day(DAY, submission, ["activations"], seed=3)
    failed = {t.name: t for e in result.exercises for t in e.tests if not t.passed}
    message = failed["test_sigmoid_is_stable_for_huge_inputs[float64]"].message
    assert "not today" in message and "inputs:" not in message
