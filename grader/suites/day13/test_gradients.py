"""gradients.py: numerical gradients of any shape, the quadratic form, relative error."""

import numpy as np
import pytest

from grader import expect, probes
from grader.student import Trusted

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def _field(rng, shape):
    weights = rng.uniform(0.5, 1.5, size=shape)
    n = int(np.prod(shape))
    matrix = rng.normal(size=(n, n)) * 0.3
    trusted = Trusted("grader.probes:scalar_field", factory=True, weights=weights, matrix=matrix)
    grad = lambda x: weights * np.cos(x) + ((matrix + matrix.T) @ x.ravel()).reshape(shape)  # noqa: E731
    return trusted, grad


@pytest.mark.covers("numerical_gradient")
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)], ids=["1d", "2d", "3d"])
def test_numerical_gradient_of_any_shape(student, rng, seed, shape):
    trusted, grad = _field(rng, shape)
    x = rng.normal(size=shape)
    got = student.gradients.numerical_gradient(trusted, x)
    expect.values(got, grad(x), what="gradients.numerical_gradient(f, x)", inputs={"x": x}, seed=seed, rtol=1e-6)


@pytest.mark.covers("numerical_gradient")
def test_numerical_gradient_uses_the_step_it_is_given(student, rng, seed):
    trusted, _ = _field(rng, (4,))
    f = probes.scalar_field(**trusted.kwargs)
    x = rng.normal(size=4)
    h = 0.2
    expected = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(4)])
    got = student.gradients.numerical_gradient(trusted, x, h)
    expect.values(got, expected, what=f"gradients.numerical_gradient(f, x, h={h}) (central differences with that h)",
                  inputs={"x": x}, seed=seed, rtol=1e-9)


@pytest.mark.covers("numerical_gradient")
def test_numerical_gradient_default_step_is_1e_5(student, rng, seed):
    # sum(w * sin(k x)) with a large k: the slopes from h = 1e-5 differ from those of 1e-4 or 1e-6
    # by 1e-7 of their size or more where cos(k x) = +-1 (x[0] is such a point).
    weights, k = rng.uniform(0.5, 1.5, size=4), float(rng.uniform(80.0, 120.0))
    x = np.append(np.pi * int(rng.integers(-30, 30)) / k, rng.uniform(-1, 1, size=3))
    f = probes.ripple_field(weights, k)
    h = 1e-5
    expected = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(4)])
    got = student.gradients.numerical_gradient(Trusted("grader.probes:ripple_field", factory=True, weights=weights, k=k), x)
    expect.values(got, expected, what="gradients.numerical_gradient(f, x) with the default h=1e-5",
                  inputs={"f": f"sum(w * sin({k:.2f} x))", "x": x}, seed=seed, rtol=1e-8)


def _square_problem(rng, dtype, n=4):
    A = rng.normal(size=(n, n))  # not symmetric: (A + A^T) x differs from 2 A x
    x = rng.normal(size=n)
    return A.astype(dtype), x.astype(dtype)


@pytest.mark.covers("quadratic_gradient")
@DTYPES
def test_quadratic_gradient_matches_finite_differences(student, rng, seed, dtype):
    A, x = _square_problem(rng, dtype)
    got = student.gradients.quadratic_gradient(A, x)
    A64 = A.astype(float)
    expect.gradient(lambda v: float(v @ A64 @ v), x.astype(float), got, what="gradients.quadratic_gradient(A, x)",
                    inputs={"A": A, "x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("relative_error")
@pytest.mark.parametrize("shape", [(6,), (2, 3)], ids=["1d", "2d"])
def test_relative_error_value(student, rng, seed, shape):
    a = rng.normal(size=shape)
    b = a + rng.normal(size=shape) * rng.choice([1e-3, 0.5], size=shape)
    a.flat[0] = b.flat[0] = 0.0  # 0/0 is guarded by the 1e-12 floor
    expected = float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))
    got = expect.scalar(student.gradients.relative_error(a, b), "gradients.relative_error")
    expect.values(got, expected, what="gradients.relative_error(a, b)", inputs={"a": a, "b": b}, seed=seed, rtol=1e-9)


@pytest.mark.covers("relative_error")
def test_relative_error_uses_the_floor(student, rng):
    a = np.array([0.0, 1e-14])
    b = np.array([0.0, -1e-14])
    got = expect.scalar(student.gradients.relative_error(a, b), "gradients.relative_error")
    expect.values(got, 2e-14 / 1e-12, what="gradients.relative_error([0, 1e-14], [0, -1e-14])", rtol=1e-9)
