"""backprop.py: forwards against trusted values, backwards against finite differences of trusted forwards.

A backward is always given the cache its own forward made, inside the
worker: caches are the student's to design. Shapes are distinct
(N, D, H) = (5, 3, 4), so a transposed gradient has the wrong shape, and
every upstream gradient is random, so a backward that ignores it fails.
"""

import numpy as np
import pytest

from grader import expect
from grader.suites.day13 import _nets

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
N, D, H = 5, 3, 4


def tanh_forward_case(student, rng, seed, dtype, shape):
    z = rng.normal(0.0, 1.5, size=shape).astype(dtype)
    got = _nets.layer_output(student, "backprop", "tanh_forward", z)
    expect.values(got, np.tanh(z.astype(np.float64)), what="the output a of backprop.tanh_forward(z)",
                  inputs={"z": z}, dtype=dtype, seed=seed)


def tanh_backward_case(student, rng, seed, dtype, shape):
    z = rng.normal(0.0, 1.5, size=shape).astype(dtype)
    da = rng.normal(size=shape).astype(dtype)
    _, dz = _nets.layer_round_trip(student, "backprop", "tanh_forward", "tanh_backward", da, z)
    da64 = da.astype(np.float64)
    expect.gradient(lambda t: float(np.sum(da64 * np.tanh(t))), z, dz, name="dz",
                    what="backprop.tanh_backward(da, cache) after (a, cache) = tanh_forward(z)",
                    inputs={"z": z, "da": da}, dtype=dtype, seed=seed)


def dense_inputs(rng, dtype, n=N, d=D, h=H):
    X = rng.normal(size=(n, d)).astype(dtype)
    W = rng.normal(0.0, 0.7, size=(d, h)).astype(dtype)
    b = rng.normal(0.0, 0.5, size=h).astype(dtype)  # never zero: a forgotten bias shows
    return X, W, b


def dense_forward_case(student, rng, seed, dtype, n=N, d=D, h=H):
    X, W, b = dense_inputs(rng, dtype, n, d, h)
    got = _nets.layer_output(student, "backprop", "dense_forward", X, W, b)
    expect.values(got, _nets.dense(X, W, b), what="the output of backprop.dense_forward(X, W, b)",
                  inputs={"X": X, "W": W, "b": b}, dtype=dtype, seed=seed)


def dense_backward_case(student, rng, seed, dtype, n=N, d=D, h=H):
    X, W, b = dense_inputs(rng, dtype, n, d, h)
    dout = rng.normal(size=(n, h)).astype(dtype)
    _, grads = _nets.layer_round_trip(student, "backprop", "dense_forward", "dense_backward", dout, X, W, b)
    what = "backprop.dense_backward(dout, cache)"
    dX, dW, db = _nets.unpack(grads, 3, what, "(dX, dW, db)")
    dout64 = dout.astype(np.float64)
    expect.gradients(lambda p: float(np.sum(dout64 * _nets.dense(p["X"], p["W"], p["b"]))),
                     {"X": X, "W": W, "b": b}, {"X": dX, "W": dW, "b": db},
                     what=f"{what} (dX, dW, db checked as X, W, b)",
                     inputs={"X": X, "W": W, "b": b, "dout": dout}, dtype=dtype, seed=seed)


def network(rng, dtype, n=6, d=D, h=H):
    params = _nets.random_params(rng, d, h, dtype)
    X = rng.normal(size=(n, d)).astype(dtype)
    y = rng.normal(0.0, 1.5, size=n).astype(dtype)
    return params, X, y


def two_layer_loss_answer(student, params, X, y):
    got = _nets.call(student, "backprop", "two_layer_loss", params, X, y)
    return _nets.unpack(got, 2, "backprop.two_layer_loss(params, X, y)", "(loss, grads)")


def two_layer_loss_value_case(student, rng, seed, dtype, **sizes):
    params, X, y = network(rng, dtype, **sizes)
    loss, _ = two_layer_loss_answer(student, params, X, y)
    got = expect.scalar(loss, "the loss of backprop.two_layer_loss")
    expect.values(got, _nets.mse_loss(params, X, y), what="the loss of backprop.two_layer_loss(params, X, y)",
                  inputs={"X": X, "y": y}, dtype=dtype, seed=seed)


def two_layer_loss_grads_case(student, rng, seed, dtype, **sizes):
    params, X, y = network(rng, dtype, **sizes)
    _, grads = two_layer_loss_answer(student, params, X, y)
    expect.gradients(lambda p: _nets.mse_loss(p, X, y), params, grads,
                     what="the grads dict returned by backprop.two_layer_loss(params, X, y)",
                     inputs={"X": X, "y": y}, dtype=dtype, seed=seed)


@pytest.mark.covers("tanh_forward")
@DTYPES
@pytest.mark.parametrize("shape", [(N, H), (7,)], ids=["2d", "1d"])
def test_tanh_forward_values(student, rng, seed, dtype, shape):
    tanh_forward_case(student, rng, seed, dtype, shape)


@pytest.mark.covers("tanh_backward")
@DTYPES
def test_tanh_backward_matches_finite_differences(student, rng, seed, dtype):
    tanh_backward_case(student, rng, seed, dtype, (N, H))


@pytest.mark.covers("dense_forward")
@DTYPES
def test_dense_forward_values(student, rng, seed, dtype):
    dense_forward_case(student, rng, seed, dtype)


@pytest.mark.covers("dense_backward")
@DTYPES
def test_dense_backward_matches_finite_differences(student, rng, seed, dtype):
    dense_backward_case(student, rng, seed, dtype)


@pytest.mark.covers("two_layer_loss")
@DTYPES
def test_two_layer_loss_value(student, rng, seed, dtype):
    two_layer_loss_value_case(student, rng, seed, dtype)


@pytest.mark.covers("two_layer_loss")
@DTYPES
def test_two_layer_loss_grads_match_finite_differences(student, rng, seed, dtype):
    two_layer_loss_grads_case(student, rng, seed, dtype)
