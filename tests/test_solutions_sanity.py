"""Quick direct checks of the reference solutions against independent formulas.

The suites in grader/suites/ grade students; these only make sure the
references those suites trust are right, accept float32, and leave their
inputs alone.
"""

import importlib
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions" / "day13"
MODULES = ["slopes", "activations", "rules", "gradients", "losses", "descent", "backprop", "house_prices", "autodiff"]


@pytest.fixture(scope="module")
def ref():
    """The nine reference modules, imported from solutions/day13 without leaking into sys.modules."""
    for name in MODULES:
        sys.modules.pop(name, None)
    sys.path.insert(0, str(SOLUTIONS))
    try:
        modules = {name: importlib.import_module(name) for name in MODULES}
    finally:
        sys.path.remove(str(SOLUTIONS))
        for name in MODULES:
            sys.modules.pop(name, None)
    return type("Ref", (), modules)


def central(f, x, h=1e-6):
    """Independent elementwise central difference (float64) for scalar-to-scalar f."""
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)


def grad_of(f, x, h=1e-6):
    """Independent gradient of scalar f at array x by central differences (float64)."""
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --- slopes, activations, rules ---------------------------------------------


def test_finite_differences_and_tangent(ref):
    x = np.array([-1.0, 0.3, 2.0])
    np.testing.assert_allclose(ref.slopes.forward_difference(np.sin, x), np.cos(x), atol=1e-5)
    np.testing.assert_allclose(ref.slopes.central_difference(np.sin, x), np.cos(x), atol=1e-9)
    slope, intercept = ref.slopes.tangent_line(lambda t: t**3, lambda t: 3 * t**2, 2.0)
    assert (slope, intercept) == (12.0, -16.0)
    assert type(slope) is float and type(intercept) is float


def test_find_flat_point(ref):
    x = ref.slopes.find_flat_point(lambda t: 2 * (t - 0.7), 0.0, 3.0, tol=1e-10)
    assert abs(x - 0.7) < 1e-10
    assert ref.slopes.find_flat_point(lambda t: t - 1.0, 1.0, 5.0) == 1.0  # exact zero at an endpoint
    assert ref.slopes.find_flat_point(lambda t: t - 5.0, 1.0, 5.0) == 5.0
    with pytest.raises(ValueError):
        ref.slopes.find_flat_point(lambda t: t + 10.0, 0.0, 1.0)
    # a tolerance below the float spacing must still terminate
    assert abs(ref.slopes.find_flat_point(lambda t: t - 1e8 - 0.3, 1e8, 1e8 + 1, tol=0.0) - (1e8 + 0.3)) < 1e-7


def test_sigmoid_is_stable_and_warning_free(ref):
    x = np.array([-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        for dtype in (np.float64, np.float32):
            s = ref.activations.sigmoid(x.astype(dtype))
            assert s.shape == x.shape and np.all(np.isfinite(s))
            np.testing.assert_allclose(s, [0, 0, 1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-1)), 1, 1], atol=1e-6)
        assert ref.activations.sigmoid(-1e4) == 0.0 and ref.activations.sigmoid(1e4) == 1.0


def test_activation_derivatives_match_finite_differences(ref):
    x = np.linspace(-4, 4, 17) + 0.01  # keeps away from relu's kink at 0
    act = ref.activations
    np.testing.assert_allclose(act.sigmoid_grad(x), central(act.sigmoid, x), atol=1e-8)
    np.testing.assert_allclose(act.tanh_grad(x), central(np.tanh, x), atol=1e-8)
    np.testing.assert_allclose(act.relu_grad(x), central(act.relu, x), atol=1e-8)
    np.testing.assert_allclose(act.relu(x), np.where(x > 0, x, 0))


def test_relu_grad_is_float_zero_at_zero(ref):
    g = ref.activations.relu_grad(np.array([-1.0, 0.0, 2.0], dtype=np.float32))
    assert g.dtype.kind == "f"
    assert g.tolist() == [0.0, 0.0, 1.0]
    assert ref.activations.relu_grad(0.0) == 0.0


def test_rules_build_the_right_derivatives(ref):
    x = np.array([0.2, 1.1, 2.5])
    chain = ref.rules.chain_rule(np.cos, lambda t: t**2, lambda t: 2 * t)
    product = ref.rules.product_rule(np.sin, np.cos, np.exp, np.exp)
    quotient = ref.rules.quotient_rule(np.sin, np.cos, lambda t: 1 + t**2, lambda t: 2 * t)
    np.testing.assert_allclose(chain(x), central(lambda t: np.sin(t**2), x), atol=1e-8)
    np.testing.assert_allclose(product(x), central(lambda t: np.sin(t) * np.exp(t), x), atol=1e-7)
    np.testing.assert_allclose(quotient(x), central(lambda t: np.sin(t) / (1 + t**2), x), atol=1e-8)


# --- gradients, losses --------------------------------------------------------


