"""Hidden gradient checks: a 4-d input, a larger quadratic form, relative error in float32."""

import numpy as np
import pytest

from grader import expect
from grader.student import Trusted


@pytest.mark.covers("numerical_gradient")
def test_numerical_gradient_of_a_4d_input(student, rng, seed):
    shape = (2, 2, 1, 3)
    weights = rng.uniform(0.5, 1.5, size=shape)
    matrix = np.zeros((12, 12))
    x = rng.normal(size=shape)
    got = student.gradients.numerical_gradient(Trusted("grader.probes:scalar_field", factory=True, weights=weights, matrix=matrix), x)
    expect.values(got, weights * np.cos(x), what="gradients.numerical_gradient(f, x) on a (2, 2, 1, 3) input", seed=seed)


@pytest.mark.covers("quadratic_gradient")
def test_quadratic_gradient_of_a_larger_form(student, rng, seed):
    A = rng.normal(size=(30, 30))
    x = rng.normal(size=30)
    expect.gradient(lambda v: float(v @ A @ v), x, student.gradients.quadratic_gradient(A, x),
                    what="gradients.quadratic_gradient(A, x) with A (30, 30)", seed=seed)


@pytest.mark.covers("relative_error")
def test_relative_error_of_float32_arrays(student, rng, seed):
    a = rng.normal(size=(3, 3)).astype(np.float32)
    b = (a * (1 + rng.normal(size=(3, 3)) * 0.01)).astype(np.float32)
    a64, b64 = a.astype(float), b.astype(float)
    expected = float(np.max(np.abs(a64 - b64) / np.maximum(1e-12, np.abs(a64) + np.abs(b64))))
    got = expect.scalar(student.gradients.relative_error(a, b), "gradients.relative_error")
    expect.values(got, expected, what="gradients.relative_error(a, b) for float32 arrays", dtype=np.float32, seed=seed)
