"""descent: every update written entry by entry."""

import math

import numpy as np


def gradient_descent(grad, theta0, lr, steps):
    theta = np.array(theta0, dtype=np.float64)
    path = [theta.copy()]
    for _ in range(steps):
        g = np.asarray(grad(theta.copy()), dtype=np.float64)
        for index in np.ndindex(theta.shape):
            theta[index] = theta[index] - lr * g[index]
        path.append(theta.copy())
    return np.array(path)


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rows = [[float(v) for v in X[i]] for i in range(n)]
    targets = [float(v) for v in y]
    w, b = [0.0] * d, 0.0
    losses = []
    for _ in range(epochs):
        errors = [sum(rows[i][j] * w[j] for j in range(d)) + b - targets[i] for i in range(n)]
        losses.append(sum(e * e for e in errors) / n)
        dw = [sum(2.0 * errors[i] / n * rows[i][j] for i in range(n)) for j in range(d)]
        db = sum(2.0 * e / n for e in errors)
        w = [w[j] - lr * dw[j] for j in range(d)]
        b = b - lr * db
    return np.array(w), b, np.array(losses)


def _zip_update(shape, *arrays):
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    for index in np.ndindex(shape):
        yield index, [float(a[index]) for a in arrays]


def momentum_step(theta, grad, velocity, lr, beta=0.9):
    shape = np.shape(theta)
    new_theta, new_velocity = np.empty(shape), np.empty(shape)
    for index, (t, g, v) in _zip_update(shape, theta, grad, velocity):
        v = beta * v + g
        new_velocity[index] = v
        new_theta[index] = t - lr * v
    return new_theta, new_velocity


def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):
    shape = np.shape(theta)
    new_theta, new_cache = np.empty(shape), np.empty(shape)
    for index, (t, g, c) in _zip_update(shape, theta, grad, cache):
        c = decay * c + (1 - decay) * g * g
        new_cache[index] = c
        new_theta[index] = t - lr * g / (math.sqrt(c) + eps)
    return new_theta, new_cache


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    shape = np.shape(theta)
    new_theta, new_m, new_v = np.empty(shape), np.empty(shape), np.empty(shape)
    for index, (th, g, mi, vi) in _zip_update(shape, theta, grad, m, v):
        mi = beta1 * mi + (1 - beta1) * g
        vi = beta2 * vi + (1 - beta2) * g * g
        m_hat = mi / (1 - beta1**t)
        v_hat = vi / (1 - beta2**t)
        new_m[index], new_v[index] = mi, vi
        new_theta[index] = th - lr * m_hat / (math.sqrt(v_hat) + eps)
    return new_theta, new_m, new_v