def test_numerical_gradient_any_shape_and_input_untouched(ref):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4))
    before = x.copy()
    g = ref.gradients.numerical_gradient(lambda t: np.sum(np.sin(t) * t), x)
    assert g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, np.sin(x) + x * np.cos(x), atol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_quadratic_gradient_and_relative_error(ref):
    rng = np.random.default_rng(2)
    A, x = rng.normal(size=(4, 4)), rng.normal(size=4)  # A not symmetric
    np.testing.assert_allclose(ref.gradients.quadratic_gradient(A, x), grad_of(lambda t: t @ A @ t, x), atol=1e-8)
    assert ref.gradients.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert ref.gradients.relative_error(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    assert ref.gradients.relative_error(0.0, 0.0) == 0.0


def test_loss_gradients_match_finite_differences(ref):
    rng = np.random.default_rng(3)
    L = ref.losses
    y_pred, y = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    np.testing.assert_allclose(L.mse_grad(y_pred, y), grad_of(lambda t: L.mse(t, y), y_pred), atol=1e-8)
    p, labels = rng.uniform(0.05, 0.95, size=7), rng.integers(0, 2, size=7).astype(float)
    np.testing.assert_allclose(
        L.binary_cross_entropy_grad(p, labels), grad_of(lambda t: L.binary_cross_entropy(t, labels), p), atol=1e-7
    )
    W = rng.normal(size=(3, 2))
    np.testing.assert_allclose(L.l2_penalty_grad(W, 0.3), grad_of(lambda t: L.l2_penalty(t, 0.3), W), atol=1e-8)
    X, w, b, target = rng.normal(size=(6, 4)), rng.normal(size=4), 0.4, rng.normal(size=6)
    dw, db = L.linear_regression_gradients(w, b, X, target)
    np.testing.assert_allclose(dw, grad_of(lambda t: L.mse(X @ t + b, target), w), atol=1e-8)
    assert db == pytest.approx(central(lambda t: L.mse(X @ w + t, target), b), abs=1e-8)
    assert isinstance(L.mse(y_pred, y), float) and isinstance(db, float)


def test_losses_accept_float32(ref):
    y_pred, y = np.array([0.5, 1.5, 2.0], np.float32), np.array([1.0, 1.0, 1.0], np.float32)
    assert ref.losses.mse(y_pred, y) == pytest.approx(0.5, rel=1e-6)
    np.testing.assert_allclose(ref.losses.mse_grad(y_pred, y), [-1 / 3, 1 / 3, 2 / 3], rtol=1e-6)


# --- descent ---------------------------------------------------------------------


def test_gradient_descent_path(ref):
    theta0 = np.array([[3.0, -2.0]], dtype=np.float32)
    path = ref.descent.gradient_descent(lambda t: 2 * t, theta0, 0.25, 3)
    assert path.shape == (4, 1, 2)
    np.testing.assert_allclose(path[:, 0, 0], [3.0, 1.5, 0.75, 0.375])
    assert theta0.tolist() == [[3.0, -2.0]]


def test_fit_linear_regression_recovers_a_line(ref):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5
    w, b, losses = ref.descent.fit_linear_regression(X, y, lr=0.1, epochs=300)
    np.testing.assert_allclose(w, [2.0, -1.0], atol=1e-6)
    assert b == pytest.approx(0.5, abs=1e-6)
    assert len(losses) == 300 and losses[0] == pytest.approx(np.mean(y**2))


def test_optimizer_steps_against_written_out_formulas(ref):
    theta, g = np.array([1.0, -2.0]), np.array([0.5, 0.1])
    inputs = [theta.copy(), g.copy()]
    new_theta, v = ref.descent.momentum_step(theta, g, np.array([1.0, 1.0]), 0.1, beta=0.5)
    np.testing.assert_allclose(v, [1.0, 0.6])
    np.testing.assert_allclose(new_theta, [0.9, -2.06])
    new_theta, c = ref.descent.rmsprop_step(theta, g, np.zeros(2), 0.01, decay=0.9, eps=0.0)
    np.testing.assert_allclose(c, 0.1 * g**2)
    np.testing.assert_allclose(new_theta, theta - 0.01 * g / np.sqrt(0.1 * g**2))
    new_theta, m, v = ref.descent.adam_step(theta, g, np.zeros(2), np.zeros(2), 1, lr=0.1, eps=0.0)
    np.testing.assert_allclose(new_theta, theta - 0.1 * np.sign(g))  # first Adam step moves every entry by lr
    np.testing.assert_allclose(m, 0.1 * g)
    np.testing.assert_allclose(v, 0.001 * g**2)
    np.testing.assert_array_equal(theta, inputs[0])
    np.testing.assert_array_equal(g, inputs[1])


# --- backprop, house prices ------------------------------------------------------


def make_params(rng, D=4, H=5):
    return {
        "W1": rng.normal(size=(D, H)),
        "b1": rng.normal(size=H),
        "W2": rng.normal(size=(H, 1)),
        "b2": rng.normal(size=1),
    }


def test_two_layer_loss_gradients_match_finite_differences(ref):
    rng = np.random.default_rng(5)
    params, X, y = make_params(rng), rng.normal(size=(3, 4)), rng.normal(size=3)
    frozen = {k: v.copy() for k, v in params.items()}
    loss, grads = ref.backprop.two_layer_loss(params, X, y)
    expected = np.mean((np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"][:, 0] + params["b2"][0] - y) ** 2)
    assert loss == pytest.approx(expected)
    for name in params:
        def loss_at(value, name=name):
            return ref.backprop.two_layer_loss({**params, name: value}, X, y)[0]

        assert grads[name].shape == params[name].shape
        np.testing.assert_allclose(grads[name], grad_of(loss_at, params[name]), atol=1e-7)
        np.testing.assert_array_equal(params[name], frozen[name])


def test_dense_backward_shapes_and_values(ref):
    rng = np.random.default_rng(6)
    X, W, b, dout = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2), rng.normal(size=(3, 2))
    out, cache = ref.backprop.dense_forward(X, W, b)
    dX, dW, db = ref.backprop.dense_backward(dout, cache)
    np.testing.assert_allclose(dX, grad_of(lambda t: np.sum((t @ W + b) * dout), X), atol=1e-8)
    np.testing.assert_allclose(dW, grad_of(lambda t: np.sum((X @ t + b) * dout), W), atol=1e-8)
    np.testing.assert_allclose(db, grad_of(lambda t: np.sum((X @ W + t) * dout), b), atol=1e-8)


def test_backprop_accepts_float32(ref):
    rng = np.random.default_rng(7)
    params = {k: v.astype(np.float32) for k, v in make_params(rng).items()}
    X, y = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    loss32, grads32 = ref.backprop.two_layer_loss(params, X, y)
    loss64, grads64 = ref.backprop.two_layer_loss({k: v.astype(np.float64) for k, v in params.items()}, X.astype(float), y.astype(float))
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for name in grads64:
        np.testing.assert_allclose(grads32[name], grads64[name], rtol=1e-4, atol=1e-5)


def test_house_price_model_learns_and_sensitivity_is_the_input_gradient(ref):
    hp = ref.house_prices
    X, y, names = hp.load_house_prices()
    assert X.shape == (546, 11) and y.shape == (546,) and len(names) == 11
    X_before = X.copy()
    Xs, mean, std = hp.standardize(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_allclose(Xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xs.std(axis=0), 1)
    np.testing.assert_allclose(std, np.std(X, axis=0))
    ys = hp.standardize(y)[0]

    params, losses = hp.train_house_price_model(Xs[:100], ys[:100], epochs=50)
    again, _ = hp.train_house_price_model(Xs[:100], ys[:100], epochs=50)
    assert len(losses) == 50 and losses[-1] < 0.7 * losses[0]
    np.testing.assert_array_equal(params["W1"], again["W1"])  # same seed, same model
    assert hp.predict(params, Xs[:7]).shape == (7,)

    rows = Xs[:5]
    expected = np.mean([np.abs(grad_of(lambda t: hp.predict(params, t[None])[0], row)) for row in rows], axis=0)
    np.testing.assert_allclose(hp.feature_sensitivity(params, rows), expected, atol=1e-7)


# --- autodiff ---------------------------------------------------------------------


def test_value_gradients_match_finite_differences(ref):
    Value = ref.autodiff.Value

    def build(a, b):
        a, b = Value(a), Value(b)
        shared = a * b + 1  # used twice below: its gradient must accumulate
        out = (shared.tanh() + shared**2 / b - 3 / a + (2 - a).exp() * 0.5 + (-b).relu()) * np.float64(1.5)
        out = out + (shared + a) * (shared + a)  # shared and a each feed two additions
        return a, b, out

    a, b, out = build(0.7, -1.3)
    out.backward()
    f = lambda x, y: build(x, y)[2].data  # noqa: E731
    assert a.grad == pytest.approx((f(0.7 + 1e-6, -1.3) - f(0.7 - 1e-6, -1.3)) / 2e-6, rel=1e-6)
    assert b.grad == pytest.approx((f(0.7, -1.3 + 1e-6) - f(0.7, -1.3 - 1e-6)) / 2e-6, rel=1e-6)
    assert out.grad == 1.0 and isinstance(a.data, float)


def test_value_used_twice_accumulates(ref):
    a = ref.autodiff.Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_value_relu_at_zero_and_numpy_exponents(ref):
    Value = ref.autodiff.Value
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0
    y = Value(np.float32(3.0))
    (y ** np.int64(2)).backward()
    assert y.grad == pytest.approx(6.0)
    z = Value(2.0)
    (z - 5).backward()
    w = Value(2.0)
    (5 - w).backward()
    assert (z.grad, w.grad) == (1.0, -1.0)


def test_value_backward_on_a_10000_node_chain(ref):
    Value = ref.autodiff.Value
    x = Value(0.3)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**10_000, rel=1e-9)
