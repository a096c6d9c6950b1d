"""Optimizer steps run for many steps in the worker (grader.drivers.run_optimizer): what crosses
back is judged like any answer, whatever form the student's arrays take."""

import textwrap

import pytest

from grader.course import load_day
from grader.runner import run_day

DAY = load_day("day13")


def momentum_tests(folder, body):
    path = folder / "descent.py"
    path.write_text(path.read_text() + "\n" + textwrap.dedent(body))
    result = run_day(DAY, folder, ["descent"], seed=5, timeout=5.0)
    return [t for t in result.exercises[0].tests if t.function == "momentum_step"]


@pytest.mark.parametrize("body", [
    # lists instead of arrays: each step's answer crosses on its own, and is judged the same
    """
    def momentum_step(theta, grad, velocity, lr, beta=0.9):
        v = [beta * a + b for a, b in zip(velocity, grad)]
        return [t - lr * a for t, a in zip(theta, v)], v
    """,
    # writes into its arguments, but only the values they already hold
    """
    def momentum_step(theta, grad, velocity, lr, beta=0.9):
        theta[...] = theta.copy()
        velocity *= 1.0
        v = beta * velocity + grad
        return theta - lr * v, v
    """,
    # float32 state whatever it was given, and a fresh array each step
    """
    import numpy as np
    def momentum_step(theta, grad, velocity, lr, beta=0.9):
        v = (beta * np.asarray(velocity, np.float64) + grad).astype(np.float32)
        return theta - lr * v.astype(np.float64), v
    """,
])
def test_correct_steps_in_other_forms_pass(submission, body):
    tests = momentum_tests(submission, body)
    assert tests and all(t.passed for t in tests), [t.message for t in tests if not t.passed]


def test_a_step_that_changes_theta_in_place_is_told_so_by_name(submission):
    tests = momentum_tests(submission, """
    def momentum_step(theta, grad, velocity, lr, beta=0.9):
        velocity = beta * velocity + grad
        theta -= lr * velocity
        return theta, velocity
    """)
    runs = [t for t in tests if "steps" in t.name or "forty" in t.name]
    assert runs and all(not t.passed and "changed its argument theta in place" in t.message for t in runs)


def test_state_of_a_different_shape_each_step_still_crosses_and_theta_is_judged(submission):
    """Steps that cannot be sent as one array per position go one by one: here the velocity grows
    by a padding zero each step (theta right), then a wrong theta in the same shape of run."""
    grows = """
    import numpy as np
    def momentum_step(theta, grad, velocity, lr, beta=0.9):
        v = beta * np.asarray(velocity).ravel()[: np.size(grad)].reshape(np.shape(grad)) + grad
        return theta - lr * v, np.append(v, 0.0)
    """
    runs = [t for t in momentum_tests(submission, grows) if "steps" in t.name]
    assert runs and all(t.passed for t in runs), [t.message for t in runs]
    wrong = grows.replace("return theta - lr * v,", "return theta + lr * v,")
    runs = [t for t in momentum_tests(submission, wrong) if "steps" in t.name]
    assert runs and all(not t.passed and "is wrong" in t.message for t in runs), [t.message for t in runs]
