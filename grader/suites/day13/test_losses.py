"""losses.py: values against trusted formulas, gradients against finite differences."""

import numpy as np
import pytest

from grader import expect

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
SHAPES = [(7,), (4, 3)]


def _pair(rng, shape, dtype):
    y = rng.normal(size=shape)
    y_pred = y + rng.normal(size=shape) + 0.5  # never equal to y: a sign bug cannot hide
    return y_pred.astype(dtype), y.astype(dtype)


def _mse(y_pred, y):
    return float(np.mean((y_pred - y) ** 2))


@pytest.mark.covers("mse")
@DTYPES
@pytest.mark.parametrize("shape", SHAPES, ids=["1d", "2d"])
def test_mse_value(student, rng, seed, dtype, shape):
    y_pred, y = _pair(rng, shape, dtype)
    got = expect.scalar(student.losses.mse(y_pred, y), "losses.mse")
    expect.values(got, _mse(y_pred.astype(float), y.astype(float)), what="losses.mse(y_pred, y)",
                  inputs={"y_pred": y_pred, "y": y}, dtype=dtype, seed=seed)


@pytest.mark.covers("mse_grad")
@DTYPES
@pytest.mark.parametrize("shape", SHAPES, ids=["1d", "2d"])
def test_mse_grad_matches_finite_differences(student, rng, seed, dtype, shape):
    y_pred, y = _pair(rng, shape, dtype)
    got = student.losses.mse_grad(y_pred, y)
    y64 = y.astype(float)
    expect.gradient(lambda p: _mse(p, y64), y_pred.astype(float), got, what="losses.mse_grad(y_pred, y)",
                    inputs={"y_pred": y_pred, "y": y}, dtype=dtype, seed=seed)


def _regression_problem(rng, dtype, n=6, d=3):
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    b = float(rng.normal())
    y = X @ rng.normal(size=d) + rng.normal(size=n)
    return X.astype(dtype), w.astype(dtype), b, y.astype(dtype)


@pytest.mark.covers("linear_regression_gradients")
@DTYPES
def test_linear_regression_gradients(student, rng, seed, dtype):
    X, w, b, y = _regression_problem(rng, dtype)
    got = student.losses.linear_regression_gradients(w, b, X, y)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2,
                f"losses.linear_regression_gradients should return (dw, db), got {type(got).__name__}")
    dw, db = got
    X64, y64 = X.astype(float), y.astype(float)
    loss = lambda p: _mse(X64 @ p["w"] + p["b"][0], y64)  # noqa: E731
    expect.gradients(loss, {"w": w.astype(float), "b": np.array([b])},
                     {"w": dw, "b": np.reshape(expect.scalar(db, "db (the second value)"), (1,))},
                     what="losses.linear_regression_gradients(w, b, X, y)",
                     inputs={"w": w, "b": b, "X": X, "y": y}, dtype=dtype, seed=seed)


def _probabilities(rng, dtype, n=8):
    p = rng.uniform(0.05, 0.95, size=n)
    y = (rng.uniform(size=n) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]  # both classes always present
    return p.astype(dtype), y.astype(dtype)


def _bce(p, y):
    per_row = y * np.log(p) + (1 - y) * np.log(1 - p)
    return -float(per_row.sum()) / per_row.size


@pytest.mark.covers("binary_cross_entropy")
@DTYPES
def test_binary_cross_entropy_value(student, rng, seed, dtype):
    p, y = _probabilities(rng, dtype)
    got = expect.scalar(student.losses.binary_cross_entropy(p, y), "losses.binary_cross_entropy")
    expect.values(got, _bce(p.astype(float), y.astype(float)), what="losses.binary_cross_entropy(p, y)",
                  inputs={"p": p, "y": y}, dtype=dtype, seed=seed)


@pytest.mark.covers("binary_cross_entropy_grad")
@DTYPES
def test_binary_cross_entropy_grad_matches_finite_differences(student, rng, seed, dtype):
    p, y = _probabilities(rng, dtype)
    got = student.losses.binary_cross_entropy_grad(p, y)
    y64 = y.astype(float)
    expect.gradient(lambda q: _bce(q, y64), p.astype(float), got, what="losses.binary_cross_entropy_grad(p, y)",
                    inputs={"p": p, "y": y}, dtype=dtype, seed=seed)


@pytest.mark.covers("l2_penalty")
@DTYPES
def test_l2_penalty_value(student, rng, seed, dtype):
    W = rng.normal(size=(3, 4)).astype(dtype)
    lam = float(rng.uniform(0.1, 2.0))
    got = expect.scalar(student.losses.l2_penalty(W, lam), "losses.l2_penalty")
    expect.values(got, lam * float(np.sum(W.astype(float) ** 2)), what="losses.l2_penalty(W, lam)",
                  inputs={"W": W, "lam": lam}, dtype=dtype, seed=seed)


@pytest.mark.covers("l2_penalty_grad")
@DTYPES
def test_l2_penalty_grad_matches_finite_differences(student, rng, seed, dtype):
    W = rng.normal(size=(3, 4)).astype(dtype)
    lam = float(rng.uniform(0.1, 2.0))
    got = student.losses.l2_penalty_grad(W, lam)
    expect.gradient(lambda V: lam * float(np.sum(V**2)), W.astype(float), got, what="losses.l2_penalty_grad(W, lam)",
                    inputs={"W": W, "lam": lam}, dtype=dtype, seed=seed)
