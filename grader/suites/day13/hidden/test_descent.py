"""Hidden optimizer checks: long runs where small state bugs compound."""

import numpy as np
import pytest

from grader import expect
from grader.suites.day13.test_descent import _adam, _bowl, _momentum, _rmsprop, _run_optimizer, _student_trajectory


@pytest.mark.covers("gradient_descent")
def test_gradient_descent_long_run_converges_like_the_reference(student, rng, seed):
    trusted, grad = _bowl(rng, (4,))
    theta0 = rng.normal(size=4) * 3
    got = student.descent.gradient_descent(trusted, theta0, 0.1, 60)
    expected = [theta0]
    for _ in range(60):
        expected.append(expected[-1] - 0.1 * grad(expected[-1]))
    expect.values(got, np.array(expected), what="descent.gradient_descent(grad, theta0, lr=0.1, steps=60)", seed=seed)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.covers(f"{n}_step")) for n in ("momentum", "rmsprop", "adam")])
def test_optimizer_over_forty_steps(student, rng, seed, name):
    trusted, grad = _bowl(rng, (5,))
    theta0 = rng.normal(size=5)
    zeros = np.zeros(5)
    if name == "momentum":
        ref = lambda th, g, v, t: _momentum(th, g, v, 0.05, 0.9)  # noqa: E731
        got = _student_trajectory(student, "momentum_step", "(theta, velocity)", theta0, trusted, [zeros], 40,
                                  [0.05, 0.9])
        state = zeros
    elif name == "rmsprop":
        ref = lambda th, g, c, t: _rmsprop(th, g, c, 0.01, 0.9, 1e-8)  # noqa: E731
        got = _student_trajectory(student, "rmsprop_step", "(theta, cache)", theta0, trusted, [zeros], 40,
                                  [0.01, 0.9, 1e-8])
        state = zeros
    else:
        def ref(th, g, s, t):
            th, m, v = _adam(th, g, s[0], s[1], t, 0.05, 0.9, 0.999, 1e-8)
            return th, (m, v)

        got = _student_trajectory(student, "adam_step", "(theta, m, v)", theta0, trusted, [zeros, zeros], 40,
                                  [0.05], with_t=True)
        state = (zeros, zeros)
    expected = _run_optimizer(ref, state, theta0, grad, 40)
    expect.values(got, expected, what=f"descent.{name}_step over 40 steps", inputs={"theta0": theta0}, seed=seed)
