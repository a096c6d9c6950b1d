"""activations.py: values against stable references, derivatives by finite differences."""

import numpy as np
import pytest

from grader import expect, gradcheck

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def sigmoid64(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _inputs(rng, dtype, shape=(3, 5), spread=4.0):
    return (rng.normal(size=shape) * spread).astype(dtype)


@pytest.mark.covers("sigmoid")
@DTYPES
def test_sigmoid_values(student, rng, seed, dtype):
    x = _inputs(rng, dtype)
    expect.values(student.activations.sigmoid(x), sigmoid64(x), what="activations.sigmoid(x)",
                  inputs={"x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("sigmoid")
@DTYPES
def test_sigmoid_is_stable_for_huge_inputs(student, dtype):
    x = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    got = expect.without_warnings(student.activations.sigmoid, x, inputs={"x": x})
    expect.that(np.all(np.isfinite(np.asarray(got, dtype=np.float64))),
                f"activations.sigmoid returned {expect.show(np.asarray(got))} for x = {expect.show(x)}: no NaN or inf allowed")
    expect.values(got, sigmoid64(x), what="activations.sigmoid(x) at large |x|", inputs={"x": x}, dtype=dtype)


@pytest.mark.covers("sigmoid_grad")
@DTYPES
def test_sigmoid_grad_matches_finite_differences(student, rng, seed, dtype):
    x = _inputs(rng, dtype)
    got = student.activations.sigmoid_grad(x)
    expect.gradient(lambda v: float(np.sum(sigmoid64(v))), x.astype(float), got,
                    what="activations.sigmoid_grad(x)", inputs={"x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("tanh_grad")
@DTYPES
def test_tanh_grad_matches_finite_differences(student, rng, seed, dtype):
    x = _inputs(rng, dtype, spread=1.5)
    got = student.activations.tanh_grad(x)
    expect.gradient(lambda v: float(np.sum(np.tanh(v))), x.astype(float), got,
                    what="activations.tanh_grad(x)", inputs={"x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("relu")
@DTYPES
def test_relu_values(student, rng, seed, dtype):
    x = _inputs(rng, dtype)
    x.flat[0] = 0.0
    expect.values(student.activations.relu(x), np.maximum(x.astype(float), 0.0), what="activations.relu(x)",
                  inputs={"x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("relu_grad")
@DTYPES
def test_relu_grad_matches_finite_differences_away_from_zero(student, rng, seed, dtype):
    x = gradcheck.kink_free(lambda: _inputs(rng, dtype), is_kink=lambda v: bool(np.any(np.abs(v) < 1e-3)))
    got = student.activations.relu_grad(x)
    expect.gradient(lambda v: float(np.sum(np.maximum(v, 0.0))), x.astype(float), got,
                    what="activations.relu_grad(x)", inputs={"x": x}, dtype=dtype, seed=seed)


@pytest.mark.covers("relu_grad")
def test_relu_grad_is_zero_at_zero(student):
    x = np.array([-1.0, 0.0, 2.0])
    got = expect.as_number_array(student.activations.relu_grad(x), "activations.relu_grad")
    expect.that(got.shape == (3,), f"activations.relu_grad returned shape {got.shape} for 3 inputs")
    expect.that(np.array_equal(got, [0.0, 0.0, 1.0]),
                f"activations.relu_grad([-1, 0, 2]) should be [0, 0, 1] (0 at exactly 0), got {expect.show(got)}")
