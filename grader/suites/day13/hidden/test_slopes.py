"""Hidden slopes checks: other functions, many points, a coarse tolerance."""

import numpy as np
import pytest

from grader import expect, probes
from grader.student import Trusted


@pytest.mark.covers("forward_difference")
def test_forward_difference_on_many_points(student, rng, seed):
    coeffs = rng.uniform(-2, 2, size=5).tolist()
    f = probes.polynomial(coeffs)
    x, h = rng.uniform(-3, 3, size=(4, 6)), 1e-3
    got = student.slopes.forward_difference(Trusted("grader.probes:polynomial", factory=True, coeffs=coeffs), x, h)
    expect.values(got, (f(x + h) - f(x)) / h, what="slopes.forward_difference(f, x, h=1e-3) on a (4, 6) grid",
                  inputs={"f": "a quartic"}, seed=seed)


@pytest.mark.covers("central_difference")
def test_central_difference_on_many_points(student, rng, seed):
    coeffs = rng.uniform(-2, 2, size=5).tolist()
    f = probes.polynomial(coeffs)
    x, h = rng.uniform(-3, 3, size=(4, 6)), 1e-3
    got = student.slopes.central_difference(Trusted("grader.probes:polynomial", factory=True, coeffs=coeffs), x, h)
    expect.values(got, (f(x + h) - f(x - h)) / (2 * h), what="slopes.central_difference(f, x, h=1e-3) on a (4, 6) grid",
                  inputs={"f": "a quartic"}, seed=seed)


@pytest.mark.covers("tangent_line")
def test_tangent_line_of_a_polynomial(student, rng, seed):
    coeffs = rng.uniform(-2, 2, size=4).tolist()
    f, df = probes.polynomial(coeffs), probes.polynomial_slope(coeffs)
    a = float(rng.uniform(1, 3))
    got = student.slopes.tangent_line(Trusted("grader.probes:polynomial", factory=True, coeffs=coeffs),
                                      Trusted("grader.probes:polynomial_slope", factory=True, coeffs=coeffs), a)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2, "slopes.tangent_line should return (slope, intercept)")
    expect.values(np.array([expect.scalar(v, "slopes.tangent_line") for v in got]), [df(a), f(a) - df(a) * a],
                  what="slopes.tangent_line(f, df, a) for a cubic", inputs={"a": a}, seed=seed)


@pytest.mark.covers("find_flat_point")
def test_find_flat_point_with_a_coarse_tolerance(student, rng, seed):
    root = float(rng.uniform(-1, 1))
    lo, hi, tol = root - 3.3, root + 1.7, 1e-3
    got = expect.scalar(student.slopes.find_flat_point(
        Trusted("grader.probes:shifted_slope", factory=True, root=root, scale=0.5), lo, hi, tol), "slopes.find_flat_point")
    expect.that(abs(got - root) <= tol, f"slopes.find_flat_point(df, {lo:.4g}, {hi:.4g}, tol=1e-3) returned {got:.6g}, "
                f"the slope changes sign at {root:.6g} (seed {seed})")
