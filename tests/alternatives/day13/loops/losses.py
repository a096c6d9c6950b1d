"""losses with explicit loops over entries, rows and features."""

import math

import numpy as np


def _pairs(a, b):
    a, b = np.asarray(a), np.asarray(b)
    for index in np.ndindex(a.shape):
        yield index, float(a[index]), float(b[index])


def mse(y_pred, y):
    total, count = 0.0, 0
    for _, p, t in _pairs(y_pred, y):
        total += (p - t) ** 2
        count += 1
    return total / count


def mse_grad(y_pred, y):
    n = np.size(y)
    out = np.empty(np.shape(y_pred))
    for index, p, t in _pairs(y_pred, y):
        out[index] = 2.0 * (p - t) / n
    return out


def linear_regression_gradients(w, b, X, y):
    X, w, y = np.asarray(X), np.asarray(w), np.asarray(y)
    n, d = X.shape
    dw, db = [0.0] * d, 0.0
    for row in range(n):
        prediction = float(b) + sum(float(X[row, j]) * float(w[j]) for j in range(d))
        g = 2.0 * (prediction - float(y[row])) / n
        db += g
        for j in range(d):
            dw[j] += float(X[row, j]) * g
    return np.array(dw), db


def binary_cross_entropy(p, y):
    total, count = 0.0, 0
    for _, q, t in _pairs(p, y):
        total += t * math.log(q) + (1.0 - t) * math.log(1.0 - q)
        count += 1
    return -total / count


def binary_cross_entropy_grad(p, y):
    n = np.size(y)
    out = np.empty(np.shape(p))
    for index, q, t in _pairs(p, y):
        out[index] = (q - t) / (q * (1.0 - q)) / n
    return out


def l2_penalty(W, lam):
    W = np.asarray(W)
    return lam * sum(float(W[i]) ** 2 for i in np.ndindex(W.shape))


def l2_penalty_grad(W, lam):
    W = np.asarray(W)
    out = np.empty(W.shape)
    for index in np.ndindex(W.shape):
        out[index] = 2.0 * lam * float(W[index])
    return out
