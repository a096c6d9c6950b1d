"""losses with out= and augmented assignment on new arrays."""

import numpy as np


def _diff(y_pred, y):
    return np.subtract(y_pred, y, dtype=np.result_type(y_pred, y, np.float32))


def mse(y_pred, y):
    d = _diff(y_pred, y)
    d *= d
    return float(d.mean())


def mse_grad(y_pred, y):
    d = _diff(y_pred, y)
    d *= 2
    d /= np.size(y)
    return d


def linear_regression_gradients(w, b, X, y):
    X = np.asarray(X)
    g = X @ w
    g += b
    g -= y
    g *= 2.0 / len(y)
    return X.T @ g, float(g.sum())


def binary_cross_entropy(p, y):
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    total = np.log(p)
    total *= y
    other = np.log(1 - p)
    other *= 1 - y
    total += other
    return float(-total.mean())


def binary_cross_entropy_grad(p, y):
    p = np.asarray(p)
    g = np.subtract(p, y, dtype=np.result_type(p, y, np.float32))
    g /= p * (1 - p)
    g /= np.size(y)
    return g


def l2_penalty(W, lam):
    sq = np.square(W, dtype=np.float64)
    sq *= lam
    return float(sq.sum())


def l2_penalty_grad(W, lam):
    g = np.array(W, dtype=np.result_type(W, np.float32))
    g *= 2 * lam
    return g
