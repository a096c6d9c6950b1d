"""The matcher's small parts: agreement within tolerance, argument binding, the message, the style."""

import numpy as np

from grader.misconceptions import load_catalogue
from grader.misconceptions.catalogue import Signature
from grader.misconceptions.matching import close, plain
from grader.report import render
from grader.results import DayResult, ExerciseResult
from grader.results import TestResult as Verdict
from grader.student import Trusted


def test_close_judges_against_the_whole_tensor_and_needs_the_same_shape():
    want = np.array([100.0, 1.0, -3.0])
    assert close(want + np.array([0.0, 5e-4, 0.0]), want, 1e-5)  # 5e-4 is tiny next to 100
    assert not close(want + np.array([0.0, 5e-2, 0.0]), want, 1e-5)
    assert not close(want.reshape(3, 1), want, 1e-3)
    assert not close(np.array([np.nan, 1.0, -3.0]), want, 1e-3)
    assert close((want, {"b": 2.0}), (want, {"b": 2.0 + 1e-9}), 1e-5)
    assert not close((want, {"b": 2.0}), (want, {"c": 2.0}), 1e-5)
    assert close([1.0, 2.0], (1.0, 2.0), 1e-5)  # a list of outputs against a tuple of outputs
    assert not close(None, want, 1e-3)


def test_signature_binds_positions_keywords_defaults_and_extra_arguments():
    sig = Signature.parse("theta, grad, lr=1e-3, *inputs", "test")
    assert sig.bind((1, 2), {}) == {"theta": 1, "grad": 2, "lr": 1e-3, "inputs": ()}
    assert sig.bind((1, 2, 0.5, "x", "y"), {"timeout": 3}) == {"theta": 1, "grad": 2, "lr": 0.5, "inputs": ("x", "y")}
    assert Signature.parse("X, y, lr=0.05", "t").bind((1,), {"y": 2})["y"] == 2


def test_plain_widens_arrays_and_rebuilds_only_the_graders_own_functions():
    x = np.arange(3, dtype=np.float32)
    assert plain({"x": x})["x"].dtype == np.float64
    wave = plain(Trusted("grader.probes:wave", factory=True, a=1.0, b=2.0, c=0.0))
    assert np.isclose(wave(0.25), np.sin(0.5))
    assert plain(Trusted("os:getcwd")) is None


def test_annotate_keeps_the_table_and_the_generic_hint_and_puts_the_seed_last():
    entry = load_catalogue("day13").entry("mse_grad.missing_factor_2")
    message = "mse_grad is wrong\n  table\n    hint: your values are about 0.5x the expected ones\n  (seed 5)"
    lines = entry.annotate(message).splitlines()
    assert lines[:3] == message.splitlines()[:3]
    assert lines[3] == "  mistake: missing factor 2" and lines[-1] == "  (seed 5)"
    assert "lesson: docs/day13/05-losses.md#mean-squared-error" in lines[-2]


def test_the_terminal_report_highlights_the_mistake_line():
    entry = load_catalogue("day13").entry("mse_grad.missing_factor_2")
    test = Verdict(name="t", function="mse_grad", passed=False, message=entry.annotate("wrong\n  (seed 1)"),
                      max_points=1.0, misconception=entry.id)
    other = Verdict(name="u", function="mse", passed=True, points=1.0, max_points=1.0)
    result = DayResult(day="day13", seed=1, exercises=[ExerciseResult("losses", 2.0, [test, other])])
    styled = [style for style, text in render(result) if "mistake: missing factor 2" in text]
    assert styled == ["bold yellow"]


def test_a_large_gradient_is_matched_where_the_check_sampled_it_only():
    """expect.gradient on a sampled tensor keeps the slopes it computed; the matcher judges there."""
    from grader import expect
    from grader.misconceptions import diagnose, recording

    rng = np.random.default_rng(3)
    y = rng.normal(size=(1000, 3))
    y_pred = y + rng.normal(size=(1000, 3))
    loss = lambda p: float(np.mean((p - y) ** 2))  # noqa: E731
    catalogue = load_catalogue("day13")
    for answer, named in (((y_pred - y) / y.size, "mse_grad.missing_factor_2"),
                          (2 * (y_pred - y) / y.size + 1.0, None)):
        recorder = recording.start()
        try:
            expect.gradient(loss, y_pred, answer, what="mse_grad", inputs={"y_pred": y_pred, "y": y})
        except expect.Wrong:
            pass
        finally:
            recording.stop()
        (comparison,) = recorder.comparisons
        known = np.isfinite(comparison.expected_value()).ravel()
        assert comparison.known is not None and 30 <= known.sum() < 100 and known[comparison.known].all()
        found = diagnose(catalogue, "mse_grad", recorder)
        assert (found and found.id) == named
