"""Trusted functions the suites hand to student code (passed by name, built in the worker).

Each factory returns a plain NumPy function of x, elementwise unless it says
otherwise, so that student helpers like forward_difference(f, x) have
something to differentiate. The suites compute the expected answers from the
same formulas in the grader's own process.
"""

import numpy as np
import numpy.polynomial.polynomial  # noqa: F401 - NumPy loads it lazily: here, the zygote loads it before forking


def polynomial(coeffs):
    """x -> c0 + c1 x + c2 x^2 + ... (elementwise)."""
    c = np.asarray(coeffs, dtype=np.float64)
    return lambda x: np.polynomial.polynomial.polyval(x, c)


def polynomial_slope(coeffs):
    """The derivative of polynomial(coeffs)."""
    c = np.polynomial.polynomial.polyder(np.asarray(coeffs, dtype=np.float64))
    return lambda x: np.polynomial.polynomial.polyval(x, c)


def wave(a, b, c):
    """x -> a sin(b x) + c x."""
    return lambda x: a * np.sin(b * x) + c * x


def wave_slope(a, b, c):
    return lambda x: a * b * np.cos(b * x) + c


def shifted_slope(root, scale, exact_zero_at=None):
    """A slope that changes sign once, at `root`: scale * tanh(x - root) (+ an exact zero)."""

    def slope(x):
        if exact_zero_at is not None and x == exact_zero_at:
            return 0.0
        return float(scale * np.tanh(x - root))

    return slope


def same_sign_slope(offset):
    """A slope that never changes sign on the bracket: x^2 + offset (offset > 0)."""
    return lambda x: float(x * x + offset)


def exp_scaled(k):
    return lambda x: np.exp(k * x)


def exp_scaled_slope(k):
    return lambda x: k * np.exp(k * x)


def scalar_field(weights, matrix):
    """x (any shape) -> sum(w * sin(x)) + v^T M v with v = x.ravel(): a scalar."""
    w = np.asarray(weights, dtype=np.float64)
    M = np.asarray(matrix, dtype=np.float64)

    def field(x):
        x = np.asarray(x, dtype=np.float64)
        v = x.ravel()
        return float(np.sum(w * np.sin(x)) + v @ M @ v)

    return field


def ripple_field(weights, k):
    """x (any shape) -> sum(w * sin(k x)): a scalar whose slopes show which step h took them."""
    w = np.asarray(weights, dtype=np.float64)
    return lambda x: float(np.sum(w * np.sin(k * np.asarray(x, dtype=np.float64))))


def bowl_gradient(matrix, target):
    """Gradient of 0.5 (t - c)^T M (t - c) for a theta of any shape: M (t - c)."""
    M = np.asarray(matrix, dtype=np.float64)
    c = np.asarray(target, dtype=np.float64)

    def grad(theta):
        t = np.asarray(theta, dtype=np.float64)
        return (M @ (t - c).ravel()).reshape(t.shape)

    return grad
