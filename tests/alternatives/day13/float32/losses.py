"""losses in the input's precision: float32 arrays give float32 answers."""

import numpy as np


def _same_precision(*arrays):
    arrays = [np.asarray(a) for a in arrays]
    dtype = np.result_type(*arrays, np.float32)
    return [a.astype(dtype, copy=False) for a in arrays], dtype.type


def mse(y_pred, y):
    (y_pred, y), _ = _same_precision(y_pred, y)
    diff = y_pred - y
    return np.mean(diff * diff, dtype=diff.dtype)


def mse_grad(y_pred, y):
    (y_pred, y), real = _same_precision(y_pred, y)
    return real(2) * (y_pred - y) / real(y.size)


def linear_regression_gradients(w, b, X, y):
    (w, X, y), real = _same_precision(w, X, y)
    g = real(2) * (X @ w + real(b) - y) / real(y.size)
    return X.T @ g, np.sum(g, dtype=g.dtype)


def binary_cross_entropy(p, y):
    (p, y), real = _same_precision(p, y)
    one = real(1)
    return -np.mean(y * np.log(p) + (one - y) * np.log(one - p), dtype=p.dtype)


def binary_cross_entropy_grad(p, y):
    (p, y), real = _same_precision(p, y)
    return (p - y) / (p * (real(1) - p)) / real(y.size)


def l2_penalty(W, lam):
    (W,), real = _same_precision(W)
    return real(lam) * np.sum(W * W, dtype=W.dtype)


def l2_penalty_grad(W, lam):
    (W,), real = _same_precision(W)
    return real(2 * lam) * W
