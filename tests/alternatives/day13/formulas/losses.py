"""losses by dot products, np.subtract and size, log1p."""

import numpy as np


def mse(y_pred, y):
    d = np.subtract(y_pred, y).ravel()
    return float(np.dot(d, d) / d.size)


def mse_grad(y_pred, y):
    return np.subtract(y_pred, y) * (2.0 / np.size(y))


def linear_regression_gradients(w, b, X, y):
    X = np.asarray(X)
    residual = X @ w + b - y
    n = len(y)
    return (2.0 / n) * (residual @ X), float(2.0 * np.mean(residual))


def binary_cross_entropy(p, y):
    p = np.asarray(p, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    return float(-(np.dot(y, np.log(p)) + np.dot(1 - y, np.log1p(-p))) / y.size)


def binary_cross_entropy_grad(p, y):
    p, y = np.asarray(p), np.asarray(y)
    # d/dp of -(y log p + (1 - y) log(1 - p)), then the 1/N of the mean
    return (-(y / p) + (1 - y) / (1 - p)) / np.size(y)


def l2_penalty(W, lam):
    W = np.asarray(W, dtype=np.float64).ravel()
    return float(lam * np.vdot(W, W))


def l2_penalty_grad(W, lam):
    W = np.asarray(W)
    return lam * (W + W)
