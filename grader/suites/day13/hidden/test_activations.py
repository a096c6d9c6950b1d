"""Hidden activation checks: tails, 3-d tensors, float32 everywhere."""

import numpy as np
import pytest

from grader import expect, gradcheck
from grader.suites.day13.test_activations import sigmoid64


@pytest.mark.covers("sigmoid_grad")
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_sigmoid_grad_in_the_tails_without_warnings(student, dtype):
    x = np.array([-1e4, -700.0, -30.0, -1.0, 0.0, 2.0, 30.0, 700.0, 1e4], dtype=dtype)
    got = expect.without_warnings(student.activations.sigmoid_grad, x, inputs={"x": x})
    s = sigmoid64(x)
    expect.values(got, s * (1 - s), what="activations.sigmoid_grad(x) far in the tails", inputs={"x": x}, dtype=dtype)


@pytest.mark.covers("tanh_grad")
def test_tanh_grad_on_a_3d_tensor(student, rng, seed):
    x = rng.normal(size=(2, 3, 4)) * 3
    expect.gradient(lambda v: float(np.sum(np.tanh(v))), x, student.activations.tanh_grad(x),
                    what="activations.tanh_grad(x) on a (2, 3, 4) tensor", seed=seed)


@pytest.mark.covers("relu")
def test_relu_keeps_shape_of_a_3d_tensor(student, rng, seed):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    expect.values(student.activations.relu(x), np.maximum(x.astype(float), 0), what="activations.relu(x) on a 3-d tensor",
                  dtype=np.float32, seed=seed)


@pytest.mark.covers("relu_grad")
def test_relu_grad_on_a_3d_tensor(student, rng, seed):
    x = gradcheck.kink_free(lambda: rng.normal(size=(2, 3, 4)), is_kink=lambda v: bool(np.any(np.abs(v) < 1e-3)))
    expect.gradient(lambda v: float(np.sum(np.maximum(v, 0))), x, student.activations.relu_grad(x),
                    what="activations.relu_grad(x) on a (2, 3, 4) tensor", seed=seed)


@pytest.mark.covers("sigmoid")
def test_sigmoid_of_a_float(student, rng):
    x = float(rng.uniform(-5, 5))
    got = expect.scalar(student.activations.sigmoid(x), "activations.sigmoid of a float")
    expect.values(got, float(sigmoid64(x)), what=f"activations.sigmoid({x:.4g})")
