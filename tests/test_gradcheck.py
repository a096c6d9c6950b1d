"""grader.gradcheck: correct gradients pass, classic bugs fail, kinks never blame the student."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from grader import gradcheck as gc

FAST = settings(max_examples=30, deadline=None)
DTYPES = [np.float64, np.float32]


# --------------------------------------------------------------------------- strategies


def floats(lo=-3.0, hi=3.0):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo=0.5, hi=1.5):
    """Magnitudes in [lo, hi] with either sign."""
    return st.one_of(st.floats(-hi, -lo), st.floats(lo, hi))


def tensors(shape=None, elements=None, min_dims=1, max_dims=3, max_side=5):
    shape = shape if shape is not None else array_shapes(min_dims=min_dims, max_dims=max_dims,
                                                         min_side=1, max_side=max_side)
    return arrays(np.float64, shape, elements=elements if elements is not None else floats())


@st.composite
def pairs(draw, second=None, min_size=1):
    """(x, c): two arrays of one shape with at least min_size entries."""
    x = draw(tensors().filter(lambda a: a.size >= min_size))
    c = draw(tensors(shape=x.shape, elements=second if second is not None else floats()))
    return x, c


def as_inputs(dtype, *arrays_):
    """The student's view (cast to dtype) and the grader's float64 copy of the same numbers."""
    student = [a.astype(dtype) for a in arrays_]
    return student, [s.astype(np.float64) for s in student]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------- the function family
# Each case: a trusted float64 forward(x, c) and gradient(x, c) running in the dtype it is given.

CASES = {
    "sum_sin": (lambda x, c: np.sum(np.sin(x)), lambda x, c: np.cos(x)),
    "mse": (lambda x, c: np.mean((x - c) ** 2), lambda x, c: 2 * (x - c) / x.size),
    "tanh_layer": (lambda x, c: np.sum(c * np.tanh(x)), lambda x, c: c * (1 - np.tanh(x) ** 2)),
    "softplus": (lambda x, c: np.sum(c * np.logaddexp(0.0, x)), lambda x, c: c * sigmoid(x)),
    "sin_times_square": (lambda x, c: np.sum(c * np.sin(x) * x ** 2),
                         lambda x, c: c * (np.cos(x) * x ** 2 + 2 * x * np.sin(x))),
}


@FAST
@given(case=st.sampled_from(sorted(CASES)), data=pairs(), dtype=st.sampled_from(DTYPES))
def test_correct_elementwise_gradients_pass(case, data, dtype):
    forward, gradient = CASES[case]
    (x_s, c_s), (x, c) = as_inputs(dtype, *data)
    result = gc.check_gradient(lambda t: forward(t, c), x, gradient(x_s, c_s), name=case)
    assert result.passed, result.describe()
    assert result.rtol == gc.default_rtol(dtype)


@st.composite
def quadratic_inputs(draw):
    n = draw(st.integers(1, 6))
    A = draw(arrays(np.float64, (n, n), elements=floats(-2, 2)))
    x = draw(arrays(np.float64, (n,), elements=floats()))
    return A, x


@FAST
@given(inputs=quadratic_inputs(), dtype=st.sampled_from(DTYPES))
def test_quadratic_form_gradient_passes_for_unsymmetric_A(inputs, dtype):
    (A_s, x_s), (A, x) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(lambda t: t @ A @ t, x, (A_s + A_s.T) @ x_s)
    assert result.passed, result.describe()


@FAST
@given(x=tensors(elements=away_from_zero(), max_dims=1, max_side=8), dtype=st.sampled_from(DTYPES))
def test_product_of_entries_gradient_passes(x, dtype):
    (x_s,), (x64,) = as_inputs(dtype, x)
    others = np.array([np.prod(np.delete(x_s, i)) for i in range(x_s.size)], dtype=dtype)
    result = gc.check_gradient(np.prod, x64, others)
    assert result.passed, result.describe()


def dense_tanh_problem(seed, dtype, N=5, D=3, H=4):
    """f(W) = sum(U * tanh(X @ W)); distinct N, D, H give a transposed answer the wrong shape."""
    rng = np.random.default_rng(seed)
    (X_s, W_s, U_s), (X, W, U) = as_inputs(dtype, rng.normal(size=(N, D)), rng.normal(size=(D, H)),
                                           rng.normal(size=(N, H)))
    forward = lambda w: np.sum(U * np.tanh(X @ w))
    Z = X_s @ W_s
    return forward, W, X_s, U_s, Z


@pytest.mark.parametrize("dtype", DTYPES)
@given(seed=st.integers(0, 10_000))
@FAST
def test_dense_tanh_layer_gradient_passes(dtype, seed):
    forward, W, X_s, U_s, Z = dense_tanh_problem(seed, dtype)
    result = gc.check_gradient(forward, W, X_s.T @ (U_s * (1 - np.tanh(Z) ** 2)), name="dW")
    assert result.passed, result.describe()


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_zero_gradient_at_a_special_point_is_not_failed_on_finite_difference_noise(dtype):
    # At x = 0 the slope of sin(x)*x^2 is 0 and S is tiny; the central difference is h^2 ~ 4e-11.
    x = np.zeros(1)
    result = gc.check_gradient(lambda t: np.sum(np.sin(t) * t ** 2), x, np.zeros(1, dtype))
    assert result.passed, result.describe()


def test_the_noise_allowance_never_excuses_a_real_bug_near_zero():
    x = np.array([1e-3, -2e-3])
    f = lambda t: np.sum(t ** 2)
    assert gc.check_gradient(f, x, 2 * x).passed
    assert not gc.check_gradient(f, x, x).passed


# --------------------------------------------------------------------------- classic bugs


@st.composite
def mse_inputs(draw):
    """Predictions at least 0.1 away from targets, batch of at least 3 (no point hides a bug)."""
    y = draw(tensors(elements=floats(-2, 2)).filter(lambda a: a.size >= 3))
    gap = draw(tensors(shape=y.shape, elements=away_from_zero(0.1, 2.0)))
    return y + gap, y


def mse_forward(y):
    return lambda p: np.mean((p - y) ** 2)


@FAST
@given(inputs=mse_inputs(), dtype=st.sampled_from(DTYPES))
def test_missing_factor_two_fails_and_ratio_says_half(inputs, dtype):
    (p_s, y_s), (p, y) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(mse_forward(y), p, (p_s - y_s) / p.size, name="dy_pred")
    assert not result.passed
    assert result.median_ratio == pytest.approx(0.5, rel=1e-3)
    assert "0.5x" in result.describe()


@FAST
@given(inputs=mse_inputs(), dtype=st.sampled_from(DTYPES))
def test_missing_one_over_n_fails_and_ratio_says_n(inputs, dtype):
    (p_s, y_s), (p, y) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(mse_forward(y), p, 2 * (p_s - y_s))
    assert not result.passed
    assert result.median_ratio == pytest.approx(p.size, rel=1e-3)
    assert f"{p.size}x" in result.describe()


@FAST
@given(inputs=mse_inputs(), dtype=st.sampled_from(DTYPES))
def test_sign_flip_fails_and_ratio_says_minus_one(inputs, dtype):
    (p_s, y_s), (p, y) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(mse_forward(y), p, -2 * (p_s - y_s) / p.size)
    assert not result.passed
    assert result.median_ratio == pytest.approx(-1.0, rel=1e-3)
    assert "sign is flipped" in result.describe()


def test_a_sign_flip_on_most_entries_only_is_not_called_a_flipped_sign():
    # A signed mean where the mean of |slopes| is asked: the sign flips only where every slope is
    # negative; the entry whose slopes have both signs is off by another factor.
    expected = np.array([-0.8, -1.5, 0.25, -2.0])
    got = np.array([0.8, 1.5, 0.05, 2.0])
    result = gc.compare(got, expected, name="sensitivity")
    assert not result.passed and result.median_ratio == pytest.approx(-1.0)
    assert "most of your values are about -1x the expected ones, but not all of them" in result.describe()
    assert "sign is flipped" not in result.describe()


@st.composite
def tanh_layer_inputs(draw):
    """Pre-activations with at least one |z| >= 1 (near 0, 1 - z^2 and tanh' nearly agree),
    upstream weights away from 0 and not all equal to 1."""
    z = draw(tensors(elements=floats(-2.5, 2.5)).filter(lambda a: np.abs(a).max() >= 1.0))
    w = draw(tensors(shape=z.shape, elements=away_from_zero(0.3, 2.0))
             .filter(lambda a: np.abs(a - 1).max() >= 0.3))
    return z, w


TANH_BUGS = {
    "one_minus_z_squared": lambda z, w: w * (1 - z ** 2),
    "missing_activation_derivative": lambda z, w: w,
    "forgot_upstream_gradient": lambda z, w: 1 - np.tanh(z) ** 2,
}


@FAST
@given(bug=st.sampled_from(sorted(TANH_BUGS)), inputs=tanh_layer_inputs(),
       dtype=st.sampled_from(DTYPES))
def test_tanh_layer_bugs_fail(bug, inputs, dtype):
    (z_s, w_s), (z, w) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(lambda t: np.sum(w * np.tanh(t)), z, TANH_BUGS[bug](z_s, w_s))
    assert not result.passed, bug
    assert result.max_error > 0.01  # 100x the float32 tolerance, even on adversarial draws
    assert 1 <= len(result.worst) <= 5


@pytest.mark.parametrize("dtype", DTYPES)
def test_transposed_gradient_fails_on_shape_with_a_note(dtype):
    forward, W, X_s, U_s, Z = dense_tanh_problem(0, dtype)
    transposed = (X_s.T @ (U_s * (1 - np.tanh(Z) ** 2))).T
    result = gc.check_gradient(forward, W, transposed, name="dW")
    assert not result.passed
    assert result.max_error == np.inf
    assert result.shape_expected == (3, 4) and result.shape_got == (4, 3)
    assert "transposed" in result.note
    assert "(3, 4) expected, got (4, 3)" in result.describe()


def test_unsymmetric_quadratic_with_2Ax_fails():
    A = np.array([[1.0, 2.0, 0.5], [-1.0, 0.3, 1.2], [0.7, -0.4, 2.0]])
    x = np.array([0.9, -1.3, 0.6])
    assert not gc.check_gradient(lambda t: t @ A @ t, x, 2 * A @ x).passed


# --------------------------------------------------------------------------- kinks

NEAR_KINK = [0.0, 1e-12, -1e-12, 1e-9, -1e-9, 1e-7, -1e-7, 1e-6, -1e-6, 3e-6, -3e-6,
             6e-6, -6e-6, 1e-5, -1e-5, 2e-5, -2e-5]


@st.composite
def kinky_inputs(draw):
    """x mixing exact zeros, points a few finite-difference steps from 0, and ordinary values."""
    n = draw(st.integers(1, 12))
    x = np.array(draw(st.lists(st.one_of(st.sampled_from(NEAR_KINK), floats(-2, 2)),
                               min_size=n, max_size=n)))
    w = np.array(draw(st.lists(away_from_zero(0.2, 2.0), min_size=n, max_size=n)))
    return x, w


@settings(max_examples=60, deadline=None)
@given(inputs=kinky_inputs(), relu_prime_at_zero=st.sampled_from([0.0, 1.0]),
       dtype=st.sampled_from(DTYPES))
def test_relu_near_and_at_zero_never_fails_a_correct_subgradient(inputs, relu_prime_at_zero, dtype):
    (x_s, w_s), (x, w) = as_inputs(dtype, *inputs)
    forward = lambda t: np.sum(w * np.maximum(t, 0.0) + np.sin(t))
    slope = np.where(x_s > 0, 1.0, np.where(x_s == 0, relu_prime_at_zero, 0.0)).astype(dtype)
    result = gc.check_gradient(forward, x, w_s * slope + np.cos(x_s))
    assert result.passed, result.describe()


@settings(max_examples=60, deadline=None)
@given(inputs=kinky_inputs(), dtype=st.sampled_from(DTYPES))
def test_abs_near_and_at_zero_never_fails_a_correct_subgradient(inputs, dtype):
    (x_s, w_s), (x, w) = as_inputs(dtype, *inputs)
    result = gc.check_gradient(lambda t: np.sum(w * np.abs(t)), x, w_s * np.sign(x_s))
    assert result.passed, result.describe()


def test_relu_layer_with_a_preactivation_exactly_zero_passes_and_notes_the_kink():
    X = np.array([[1.0, -1.0], [2.0, 1.0], [0.5, 3.0]])
    W = np.array([[1.0, 2.0], [1.0, -1.0]])  # (X @ W)[0, 0] == 0 exactly
    U = np.array([[0.7, -1.1], [0.4, 0.9], [-0.6, 1.3]])
    Z = X @ W
    assert Z[0, 0] == 0.0
    result = gc.check_gradient(lambda w: np.sum(U * np.maximum(X @ w, 0)), W, X.T @ (U * (Z > 0)))
    assert result.passed, result.describe()
    assert "kink" in result.note


def test_a_wrong_answer_at_a_kink_still_fails_and_names_the_bracket():
    x = np.array([0.0, 1.0, -1.0])
    result = gc.check_gradient(lambda t: np.sum(np.maximum(t, 0)), x, np.array([2.0, 1.0, 0.0]))
    assert not result.passed
    assert result.worst[0].index == (0,)
    assert "sits on a kink" in result.note


def test_scale_override_judges_a_fully_saturated_tanh_against_its_inputs():
    z = np.array([9.0, -11.0, 10.5])  # float32 tanh is exactly +-1 here, so 1 - tanh^2 == 0
    w = np.array([0.7, -1.2, 0.4])
    answer = (w * (1 - np.tanh(z.astype(np.float32)) ** 2)).astype(np.float32)
    forward = lambda t: np.sum(w * np.tanh(t))
    assert not gc.check_gradient(forward, z, answer).passed
    assert gc.check_gradient(forward, z, answer, scale=1.0).passed
    assert not gc.check_gradient(forward, z, w.astype(np.float32), scale=1.0).passed


# --------------------------------------------------------------------------- large tensors


def counting(f):
    def wrapped(x):
        wrapped.calls += 1
        return f(x)
    wrapped.calls = 0
    return wrapped


def large_problem(seed, shape=(40, 60)):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=shape)
    w = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape)
    return counting(lambda t: np.sum(w * np.sin(t))), x, w * np.cos(x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_tensor_correct_gradient_passes_with_few_forward_calls(dtype):
    f, x, grad = large_problem(1)
    result = gc.check_gradient(f, x, grad.astype(dtype))
    assert result.passed, result.describe()
    assert f.calls < x.size  # a full check would take 2 calls per entry
    assert "large tensor (2400 entries)" in result.note


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n_bad=st.integers(1, 3), dtype=st.sampled_from(DTYPES),
       check_seed=st.integers(0, 10_000))
def test_large_tensor_catches_a_bug_confined_to_a_few_entries(seed, n_bad, dtype, check_seed):
    f, x, grad = large_problem(seed)
    wrong = grad.copy().ravel()
    bad = np.random.default_rng(seed + 1).choice(wrong.size, size=n_bad, replace=False)
    wrong[bad] = 0.0  # e.g. a loop that skips a few entries
    result = gc.check_gradient(f, x, wrong.reshape(x.shape).astype(dtype), seed=check_seed)
    assert not result.passed


def test_large_tensor_with_one_huge_garbage_entry_fails():
    f, x, grad = large_problem(3)
    wrong = grad.copy()
    wrong[17, 23] = 1e6
    result = gc.check_gradient(f, x, wrong)
    assert not result.passed
    assert any(m.index == (17, 23) for m in result.worst)


# --------------------------------------------------------------------------- compare()


@FAST
@given(x=tensors())
def test_compare_passes_float32_values_of_a_float64_reference(x):
    x32 = x.astype(np.float32)
    result = gc.compare(np.tanh(x32), np.tanh(x32.astype(np.float64)))
    assert result.passed, result.describe()
    assert result.rtol == 1e-4


@FAST
@given(x=tensors(elements=away_from_zero(0.5, 3.0)), dtype=st.sampled_from(DTYPES))
def test_compare_fails_a_one_percent_error(x, dtype):
    result = gc.compare((1.01 * x).astype(dtype), x)
    assert not result.passed
    assert result.median_ratio == pytest.approx(1.01, rel=1e-4)


def test_compare_column_vector_against_flat_fails_with_a_note():
    expected = np.arange(1.0, 6.0)
    result = gc.compare(expected.reshape(5, 1), expected, name="y_hat")
    assert not result.passed
    assert result.shape_expected == (5,) and result.shape_got == (5, 1)
    assert "axis of length 1" in result.note
    assert "y_hat" in result.describe()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_compare_fails_nan_or_inf_with_a_note(bad):
    got = np.array([1.0, 2.0, bad, 4.0])
    result = gc.compare(got, np.array([1.0, 2.0, 3.0, 4.0]))
    assert not result.passed
    assert result.max_error == np.inf
    assert "at index (2,)" in result.note
    assert ("NaN" if np.isnan(bad) else "inf") in result.note


def test_compare_accepts_python_floats_numpy_scalars_and_ints():
    assert gc.compare(0.1 + 0.2, 0.3).passed
    assert gc.compare(np.float32(1 / 3), 1 / 3).passed
    assert gc.compare(np.int64(7), 7.0).passed
    assert not gc.compare(np.array([0.3]), 0.3).passed  # a (1,) array is not a float


def test_compare_requires_matching_non_finite_values():
    assert gc.compare(np.array([np.inf, 1.0]), np.array([np.inf, 1.0])).passed
    assert not gc.compare(np.array([1e308, 1.0]), np.array([np.inf, 1.0])).passed


@pytest.mark.parametrize("answer", [None, "0.5", [[1.0, 2.0], [3.0]], {"a": 1}, 1 + 2j])
def test_non_numeric_answers_fail_with_a_note_not_an_exception(answer):
    assert not gc.compare(answer, np.ones(2)).passed
    result = gc.check_gradient(lambda t: float(np.sum(t)), np.ones(2), answer)
    assert not result.passed
    assert result.note


# --------------------------------------------------------------------------- numerical_gradient


@FAST
@given(x=tensors(min_dims=0, max_dims=3))
def test_numerical_gradient_never_modifies_x_and_matches_the_closed_form(x):
    before = x.copy()
    grad = gc.numerical_gradient(lambda t: np.sum(np.sin(t)), x)
    assert np.array_equal(x, before)
    assert grad.shape == x.shape and grad.dtype == np.float64
    # rounding of f (up to x.size in magnitude) divided by h ~ 6e-6 bounds the error
    assert np.allclose(grad, np.cos(x), rtol=0, atol=1e-10 * max(1, x.size))


@pytest.mark.parametrize("x", [np.array(0.7), np.linspace(-1, 1, 4),
                               np.arange(24.0).reshape(2, 3, 4) / 10])
def test_numerical_gradient_on_0d_1d_and_3d_inputs(x):
    grad = gc.numerical_gradient(lambda t: np.sum(t ** 3), x)
    assert grad.shape == x.shape
    assert np.allclose(grad, 3 * x ** 2, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_of_a_python_float_and_a_float32_array():
    assert gc.numerical_gradient(lambda t: t ** 2, 1.5) == pytest.approx(3.0, rel=1e-9)
    x32 = np.array([0.5, -2.0], dtype=np.float32)
    grad = gc.numerical_gradient(lambda t: np.sum(t ** 2), x32)
    assert x32.dtype == np.float32 and grad.dtype == np.float64
    assert np.allclose(grad, 2 * x32.astype(np.float64), rtol=1e-9)


def test_forward_must_return_one_number():
    with pytest.raises(ValueError, match="single number"):
        gc.numerical_gradient(lambda t: t * 2, np.ones(3))


# --------------------------------------------------------------------------- describe()


def test_describe_shows_at_most_five_entries_and_never_the_whole_reference():
    x = np.linspace(0.05, 3.0, 100)  # distinct cos values
    result = gc.check_gradient(lambda t: np.sum(np.sin(t)), x, 3 * np.cos(x), name="dx")
    text = result.describe()
    rows = [line for line in text.splitlines() if re.match(r"\s+\(\d+,\)", line)]
    assert len(rows) == 5
    assert len(result.worst) == 5
    assert result.n_failed > 5
    shown = sum(f"{v:.6g}" in text for v in np.cos(x))
    assert shown <= 5
    assert "dx" in text and "(100,)" in text and "tolerance" in text
    assert "3x the expected" in text


def test_describe_of_a_three_entry_tensor_hides_at_least_one_entry():
    x = np.array([0.3, 0.8, -0.4])
    text = gc.check_gradient(lambda t: np.sum(np.sin(t)), x, -np.cos(x)).describe()
    assert sum(f"{v:.6g}" in text for v in np.cos(x)) == 2


def test_describe_of_a_pass_is_one_line():
    x = np.array([0.3, 0.8, -0.4])
    text = gc.check_gradient(lambda t: np.sum(np.sin(t)), x, np.cos(x)).describe()
    assert text.startswith("x: ok") and "\n" not in text


# --------------------------------------------------------------------------- check_gradients


def two_layer(seed, dtype=np.float64, N=6, D=3, H=4):
    """A small tanh network with mse loss: params, trusted loss, correct backward in dtype."""
    rng = np.random.default_rng(seed)
    raw = {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H) * 0.1,
           "W2": rng.normal(size=(H, 1)), "b2": rng.normal(size=1) * 0.1}
    X, y = rng.normal(size=(N, D)), rng.normal(size=N)
    params = {k: v.astype(dtype) for k, v in raw.items()}

    def loss(p):
        a = np.tanh(X @ p["W1"] + p["b1"])
        return np.mean(((a @ p["W2"] + p["b2"])[:, 0] - y) ** 2)

    def backward(p, Xd):
        a = np.tanh(Xd @ p["W1"] + p["b1"])
        dout = (2 * ((a @ p["W2"] + p["b2"])[:, 0] - y.astype(Xd.dtype)) / N)[:, None]
        dz = (dout @ p["W2"].T) * (1 - a ** 2)
        return {"W1": Xd.T @ dz, "b1": dz.sum(0), "W2": a.T @ dout, "b2": dout.sum(0)}

    X_s = X.astype(dtype)
    X[:] = X_s  # the grader's forward sees exactly the student's inputs
    return {k: v.astype(np.float64) for k, v in params.items()}, loss, backward(params, X_s)


@pytest.mark.parametrize("dtype", DTYPES)
def test_check_gradients_passes_a_correct_two_layer_backward(dtype):
    params, loss, grads = two_layer(0, dtype)
    results = gc.check_gradients(loss, params, grads)
    assert [r.name for r in results] == ["W1", "b1", "W2", "b2"]
    assert all(r.passed for r in results), "\n".join(r.describe() for r in results)


def test_check_gradients_judges_each_tensor_on_its_own_scale():
    params, loss, grads = two_layer(1)
    grads = dict(grads, b1=grads["b1"] * 1.05)  # 5% off in the small bias only
    passed = {r.name: r.passed for r in gc.check_gradients(loss, params, grads)}
    assert passed == {"W1": True, "b1": False, "W2": True, "b2": True}


def cancelling_bias_problem():
    """Linear regression whose residuals nearly cancel: db = 2*mean(r) is ~1e-6 in float32."""
    rng = np.random.default_rng(0)
    X, w = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    b = np.float32([0.3])
    y = (X.astype(float) @ w + b - np.array([1.3, -0.7, 0.45, -1.05 + 3e-6])).astype(np.float32)
    r = X @ w + b - y  # float32, as a student computes it
    grads = {"w": 2 * X.T @ r / 4, "b": np.array([2 * r.sum() / 4], dtype=np.float32)}
    X6, y6 = X.astype(float), y.astype(float)
    loss = lambda p: np.mean((X6 @ p["w"] + p["b"][0] - y6) ** 2)
    return loss, {"w": w.astype(float), "b": b.astype(float)}, grads


def test_check_gradients_does_not_fail_float32_rounding_of_a_cancelling_sum():
    loss, params, grads = cancelling_bias_problem()
    alone = gc.check_gradient(lambda t: loss(dict(params, b=t)), params["b"], grads["b"])
    assert not alone.passed  # judged against its own tiny value, float32 rounding looks like a bug
    results = gc.check_gradients(loss, params, grads)
    assert all(r.passed for r in results), "\n".join(r.describe() for r in results)


@pytest.mark.parametrize("dtype", DTYPES)
def test_check_gradients_catches_a_bug_in_one_bias_only(dtype):
    params, loss, grads = two_layer(5, dtype)
    grads = dict(grads, b2=-grads["b2"])
    passed = {r.name: r.passed for r in gc.check_gradients(loss, params, grads)}
    assert passed == {"W1": True, "b1": True, "W2": True, "b2": False}


def test_check_gradients_reports_missing_keys_and_wrong_shapes():
    params, loss, grads = two_layer(2)
    grads = {"W1": grads["W1"], "W2": grads["W2"].ravel(), "b2": grads["b2"]}
    results = {r.name: r for r in gc.check_gradients(loss, params, grads)}
    assert "missing gradient for 'b1'" in results["b1"].note
    assert not results["W2"].passed and "(4, 1) expected, got (4,)" in results["W2"].note
    assert results["W1"].passed and results["b2"].passed


def test_check_gradients_with_a_non_dict_answer_fails_every_tensor():
    params, loss, grads = two_layer(3)
    results = gc.check_gradients(loss, params, list(grads.values()))
    assert len(results) == 4 and not any(r.passed for r in results)
    assert "must be a dict" in results[0].note


def test_check_gradients_leaves_params_untouched():
    params, loss, grads = two_layer(4)
    before = {k: v.copy() for k, v in params.items()}
    gc.check_gradients(loss, params, grads)
    assert all(np.array_equal(params[k], before[k]) for k in params)


# --------------------------------------------------------------------------- tolerances and draws


def test_default_rtol_by_dtype():
    assert gc.default_rtol(np.float64) == 1e-6
    assert gc.default_rtol(np.float32) == 1e-4
    assert gc.default_rtol(np.float16) == 1e-2
    assert gc.default_rtol(np.int64) == 1e-6
    with pytest.raises(TypeError):
        gc.default_rtol(np.complex128)


def test_kink_free_redraws_until_clear_of_kinks():
    draws = iter([np.array([0.0, 1.0]), np.array([1e-5, 2.0]), np.array([0.5, -0.7])])
    value = gc.kink_free(lambda: next(draws), is_kink=gc.near_zero)
    assert np.array_equal(value, [0.5, -0.7])


def test_kink_free_blames_the_grader_when_every_draw_sits_on_a_kink():
    with pytest.raises(RuntimeError, match="grader"):
        gc.kink_free(lambda: np.zeros(3), is_kink=gc.near_zero, max_tries=5)


def test_near_zero_checks_every_array():
    assert not gc.near_zero(np.ones(3), np.array([-0.5]))
    assert gc.near_zero(np.ones(3), np.array([-0.5, 1e-4]))
    assert gc.near_zero(np.ones(2), margin=2.0)
